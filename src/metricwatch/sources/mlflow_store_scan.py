"""Read an MLflow tracking store's experiments, metric names and run tags without writing.

File stores are read as files (experiment folders with their meta.yaml), SQLite stores through
a read-only connection (MLflow's own client would run schema migrations on an old store), and
anything else through MLflow's client with a short timeout and no retries. Used by
`metricwatch init`, which must never change the store it inspects.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

MAX_RUNS_PER_EXPERIMENT = 500
REMOTE_TIMEOUT_S = 10.0


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ExperimentInfo(Model):
    experiment_id: str
    name: str
    runs: int


class StoreContents(Model):
    experiments: list[ExperimentInfo] = Field(default_factory=list)
    metric_names: list[str] = Field(default_factory=list)
    tag_values: dict[str, list[str]] = Field(default_factory=dict)
    error: str | None = None


def is_file_store(folder: Path) -> bool:
    """An MLflow file store holds experiment folders, each with a meta.yaml naming it."""
    try:
        children = [c for c in folder.iterdir() if c.is_dir()]
    except OSError:
        return False
    for child in children:
        meta = child / "meta.yaml"
        if meta.is_file():
            try:
                data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError, UnicodeDecodeError):
                continue
            if isinstance(data, dict) and "experiment_id" in data and "name" in data:
                return True
    return False


def read_file_store(root: Path) -> StoreContents:
    experiments: list[ExperimentInfo] = []
    metrics: set[str] = set()
    tags: dict[str, set[str]] = {}
    for exp_dir in sorted(p for p in root.iterdir() if p.is_dir() and (p / "meta.yaml").is_file()):
        meta = yaml.safe_load((exp_dir / "meta.yaml").read_text(encoding="utf-8")) or {}
        if meta.get("lifecycle_stage") == "deleted":
            continue
        runs = 0
        for run_dir in sorted(p for p in exp_dir.iterdir() if (p / "meta.yaml").is_file()):
            run_meta = yaml.safe_load((run_dir / "meta.yaml").read_text(encoding="utf-8")) or {}
            if run_meta.get("lifecycle_stage") == "deleted":
                continue
            runs += 1
            if runs > MAX_RUNS_PER_EXPERIMENT:
                continue
            for f in (run_dir / "metrics").rglob("*"):
                if f.is_file():
                    metrics.add(f.relative_to(run_dir / "metrics").as_posix())
            for f in (run_dir / "tags").rglob("*"):
                if f.is_file():
                    key = f.relative_to(run_dir / "tags").as_posix()
                    tags.setdefault(key, set()).add(f.read_text(encoding="utf-8").strip())
        experiments.append(
            ExperimentInfo(
                experiment_id=str(meta.get("experiment_id", exp_dir.name)),
                name=str(meta.get("name", exp_dir.name)),
                runs=runs,
            )
        )
    return StoreContents(
        experiments=experiments,
        metric_names=sorted(metrics),
        tag_values={k: sorted(v) for k, v in sorted(tags.items())},
    )


def read_sqlite_store(path: Path) -> StoreContents:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        exps = con.execute(
            "SELECT e.experiment_id, e.name, COUNT(r.run_uuid) FROM experiments e "
            "LEFT JOIN runs r ON r.experiment_id = e.experiment_id AND r.lifecycle_stage != 'deleted' "
            "WHERE e.lifecycle_stage != 'deleted' GROUP BY e.experiment_id, e.name "
            "ORDER BY e.experiment_id"
        ).fetchall()
        metrics = [
            r[0] for r in con.execute("SELECT DISTINCT key FROM latest_metrics ORDER BY key")
        ]
        tags: dict[str, list[str]] = {}
        for key, value in con.execute("SELECT DISTINCT key, value FROM tags ORDER BY key, value"):
            tags.setdefault(key, []).append(value)
    finally:
        con.close()
    return StoreContents(
        experiments=[ExperimentInfo(experiment_id=str(i), name=n, runs=c) for i, n, c in exps],
        metric_names=metrics,
        tag_values=tags,
    )


def read_remote_store(uri: str) -> StoreContents:
    """Through MLflow's client, with a short timeout and no retries (init must not hang)."""
    import mlflow

    from metricwatch.config import parse_config
    from metricwatch.sources.mlflow_access import mlflow_env
    from metricwatch.sources.views import MlflowSource

    quick = parse_config(
        {"mlflow": {"tracking_uri": uri, "timeout_s": REMOTE_TIMEOUT_S, "max_retries": 0}},
        "<init>",
        Path.cwd(),
    )
    with mlflow_env(MlflowSource.of(quick)):
        client = mlflow.MlflowClient(tracking_uri=uri)
        exps = client.search_experiments()
        ids = [e.experiment_id for e in exps]
        runs = client.search_runs(ids, max_results=MAX_RUNS_PER_EXPERIMENT)
    counts = Counter(r.info.experiment_id for r in runs)
    tags: dict[str, set[str]] = {}
    for r in runs:
        for k, v in r.data.tags.items():
            tags.setdefault(k, set()).add(v)
    return StoreContents(
        experiments=[
            ExperimentInfo(experiment_id=e.experiment_id, name=e.name, runs=counts[e.experiment_id])
            for e in exps
        ],
        metric_names=sorted({k for r in runs for k in r.data.metrics}),
        tag_values={k: sorted(v) for k, v in sorted(tags.items())},
    )
