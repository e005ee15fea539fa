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

from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words, joined, plain
from metricwatch.parts.integrity.dvc_items import ReleaseFiles
from metricwatch.parts.integrity.model import CheckItem
from metricwatch.sources.dvc_lock import LockEntry
from metricwatch.sources.mlflow_inputs import RunDataset
from metricwatch.track_datasets import is_dvc_md5, parse_source_uri

ITEM = "training_data"
MAX_NAMED = 6


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


def compare(ds: RunDataset, entries: dict[str, LockEntry], tag: str) -> tuple[str, Msg]:
    """(status, reason) for one dataset: "ok", "fail" or "unknown"."""
    path = _path(ds, entries)
    if path is None:
        return "unknown", msg(
            "integrity.reason.dataset_no_path", name=repr(ds.name), source=ds.source, tag=tag
        )
    entry = entries.get(path)
    if entry is None or not entry.md5:
        return "unknown", msg("integrity.reason.dataset_untracked", path=path, tag=tag)
    if not is_dvc_md5(ds.digest):
        return "unknown", msg("integrity.reason.dataset_not_md5", path=path, digest=repr(ds.digest))
    if ds.digest == entry.md5:
        return "ok", plain(f"{path} {ds.digest}")
    if entry.legacy:
        return "unknown", msg(
            "integrity.reason.dataset_legacy", path=path, tag_md5=entry.md5, digest=ds.digest
        )
    return "fail", msg(
        "integrity.reason.dataset_differs", path=path, digest=ds.digest, tag_md5=entry.md5
    )


def _joined(reasons: list[Msg]) -> Words:
    more = [msg("integrity.reason.in_all", n=len(reasons))] if len(reasons) > MAX_NAMED else []
    return joined([[r] for r in reasons[:MAX_NAMED]]) + more


def training_data_item(
    datasets: list[RunDataset] | None,
    rel: ReleaseFiles,
    tag: str,
    *,
    unavailable: str | None = None,
) -> CheckItem:
    """datasets=None: they could not be read (`unavailable` says why)."""
    if datasets is None:
        why = msg("integrity.reason.datasets_unavailable", reason=unavailable)
        return CheckItem(name=ITEM, status="unknown", why=[why])
    if not datasets:
        return CheckItem(name=ITEM, status="unknown", why=[msg("integrity.reason.no_datasets")])
    entries = tag_entries(rel)
    results = [compare(ds, entries, tag) for ds in datasets]
    by_status = {s: [r for st, r in results if st == s] for s in ("fail", "unknown", "ok")}
    if by_status["fail"]:
        return CheckItem(name=ITEM, status="fail", why=_joined(by_status["fail"]))
    if by_status["unknown"]:
        matched = msg("integrity.reason.datasets_match", n=len(by_status["ok"]), total=len(results))
        return CheckItem(name=ITEM, status="unknown", why=[matched, *_joined(by_status["unknown"])])
    head = msg("integrity.reason.datasets_ok", n=len(results))
    return CheckItem(name=ITEM, status="ok", why=[head, *_joined(by_status["ok"])])
