"""The checklist item "training data = the tag's data": a run's logged datasets vs DVC's hashes.

Each dataset the run logged (`mlflow.log_input`) names a path, by its `dvc://path@rev` source
(what `metricwatch.track.log_lineage` logs) or else by its name; its digest is compared with
the md5 the tag's `dvc.lock` (or `.dvc` file) records for that path. A pure function of the
run's datasets and the tag's ReleaseFiles:
✅ every dataset matches; ❌ a digest differs (both hashes named); unknown when the run logged
no dataset, or a dataset names no path the tag tracks, or its digest is not a DVC md5 (an
unknown format is shown, never called matching or not).
"""

from __future__ import annotations

from metricwatch.parts.integrity.dvc_items import ReleaseFiles
from metricwatch.parts.integrity.model import CheckItem
from metricwatch.sources.dvc_lock import LockEntry
from metricwatch.sources.mlflow_inputs import RunDataset
from metricwatch.track_datasets import is_dvc_md5, parse_source_uri

ITEM = "training_data"
MAX_NAMED = 6
NO_DATASETS = (
    "the run logged no dataset inputs (mlflow.log_input); metricwatch.track.log_lineage logs "
    "the DVC-tracked inputs as datasets"
)


def tag_entries(rel: ReleaseFiles) -> dict[str, LockEntry]:
    """path -> its DVC entry at the tag: dvc.lock deps and outs, then `.dvc` file outputs."""
    entries: dict[str, LockEntry] = {}
    for e in [*(rel.lock.deps if rel.lock else []), *(rel.lock.outs if rel.lock else [])]:
        if e.md5 and e.path not in entries:
            entries[e.path] = e
    for e in rel.dvc_file_outs:
        entries.setdefault(e.path, e)
    return entries


def _path(ds: RunDataset, entries: dict[str, LockEntry]) -> str | None:
    parsed = parse_source_uri(ds.source)
    if parsed is not None:
        return parsed[0].strip("/")
    return ds.name if ds.name in entries else None


def compare(ds: RunDataset, entries: dict[str, LockEntry], tag: str) -> tuple[str, str]:
    """(status, reason) for one dataset: "ok", "fail" or "unknown"."""
    path = _path(ds, entries)
    if path is None:
        return "unknown", f"dataset {ds.name!r} ({ds.source}) names no path DVC tracks at {tag}"
    entry = entries.get(path)
    if entry is None or not entry.md5:
        return "unknown", f"{path}: not tracked by DVC at {tag} (dvc.lock, .dvc files)"
    if not is_dvc_md5(ds.digest):
        return (
            "unknown",
            f"{path}: digest {ds.digest!r} is not a DVC md5 (32 hex digits, '.dir' for a "
            "folder), so it cannot be compared with the tag's",
        )
    if ds.digest == entry.md5:
        return "ok", f"{path} {ds.digest}"
    if entry.legacy:
        return (
            "unknown",
            f"{path}: the tag records a DVC 2 hash ({entry.md5}); the run's {ds.digest} is a "
            "DVC 3 md5, so the two cannot be compared",
        )
    return "fail", f"{path}: the run's data {ds.digest} ≠ the tag's {entry.md5}"


def _joined(reasons: list[str]) -> str:
    more = f"; … ({len(reasons)} in all)" if len(reasons) > MAX_NAMED else ""
    return "; ".join(reasons[:MAX_NAMED]) + more


def training_data_item(
    datasets: list[RunDataset] | None,
    rel: ReleaseFiles,
    tag: str,
    *,
    unavailable: str | None = None,
) -> CheckItem:
    """datasets=None: they could not be read (`unavailable` says why)."""
    if datasets is None:
        return CheckItem(name=ITEM, status="unknown", reason=f"datasets unavailable: {unavailable}")
    if not datasets:
        return CheckItem(name=ITEM, status="unknown", reason=NO_DATASETS)
    entries = tag_entries(rel)
    results = [compare(ds, entries, tag) for ds in datasets]
    by_status = {s: [r for st, r in results if st == s] for s in ("fail", "unknown", "ok")}
    if by_status["fail"]:
        return CheckItem(name=ITEM, status="fail", reason=_joined(by_status["fail"]))
    if by_status["unknown"]:
        matched = f"{len(by_status['ok'])} of {len(results)} dataset(s) match; "
        return CheckItem(
            name=ITEM, status="unknown", reason=matched + _joined(by_status["unknown"])
        )
    return CheckItem(
        name=ITEM,
        status="ok",
        reason=f"{len(results)} dataset(s) = the tag's data: {_joined(by_status['ok'])}",
    )
