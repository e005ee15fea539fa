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


def build_many_runs_sqlite(
    db: Path, n: int, *, metrics: int = 1, params: int = 1, tags: int = 0, experiment: str = "many"
) -> str:
    """n runs in a new SQLite store, fast: one run logged through MLflow, cloned n times in SQL.

    The template run goes through MlflowClient (so the schema and values are MLflow's own);
    clones copy its rows in every run table with a new run id, name, start time and values.
    """
    import sqlite3
    import uuid

    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag

    uri = f"sqlite:///{db}"
    client = MlflowClient(tracking_uri=uri)
    exp = client.create_experiment(experiment)
    start = _ms(T0)
    tpl = client.create_run(exp, start_time=start, run_name="template").info.run_id
    client.log_batch(
        tpl,
        metrics=[Metric(f"m{k}" if k else "rmse", 0.5, start, 0) for k in range(metrics)],
        params=[Param(f"p{k}", "0") for k in range(params)],
        tags=[RunTag(f"t{k}", "x") for k in range(tags)],
    )
    client.set_terminated(tpl, end_time=start + 1000)
    con = sqlite3.connect(db)
    try:
        tables = ("runs", "latest_metrics", "metrics", "params", "tags")
        cols = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
        rows = {
            t: con.execute(f"SELECT * FROM {t} WHERE run_uuid = ?", (tpl,)).fetchall()
            for t in tables
        }
        ids = [uuid.uuid4().hex for _ in range(n)]
        for t in tables:
            out = []
            for i in range(1, n):
                rid, name = ids[i], f"r{i:05d}"
                for row in rows[t]:
                    d = dict(zip(cols[t], row, strict=True))
                    d["run_uuid"] = rid
                    if t == "runs":
                        d.update(
                            name=name,
                            start_time=start + i,
                            artifact_uri=str(d["artifact_uri"]).replace(tpl, rid),
                        )
                    elif t in ("metrics", "latest_metrics"):
                        d["value"] = i / n
                    elif t == "params":
                        d["value"] = str(i)
                    elif t == "tags" and d["key"] == "mlflow.runName":
                        d["value"] = name
                    out.append(tuple(d[c] for c in cols[t]))
            marks = ",".join("?" * len(cols[t]))
            con.executemany(f"INSERT INTO {t} VALUES ({marks})", out)
        con.commit()
    finally:
        con.close()
    return uri


def tree_checksums(path: Path) -> dict[str, tuple[str, int]]:
    """sha256 and mtime of every file under path (or of the file itself)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files
    } | {str(d): ("dir", 0) for d in ([] if path.is_file() else path.rglob("*")) if d.is_dir()}


def folder_listing(path: Path) -> set[str]:
    return {p.name for p in path.iterdir()}
