"""A small project for `metricwatch check`: a real git + DVC repo with release tags and a real
SQLite MLflow store. The candidate v1.0.1 breaches the RMSE ratio (1.3 > 1.10 × 1.0) and the
train time ratio (130 > 1.25 × 100); v1.0.2 is tagged without a run. `release` adds a fixed
version (a new tag and its run), which resolves the candidate's breaches."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import yaml

from support.repos import commit_all, init_repo

RUNS = [
    (
        "v1.0.0",
        "baseline",
        {"rmse": 1.0, "qwk": 0.80, "train_time_s": 100.0, "data_drift_pct": 1.0},
    ),
    (
        "v1.0.1",
        "candidate",
        {"rmse": 1.3, "qwk": 0.75, "train_time_s": 130.0, "data_drift_pct": 2.0},
    ),
]
GOOD = {"rmse": 1.0, "qwk": 0.80, "train_time_s": 101.0, "data_drift_pct": 1.0}
START_MS = 1_700_000_000_000


def _log_run(root: Path, version: str, stage: str, metrics: dict[str, float], i: int) -> str:
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{root / 'mlflow.db'}")
    exp = client.get_experiment_by_name("demo")
    exp_id = (
        exp.experiment_id
        if exp is not None
        else client.create_experiment("demo", artifact_location=str(root / "artifacts"))
    )
    run = client.create_run(
        exp_id, run_name=f"train-{version}", tags={"version": version, "stage": stage},
        start_time=START_MS + i * 60_000,
    )  # fmt: skip
    for k, v in metrics.items():
        client.log_metric(run.info.run_id, k, v)
    client.set_terminated(run.info.run_id)
    return str(run.info.run_id)


def build_check_project(root: Path) -> Path:
    repo = init_repo(root / "project", remote=root / "remote")
    for version, _, _ in RUNS:
        (repo / "VERSION").write_text(version)
        commit_all(repo, f"release {version}", tag=version)
    (repo / "VERSION").write_text("v1.0.2")
    commit_all(repo, "release v1.0.2 (no run logged)", tag="v1.0.2")
    for i, (version, stage, metrics) in enumerate(RUNS):
        _log_run(root, version, stage, metrics, i)
    return root


def release(root: Path, version: str, metrics: dict[str, float] = GOOD, *, i: int = 10) -> str:
    """Tag a new release and log its run (newer than every other): the new candidate."""
    repo = root / "project"
    (repo / "VERSION").write_text(version)
    commit_all(repo, f"release {version}", tag=version)
    return _log_run(root, version, "candidate", metrics, i)


def write_cfg(root: Path, name: str, extra: dict[str, Any] | None = None) -> Path:
    """A config named `name`; each gets its own history file, so its alert state starts empty."""
    data: dict[str, Any] = {
        "project": {"path": "project", "name": "cli-test"},
        "history": {"path": f"history/{Path(name).stem}-{uuid.uuid4().hex[:8]}.sqlite"},
        "mlflow": {"tracking_uri": "sqlite:///mlflow.db", "experiments": ["demo"]},
        "alerts": {
            "slack_webhook_env": "MW_TEST_SLACK",
            "teams_webhook_env": "MW_TEST_TEAMS",
            "timeout_s": 2,
            "max_retries": 1,
        },
    }
    for k, v in (extra or {}).items():
        data[k] = {**data.get(k, {}), **v} if isinstance(v, dict) and k != "thresholds" else v
    path = root / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path
