"""Stage `evaluate`: score the model on the test split, measure drift, log the MLflow run.

Writes reports/metrics.json (rmse, qwk, train_time_s, data_drift_pct) and the confusion
plot data. When MLFLOW_TRACKING_URI is set, logs one run wherever it points (params,
metrics, the model and metrics.json as artifacts, lineage tags and the DVC-tracked inputs as
datasets): into the run MLFLOW_RUN_ID names when a release job set it, else a new one. When
it is unset, no run is logged. The store's path is never written here: the reproducibility
check re-runs this stage with a throwaway store.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import yaml
from drift_pct import drift_pct
from sklearn.metrics import cohen_kappa_score, mean_squared_error

from metricwatch.track import log_kpis, log_lineage

TARGET = "level"
EXPERIMENT = os.environ.get("MLFLOW_EXPERIMENT_NAME", "student-performance")
CONFUSION = Path("reports/plots/confusion.csv")


def flat_params(params: dict) -> dict[str, str]:
    """params.yaml as dvc.lock records it: `section.key` -> value."""
    return {f"{section}.{k}": str(v) for section, body in params.items() for k, v in body.items()}


def experiment_id(mlflow, name: str) -> str:
    """The experiment's id; a new one keeps its artifacts beside a SQLite store, not in cwd."""
    client = mlflow.MlflowClient()
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    uri = mlflow.get_tracking_uri()
    location = None
    if uri.startswith("sqlite:///"):
        db = Path(urlsplit(uri).path)
        location = (db.parent / "mlartifacts").resolve().as_uri()
    return client.create_experiment(name, artifact_location=location)


def main() -> None:
    params = yaml.safe_load(Path("params.yaml").read_text(encoding="utf-8"))
    with open("models/model.pkl", "rb") as fh:
        model = pickle.load(fh)  # noqa: S301 - the model this pipeline just trained
    test = pd.read_csv("data/processed/test.csv")
    y = test[TARGET].to_numpy()
    predicted = model.predict(test.drop(columns=[TARGET]))
    levels = np.clip(np.rint(predicted), 0, 3).astype(int)
    rmse = float(np.sqrt(mean_squared_error(y, predicted)))
    qwk = float(cohen_kappa_score(y, levels, weights="quadratic"))
    train_time_s = json.loads(Path("reports/train.json").read_text(encoding="utf-8"))[
        "train_time_s"
    ]
    reference = pd.read_csv("data/raw/students.csv")
    current = pd.read_csv("data/current/batch.csv")
    drift = drift_pct(reference, current, target=TARGET)
    CONFUSION.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"actual": y, "predicted": levels}).to_csv(CONFUSION, index=False)
    kpis = {"rmse": rmse, "qwk": qwk, "train_time_s": train_time_s, "data_drift_pct": drift}

    if not os.environ.get("MLFLOW_TRACKING_URI"):
        log_kpis(**kpis)
        print("evaluate: MLFLOW_TRACKING_URI is not set; metrics written, no MLflow run logged")
        return
    import mlflow

    mlflow.set_experiment(experiment_id=experiment_id(mlflow, EXPERIMENT))
    train = params["train"]
    run_name = f"gbr-d{train['max_depth']}-n{train['n_estimators']}"
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.log_params(flat_params(params))
        log_kpis(**kpis)
        log_lineage()
        mlflow.log_artifact("models/model.pkl", artifact_path="model")
        mlflow.log_artifact("reports/metrics.json")
        mlflow.log_artifact(str(CONFUSION), artifact_path="plots")
    print(f"evaluate: rmse={rmse:.4f} qwk={qwk:.4f} drift={drift}% run={run.info.run_id}")


if __name__ == "__main__":
    main()
