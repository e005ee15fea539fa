"""Pytest fixtures over the standard MLflow stores; import them into a test module.

The stores are built once per test run (every xdist worker reads its own copy); the server
is started once per worker session (cached here, since two modules import these fixtures)
and stopped at the end of the session, even on failure.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from metricwatch.config import Config, parse_config
from metricwatch.mlflow_server import LocalServer, local_mlflow_server
from support.mlflow_stores import build_file_store, migrate_to_sqlite
from support.session_cache import built_once, private_copy


@dataclass(frozen=True)
class Stores:
    file_root: Path
    sqlite_db: Path
    server_db: Path
    ids: dict[str, str]


_CACHE: dict[str, Stores] = {}


def make_cfg(uri: str, root: Path, **mlflow: object) -> Config:
    return parse_config({"mlflow": {"tracking_uri": uri, **mlflow}}, "test.yaml", root)


def _build_std(base: Path) -> None:
    ids = build_file_store(base / "mlruns")
    migrate_to_sqlite(base / "mlruns", base / "mlflow.db")
    (base / "ids.json").write_text(json.dumps(ids), encoding="utf-8")


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    """The standard stores, built once per test run; each worker reads its own copy."""
    if "std" not in _CACHE:
        built = built_once(tmp_path_factory, "mlflow-std", _build_std)
        base = private_copy(built, tmp_path_factory.mktemp("mlflow-std") / "stores")
        shutil.copy(base / "mlflow.db", base / "server.db")
        ids = json.loads((base / "ids.json").read_text(encoding="utf-8"))
        _CACHE["std"] = Stores(base / "mlruns", base / "mlflow.db", base / "server.db", ids)
    return _CACHE["std"]


_SERVERS: dict[str, LocalServer] = {}


@pytest.fixture(scope="session")
def server(stores: Stores) -> Iterator[LocalServer]:
    """One `mlflow server` per session (started by whichever module asks first), always stopped."""
    if "std" in _SERVERS:
        yield _SERVERS["std"]
        return
    with local_mlflow_server(f"sqlite:///{stores.server_db}", timeout_s=240) as srv:
        _SERVERS["std"] = srv
        try:
            yield srv
        finally:
            _SERVERS.pop("std", None)


def store_uri(kind: str, stores: Stores, server: LocalServer | None) -> str:
    if kind == "file":
        return str(stores.file_root)
    if kind == "sqlite":
        return f"sqlite:///{stores.sqlite_db}"
    assert server is not None
    return server.url


@pytest.fixture(params=["file", "sqlite", "server"])
def store_cfg(request: pytest.FixtureRequest, stores: Stores, tmp_path: Path) -> Config:
    srv = request.getfixturevalue("server") if request.param == "server" else None
    return make_cfg(store_uri(request.param, stores, srv), tmp_path, experiments=["churn"])
