"""MLflow stores with a Model Registry, logged models and dataset inputs, for tests.

The same content is written through MlflowClient into a file store and into a SQLite store:
three release runs, model `student-performance` with one version per run (@champion on v1.0.0's,
@challenger on v1.0.3's), a deleted fourth version, a second model from v1.0.0's run, an MLflow 3
logged model behind v1.0.1's version (source `models:/<model id>`, MLflow 3's way), and DVC-style
dataset inputs on v1.0.0's run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MODEL = "student-performance"
OTHER_MODEL = "student-performance-small"
VERSIONS = ("v1.0.0", "v1.0.1", "v1.0.3")
RAW_MD5 = "0f2b4c6e8a0c2e4f6a8c0e2f4a6c8e0a"
DIR_MD5 = "1a2b3c4d5e6f708192a3b4c5d6e7f809.dir"


@dataclass(frozen=True)
class RegistryContent:
    uri: str
    runs: dict[str, str]  # version -> run id
    logged_model_id: str


def dvc_dataset(path: str, digest: str, rev: str):
    """An MLflow dataset whose source is a `dvc://path@rev` URI (what log_lineage logs)."""
    from metricwatch.track_datasets import dvc_dataset as make

    return make(path, digest, rev)


def build(uri: str) -> RegistryContent:
    import mlflow
    from mlflow import MlflowClient

    saved = {k: os.environ.get(k) for k in ("MLFLOW_ALLOW_FILE_STORE", "MLFLOW_TRACKING_URI")}
    # MLflow's SQL registry resolves a `models:/<id>` source through the global tracking URI
    os.environ.update(MLFLOW_ALLOW_FILE_STORE="true", MLFLOW_TRACKING_URI=uri)
    try:
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        exp = client.create_experiment("registry-test")
        runs = {}
        for version in VERSIONS:
            run = client.create_run(exp, run_name=f"run-{version}", tags={"version": version})
            client.set_terminated(run.info.run_id)
            runs[version] = run.info.run_id
        logged = client.create_logged_model(exp, name="model", source_run_id=runs["v1.0.1"])
        client.finalize_logged_model(logged.model_id, "READY")
        client.create_registered_model(MODEL)
        for version in VERSIONS:
            rid = runs[version]
            logged_id = logged.model_id if version == "v1.0.1" else None
            source = f"models:/{logged_id}" if logged_id else f"runs:/{rid}/model"
            client.create_model_version(
                MODEL, source, run_id=rid, tags={"git_tag": version}, model_id=logged_id
            )
        extra = client.create_model_version(MODEL, "runs:/x/model", run_id=runs["v1.0.3"])
        client.delete_model_version(MODEL, extra.version)
        client.set_registered_model_alias(MODEL, "champion", "1")
        client.set_registered_model_alias(MODEL, "challenger", "3")
        client.create_registered_model(OTHER_MODEL)
        client.create_model_version(OTHER_MODEL, "runs:/a/model", run_id=runs["v1.0.0"])
        inputs = [
            mlflow.entities.DatasetInput(
                dvc_dataset(p, d, "v1.0.0")._to_mlflow_entity(),
                [mlflow.entities.InputTag("mlflow.data.context", "training")],
            )
            for p, d in (("data/raw/students.csv", RAW_MD5), ("data/processed", DIR_MD5))
        ]
        client.log_inputs(runs["v1.0.0"], datasets=inputs)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return RegistryContent(uri=uri, runs=runs, logged_model_id=logged.model_id)


def sqlite_uri(path: Path) -> str:
    return f"sqlite:///{path}"
