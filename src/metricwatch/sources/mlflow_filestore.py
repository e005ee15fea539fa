"""Malformed folders in an MLflow file store, found by a read-only scan.

MLflow's FileStore silently skips (with a logged warning) a run folder that lacks `meta.yaml`;
the report must say so instead, and must never repair the store.
"""

from __future__ import annotations

from pathlib import Path

# Sub-folders of an experiment folder that are not runs (mlflow FileStore.RESERVED_EXPERIMENT_FOLDERS).
_RESERVED = {"tags", "datasets", "traces", "models"}
EXPERIMENT_NO_META = (
    "experiment folder without meta.yaml: MLflow cannot read it, so none of its runs are in "
    "the KPI table; restore its meta.yaml from a backup"
)
RUN_NO_META = (
    "run folder without meta.yaml: MLflow cannot read this run, so it is not in the KPI table; "
    "restore its meta.yaml from a backup"
)


def _root(uri: str) -> Path:
    from mlflow.utils.file_utils import local_file_uri_to_path

    return Path(local_file_uri_to_path(uri) if uri.startswith("file:") else uri)


def scan_malformed(uri: str, experiment_ids: list[str]) -> list[tuple[str, str]]:
    """(path, reason) for experiment and run folders MLflow cannot read (no meta.yaml)."""
    root = _root(uri)
    found: list[tuple[str, str]] = []
    if not root.is_dir():
        return found
    for exp_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if exp_dir.name in _RESERVED or exp_dir.name == "models":
            continue
        if not (exp_dir / "meta.yaml").is_file():
            found.append((str(exp_dir), EXPERIMENT_NO_META))
            continue
        if exp_dir.name not in experiment_ids:
            continue
        for run_dir in sorted(p for p in exp_dir.iterdir() if p.is_dir()):
            if run_dir.name in _RESERVED:
                continue
            if not (run_dir / "meta.yaml").is_file():
                found.append((str(run_dir), RUN_NO_META))
    return found
