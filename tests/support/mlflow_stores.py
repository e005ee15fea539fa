"""Real MLflow tracking stores for tests: the same runs in a file store, SQLite and a server.

The file store is written through MlflowClient; `mlflow migrate-filestore` turns it into a
SQLite store with the same run ids, so the three store kinds hold identical runs.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

# (run name, tags, metrics, params, status, start offset in hours)
STANDARD_RUNS: list[tuple[str, dict[str, str], dict[str, float], dict[str, str], str, int]] = [
    (
        "baseline-v1.0.0",
        {"version": "v1.0.0", "stage": "baseline"},
        {
            "rmse": 0.50,
            "quadratic_weighted_kappa": 0.80,
            "train_time_s": 12.0,
            "data_drift_pct": 1.0,
        },
        {"lr": "0.1", "depth": "6", "seed": "42"},
        "FINISHED",
        0,
    ),
    (
        "release-v1.0.1",
        {"version": "v1.0.1", "stage": "release"},
        {"rmse": 0.48, "qwk": 0.82, "training_time_s": 11.0, "drift_pct": 2.5, "mae": 0.31},
        {"seed": "42", "depth": "6", "lr": "0.1"},
        "FINISHED",
        24,
    ),
    (
        "broken-v1.0.2",
        {"version": "v1.0.2"},
        {"rmse": float("nan"), "qwk": float("-inf"), "train_time_s": float("inf")},
        {"lr": "0.2", "depth": "8", "seed": "42"},
        "FAILED",
        48,
    ),
    (
        "empty-run",
        {},
        {},
        {},
        "FINISHED",
        60,
    ),
]
DELETED_RUN = ("deleted-v0.9", {"version": "v0.9"}, {"rmse": 9.9}, {}, "FINISHED", -24)
OTHER_EXPERIMENT_RUN = ("other-run", {"version": "v9"}, {"rmse": 1.0}, {}, "FINISHED", 5)
SYSTEM_METRICS = {
    "system/cpu_utilization_percentage": [35.0, 80.0, 60.0],
    "system/system_memory_usage_megabytes": [900.0, 1500.0, 1200.0],
}


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


@contextmanager
def file_store_allowed() -> Iterator[None]:
    old = os.environ.get("MLFLOW_ALLOW_FILE_STORE")
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MLFLOW_ALLOW_FILE_STORE", None)
        else:
            os.environ["MLFLOW_ALLOW_FILE_STORE"] = old


def log_run(client, exp_id: str, spec, *, system: bool = False) -> str:
    from mlflow.entities import Metric, Param, RunTag

    name, tags, metrics, params, status, hours = spec
    start = _ms(T0) + hours * 3600 * 1000
    run = client.create_run(exp_id, start_time=start, run_name=name)
    rid = run.info.run_id
    ms = [Metric(k, v, start + 1000, 0) for k, v in metrics.items()]
    if system:
        for key, values in SYSTEM_METRICS.items():
            ms += [Metric(key, v, start + 1000 * (i + 1), i) for i, v in enumerate(values)]
    client.log_batch(
        rid,
        metrics=ms,
        params=[Param(k, v) for k, v in params.items()],
        tags=[RunTag(k, v) for k, v in tags.items()],
    )
    client.set_terminated(rid, status=status, end_time=start + 60_000)
    return rid


def build_file_store(root: Path) -> dict[str, str]:
    """The standard runs in experiment 'churn' (+ one deleted, + experiment 'other')."""
    from mlflow import MlflowClient

    ids: dict[str, str] = {}
    with file_store_allowed():
        client = MlflowClient(tracking_uri=root.as_uri())
        exp = client.create_experiment("churn")
        for i, spec in enumerate(STANDARD_RUNS):
            ids[spec[0]] = log_run(client, exp, spec, system=i == 1)
        art = root.parent / "artifact-src"
        (art / "model").mkdir(parents=True, exist_ok=True)
        (art / "model" / "weights.txt").write_text("w", encoding="utf-8")
        (art / "metrics.json").write_text("{}", encoding="utf-8")
        client.log_artifacts(ids["release-v1.0.1"], str(art))
        ids[DELETED_RUN[0]] = log_run(client, exp, DELETED_RUN)
        client.delete_run(ids[DELETED_RUN[0]])
        other = client.create_experiment("other")
        ids[OTHER_EXPERIMENT_RUN[0]] = log_run(client, other, OTHER_EXPERIMENT_RUN)
    return ids


def migrate_to_sqlite(file_root: Path, db: Path) -> str:
    """`mlflow migrate-filestore`: same experiments and run ids in a SQLite store."""
    uri = f"sqlite:///{db}"
    env = dict(os.environ, MLFLOW_ALLOW_FILE_STORE="true")
    proc = subprocess.run(
        [sys.executable, "-m", "mlflow", "migrate-filestore", "--source", str(file_root),
         "--target", uri, "--no-progress"],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise AssertionError(f"migrate-filestore failed:\n{proc.stdout}\n{proc.stderr}")
    return uri


def build_many_runs_sqlite(db: Path, n: int) -> str:
    """n small runs in experiment 'many' of a new SQLite store (for pagination)."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    uri = f"sqlite:///{db}"
    client = MlflowClient(tracking_uri=uri)
    exp = client.create_experiment("many")
    start = _ms(T0)
    for i in range(n):
        rid = client.create_run(exp, start_time=start + i, run_name=f"r{i:05d}").info.run_id
        client.log_batch(
            rid, metrics=[Metric("rmse", i / n, start, 0)], params=[Param("i", str(i))]
        )
    return uri


def tree_checksums(path: Path) -> dict[str, tuple[str, int]]:
    """sha256 and mtime of every file under path (or of the file itself)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files
    } | {str(d): ("dir", 0) for d in ([] if path.is_file() else path.rglob("*")) if d.is_dir()}


def folder_listing(path: Path) -> set[str]:
    return {p.name for p in path.iterdir()}
