"""Read-only access to an MLflow Model Registry on a file, SQLite or HTTP store.

MLflow would write on open where metricwatch must not: its file registry store creates
`models/` when missing, and its SQL registry store creates or migrates tables when any is
missing. So a SQLite store is checked first through a read-only sqlite3 connection (the three
registry tables must exist), a file store must already hold `models/` and is read through a
registry FileStore that never creates anything, under the same private scheme as the tracking
file store; HTTP servers are asked through MlflowClient (timeouts from the config).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from metricwatch.errors import SourceError
from metricwatch.sources.mlflow_access import (
    READONLY_FILE_SCHEME,
    client_uri,
    mlflow_env,
    store_kind,
    translate_errors,
)
from metricwatch.sources.views import MlflowSource

if TYPE_CHECKING:
    import mlflow

REGISTRY_TABLES = ("registered_models", "model_versions", "registered_model_aliases")
NO_REGISTRY = "holds no MLflow Model Registry"


def _check_sqlite_registry(uri: str) -> None:
    path = Path(uri[len("sqlite:///") :])
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            rows = con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise SourceError(f"{path}: cannot read the SQLite tracking store: {exc}") from exc
    missing = [t for t in REGISTRY_TABLES if t not in {r[0] for r in rows}]
    if missing:
        raise SourceError(
            f"{path}: the store {NO_REGISTRY} (no {', '.join(missing)} table); it was made by "
            "an MLflow older than 2.3 or is not a full MLflow database. metricwatch never "
            "creates or migrates tables: upgrade a copy with `mlflow db upgrade`, or remove the "
            "registry settings (baseline.model, integrity.registered_model)."
        )


def _register_readonly_registry_store() -> None:
    from mlflow.store.model_registry.abstract_store import AbstractStore
    from mlflow.store.model_registry.file_store import FileStore
    from mlflow.tracking._model_registry.utils import _get_store_registry

    class ReadOnlyRegistryFileStore(FileStore):
        """A registry FileStore that never creates `models/` (nor its root)."""

        def __init__(self, root_directory: str) -> None:
            AbstractStore.__init__(self)
            self.root_directory = root_directory

    def build(store_uri: str, tracking_uri: str | None = None) -> ReadOnlyRegistryFileStore:
        return ReadOnlyRegistryFileStore(store_uri[len(READONLY_FILE_SCHEME) + len("://") :])

    _get_store_registry().register(READONLY_FILE_SCHEME, build)


def registry_client(source: MlflowSource) -> mlflow.MlflowClient:
    """An MlflowClient whose registry is the tracking store's, opened read-only."""
    from mlflow import MlflowClient

    uri = client_uri(source)  # checks the tracking store; read-only form for file stores
    kind = store_kind(source.tracking_uri())
    if kind == "sqlite":
        _check_sqlite_registry(uri)
    elif kind == "file":
        root = Path(uri[len(READONLY_FILE_SCHEME) + len("://") :])
        if not (root / "models").is_dir():
            raise SourceError(
                f"{root}: the file store {NO_REGISTRY} (no models/ folder: no model was ever "
                "registered there); register a model version, or remove the registry settings "
                "(baseline.model, integrity.registered_model)."
            )
        _register_readonly_registry_store()
    with mlflow_env(source), translate_errors(source, "open the model registry"):
        return MlflowClient(tracking_uri=uri, registry_uri=uri)
