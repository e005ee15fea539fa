"""A real course project, shaped like the ones students hand in, for the onboarding tests.

Its shape (issue 15): an MLflow FILE store under `data/mlflow`, itself tracked by DVC as
`data/mlflow.dvc`; runs named after their model, logging `rmse` and `quadratic_weighted_kappa`,
each model registered with `registered_model_name`; no run carries a `version` tag; git tags
`data-v1.0-raw`, `data-v1.1-clean`, `data-v1.2-features` (only `.dvc` files, no pipeline) and
`models-v1.0-baseline`; `dvc.yaml` + `dvc.lock` only at HEAD (a later, untagged commit). Every
DVC output is pushed to a local folder remote beside the repository.

Runs are logged by MLflow itself in a subprocess (scikit-learn models, `mlflow.sklearn.log_model`),
so the store is what a real training script writes; the subprocess is forked warm
(support/warm_cli.py: mlflow already imported) unless its environment rules that out.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from support.repos import commit_all, dvc, git, init_repo
from support.warm_cli import run_cli

EXPERIMENT = "student-grades"
MODELS = ("Ridge", "RandomForestRegressor", "GradientBoostingRegressor")
DATA_TAGS = ("data-v1.0-raw", "data-v1.1-clean", "data-v1.2-features")
MODEL_TAG = "models-v1.0-baseline"

TRAIN_RUNS = """\
import sys
import mlflow, mlflow.sklearn, numpy as np
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import cohen_kappa_score, mean_squared_error

mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment(sys.argv[2])
rng = np.random.default_rng(7)
X = rng.normal(size=(240, 4))
y = np.clip(np.round(X @ [0.8, 0.5, -0.3, 0.1] + 1.5 + rng.normal(0, 0.3, 240)), 0, 3)
models = {
    "Ridge": Ridge(alpha=1.0),
    "RandomForestRegressor": RandomForestRegressor(n_estimators=8, random_state=0),
    "GradientBoostingRegressor": GradientBoostingRegressor(n_estimators=20, random_state=0),
}
for name, model in models.items():
    with mlflow.start_run(run_name=name):
        model.fit(X[:180], y[:180])
        pred = model.predict(X[180:])
        mlflow.log_params({"model": name, "n_features": 4})
        mlflow.log_metric("rmse", float(np.sqrt(mean_squared_error(y[180:], pred))))
        kappa = cohen_kappa_score(y[180:], np.clip(np.round(pred), 0, 3), weights="quadratic")
        mlflow.log_metric("quadratic_weighted_kappa", float(kappa))
        mlflow.sklearn.log_model(
            model, name="model", registered_model_name=name, pip_requirements=["scikit-learn"],
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
"""

# The pipeline added at HEAD: deterministic, stdlib only.
PIPELINE = """\
import csv, json, pathlib
rows = list(csv.DictReader(open("data/features/features.csv")))
mean = sum(float(r["score"]) for r in rows) / len(rows)
pathlib.Path("models").mkdir(exist_ok=True)
json.dump({"mean_score": round(mean, 6)}, open("models/model.json", "w"), sort_keys=True)
pathlib.Path("reports").mkdir(exist_ok=True)
json.dump({"rmse": round(abs(mean - 1.5), 6), "n": len(rows)}, open("reports/metrics.json", "w"))
"""
DVC_YAML = {
    "stages": {
        "train": {
            "cmd": "python src/pipeline.py",
            "deps": ["src/pipeline.py", "data/features/features.csv"],
            "outs": ["models/model.json"],
            "metrics": [{"reports/metrics.json": {"cache": False}}],
        }
    }
}


@dataclass(frozen=True)
class CourseProject:
    root: Path
    repo: Path
    remote: Path

    @property
    def store(self) -> Path:
        return self.repo / "data" / "mlflow"


def _csv(path: Path, rows: int, shift: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["student,hours,score"] + [f"s{i},{(i * 7 + shift) % 11},{i % 4}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _data_release(repo: Path, path: str, rows: int, shift: int, tag: str) -> None:
    _csv(repo / path, rows, shift)
    dvc(repo, "add", "-q", path)
    commit_all(repo, f"data: {tag}", tag=tag)


def run_mlflow_script(code: str, *args: str, cwd: Path, timeout: float = 600) -> None:
    """Run `python SCRIPT args…` (SCRIPT holding code) as MLflow's own client would (file
    stores allowed), in a process of its own."""
    env = {
        **os.environ,
        "MLFLOW_ALLOW_FILE_STORE": "true",
        "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    }
    with tempfile.TemporaryDirectory(prefix="mlflow-script-") as tmp:
        script = Path(tmp) / "log_runs.py"
        script.write_text(code, encoding="utf-8")
        proc = run_cli(list(args), env=env, cwd=cwd, timeout=timeout, script=script)
    assert proc.returncode == 0, proc.stderr


def log_runs(store: Path) -> None:
    """Three runs named after their model, logged and registered by MLflow in a subprocess."""
    store.mkdir(parents=True, exist_ok=True)
    run_mlflow_script(TRAIN_RUNS, store.as_uri(), EXPERIMENT, cwd=store.parent)


def build_course_project(root: Path) -> CourseProject:
    """The project in root/course (git + DVC), its remote in root/remote."""
    repo, remote = root / "course", root / "remote"
    init_repo(repo, remote=remote)
    dvc(repo, "remote", "rename", "local", "storage")
    commit_all(repo, "remote storage")
    for tag, (path, rows, shift) in zip(
        DATA_TAGS,
        (
            ("data/raw/students.csv", 40, 0),
            ("data/clean/students.csv", 36, 1),
            ("data/features/features.csv", 36, 2),
        ),
        strict=True,
    ):
        _data_release(repo, path, rows, shift, tag)
    project = CourseProject(root=root, repo=repo, remote=remote)
    log_runs(project.store)
    dvc(repo, "add", "-q", "data/mlflow")
    commit_all(repo, "models: baseline runs", tag=MODEL_TAG)
    (repo / "src").mkdir()
    (repo / "src" / "pipeline.py").write_text(PIPELINE, encoding="utf-8")
    (repo / "dvc.yaml").write_text(yaml.safe_dump(DVC_YAML, sort_keys=False), encoding="utf-8")
    (repo / ".gitignore").write_text("/models\n", encoding="utf-8")
    dvc(repo, "repro", "-q")
    # one push for every release: each one added new paths, so the work tree holds them all
    dvc(repo, "push", "-q")
    commit_all(repo, "pipeline: dvc.yaml + dvc.lock")
    assert not git(repo, "status", "--porcelain").stdout.strip()
    return project
