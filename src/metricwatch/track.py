"""Lineage and KPI logging for training code (the seed's Appendix A, plus what integrity checks).

Inside an active MLflow run (or for a finished run, given run_id):

    with mlflow.start_run():
        mlflow.log_params(params)
        log_kpis(rmse=rmse, qwk=qwk, train_time_s=t, data_drift_pct=d)  # + reports/metrics.json
        log_lineage()                                                   # version, commit, hashes

`log_lineage` records the tags metricwatch's integrity check reads: the version tag, the git
commit, whether the work tree was dirty, the params hash and the DVC md5 of the pipeline's
outputs and source inputs, computed with DVC's own hashing (directories as `<md5>.dir`), so
they equal the hashes `dvc.lock` records for the same content. The source inputs that DVC
tracks (`.dvc` files) are also logged as the run's MLflow datasets (`mlflow.log_input`: name =
path, digest = DVC md5, source `dvc://path@rev`; see metricwatch.track_datasets).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from metricwatch.errors import MetricwatchError, SourceError
from metricwatch.git import TIMEOUT_S, run_git
from metricwatch.hashing import canonical_json, params_hash
from metricwatch.procs import ProcResult
from metricwatch.track_datasets import dvc_tracked, log_datasets
from metricwatch.vocab import (
    TAG_COMMIT,
    TAG_DEPS,
    TAG_DIRTY,
    TAG_OUTS,
    TAG_PARAMS_HASH,
    TAG_VERSION_DEFAULT,
)


@dataclass(frozen=True)
class Lineage:
    """What log_lineage recorded on the run (tags is exactly the MLflow tags written).

    A frozen dataclass, not a pydantic model: this module is imported by training code on
    every pipeline run, so it keeps its imports light.
    """

    run_id: str
    version: str | None
    commit: str | None
    dirty: bool | None
    params_hash: str
    outs: dict[str, str]
    deps: dict[str, str]
    tags: dict[str, str]
    datasets: dict[str, str] = field(default_factory=dict)  # logged as MLflow datasets

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _git(repo: Path, *args: str) -> ProcResult:
    res = run_git(repo, *args)
    if res.timed_out:
        raise SourceError(
            f"{repo}: git {' '.join(args)} timed out after {TIMEOUT_S:.0f} s; check that the "
            "repository is on a responsive disk and not locked by another git"
        )
    return res


def git_state(repo: Path) -> tuple[str | None, bool | None, str | None]:
    """(HEAD commit, work tree dirty, exact tag at HEAD); None where git cannot tell."""
    head = _git(repo, "rev-parse", "--verify", "HEAD")
    commit = head.stdout.strip() if head.returncode == 0 else None
    status = _git(repo, "status", "--porcelain", "--untracked-files=normal")
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    described = _git(repo, "describe", "--exact-match", "--tags", "HEAD")
    tag = described.stdout.strip() if described.returncode == 0 else None
    return commit, dirty, tag or None


def dvc_md5(path: Path) -> str:
    """The md5 DVC 3 records in dvc.lock: of the bytes for a file, `<md5>.dir` for a folder."""
    from dvc_data.hashfile.hash import file_md5
    from dvc_data.hashfile.hash_info import HashInfo
    from dvc_data.hashfile.meta import Meta
    from dvc_data.hashfile.tree import Tree

    if path.is_file():
        return file_md5(str(path))
    if not path.is_dir():
        raise SourceError(f"{path}: no such file or folder to hash")
    tree = Tree()
    for item in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = item.relative_to(path).parts
        tree.add(rel, Meta(size=item.stat().st_size), HashInfo("md5", file_md5(str(item))))
    tree.digest()
    return str(tree.hash_info.value)


def _entry_path(entry: Any) -> tuple[str, bool]:
    """(path, cached) of one dvc.yaml outs/deps entry: a string or a one-key mapping."""
    if isinstance(entry, str):
        return entry, True
    if isinstance(entry, Mapping) and len(entry) == 1:
        path, opts = next(iter(entry.items()))
        cached = not (isinstance(opts, Mapping) and opts.get("cache") is False)
        return str(path), cached
    raise SourceError(f"dvc.yaml: unexpected outs/deps entry {entry!r}")


def pipeline_paths(repo: Path | str = ".") -> tuple[list[str], list[str]]:
    """(cached outputs, source inputs) declared in repo/dvc.yaml.

    Outputs are the stages' cached `outs` (data, models; not cache: false metrics/plots);
    inputs are the deps no stage produces (raw data, code, params files).
    """
    root = Path(repo)
    dvc_yaml = root / "dvc.yaml"
    try:
        spec = yaml.safe_load(dvc_yaml.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError(
            f"{dvc_yaml}: cannot read the pipeline ({exc}); pass outs=/deps= explicitly"
        ) from exc
    outs: list[str] = []
    all_outs: set[str] = set()
    deps: list[str] = []
    for stage in (spec.get("stages") or {}).values():
        for key in ("outs", "metrics", "plots"):
            for entry in stage.get(key) or []:
                path, cached = _entry_path(entry)
                all_outs.add(path)
                if key == "outs" and cached and path not in outs:
                    outs.append(path)
        for entry in stage.get("deps") or []:
            path, _ = _entry_path(entry)
            if path not in deps:
                deps.append(path)
    return outs, [d for d in deps if d not in all_outs]


def dataset_rev(
    repo: Path, path: str, md5: str, version: str | None, commit: str | None, dirty: bool | None
) -> str:
    """The revision a dataset's `dvc://path@rev` names: the version (else the commit) when its
    `<path>.dvc` records this md5, or when no `.dvc` file there says otherwise and the tree is
    clean; else "workspace" (the run read data that revision does not hold)."""
    rev = version or commit
    if rev is None:
        return "workspace"
    shown = _git(repo, "show", "--end-of-options", f"{rev}:{path}.dvc")
    if shown.returncode != 0:
        return rev if dirty is False else "workspace"
    try:
        outs = (yaml.safe_load(shown.stdout) or {}).get("outs") or [{}]
    except (yaml.YAMLError, AttributeError):
        return "workspace"
    return rev if isinstance(outs[0], Mapping) and outs[0].get("md5") == md5 else "workspace"


def hash_paths(repo: Path, paths: Iterable[str]) -> dict[str, str]:
    """DVC md5 of each existing path (relative to repo); missing paths are left out."""
    return {p: dvc_md5(repo / p) for p in paths if (repo / p).exists()}


def _run_id(run_id: str | None) -> str:
    if run_id:
        return run_id
    import mlflow

    active = mlflow.active_run()
    if active is None:
        raise MetricwatchError(
            "metricwatch.track.log_lineage(): no active MLflow run; call it inside "
            "`with mlflow.start_run():` or pass run_id="
        )
    return active.info.run_id


def log_lineage(
    version: str | None = None,
    *,
    repo: Path | str = ".",
    outs: Iterable[str] | None = None,
    deps: Iterable[str] | None = None,
    run_id: str | None = None,
    tracking_uri: str | None = None,
    version_tag: str = TAG_VERSION_DEFAULT,
    datasets: bool = True,
) -> Lineage:
    """Tag the run with its version, git commit, dirty flag, params hash and DVC hashes.

    version defaults to `git describe --exact-match --tags` (no tag is written when HEAD has
    none); outs/deps default to dvc.yaml's cached outputs and source inputs. Log the params
    first: the params hash is computed from the params already on the run. With datasets
    (default), the deps a `.dvc` file tracks are logged as the run's training datasets (see
    dataset_rev for the `@rev` of their `dvc://path@rev` source).
    """
    import mlflow

    root = Path(repo).resolve()
    rid = _run_id(run_id)
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    commit, dirty, tag = git_state(root)
    version = version or tag
    if outs is None or deps is None:
        default_outs, default_deps = pipeline_paths(root)
        outs = default_outs if outs is None else outs
        deps = default_deps if deps is None else deps
    out_hashes = hash_paths(root, outs)
    dep_hashes = hash_paths(root, deps)
    phash = params_hash(client.get_run(rid).data.params)
    tags = {
        TAG_PARAMS_HASH: phash,
        TAG_OUTS: canonical_json(out_hashes),
        TAG_DEPS: canonical_json(dep_hashes),
    }
    if commit:
        tags[TAG_COMMIT] = commit
    if dirty is not None:
        tags[TAG_DIRTY] = "true" if dirty else "false"
    if version:
        tags[version_tag] = version
    for key, value in tags.items():
        client.set_tag(rid, key, value)
    tracked = {p: h for p, h in dep_hashes.items() if datasets and dvc_tracked(root, p)}
    log_datasets(
        client,
        rid,
        {p: (h, dataset_rev(root, p, h, version, commit, dirty)) for p, h in tracked.items()},
    )
    return Lineage(
        run_id=rid,
        version=version,
        commit=commit,
        dirty=dirty,
        params_hash=phash,
        outs=out_hashes,
        deps=dep_hashes,
        tags=tags,
        datasets=tracked,
    )


def log_kpis(
    *,
    rmse: float | None = None,
    qwk: float | None = None,
    train_time_s: float | None = None,
    data_drift_pct: float | None = None,
    metrics_path: Path | str | None = "reports/metrics.json",
    **extra: float,
) -> dict[str, float | None]:
    """Log the KPIs to the active MLflow run (if any) and write them to metrics_path for DVC.

    Values left as None are neither logged nor written; a NaN/inf value is logged to MLflow
    as is but written to JSON as null (JSON has no NaN).
    """
    given = {
        "rmse": rmse,
        "qwk": qwk,
        "train_time_s": train_time_s,
        "data_drift_pct": data_drift_pct,
        **extra,
    }
    values = {k: float(v) for k, v in given.items() if v is not None}
    # Without mlflow imported there can be no active run: skip the (slow) import then.
    mlflow = sys.modules.get("mlflow")
    if mlflow is not None and mlflow.active_run() is not None and values:
        mlflow.log_metrics(values)
    written: dict[str, float | None] = {
        k: (v if math.isfinite(v) else None) for k, v in values.items()
    }
    if metrics_path is not None:
        target = Path(metrics_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    return written
