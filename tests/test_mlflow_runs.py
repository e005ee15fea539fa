"""The run source against real file, SQLite and `mlflow server` stores."""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from support import mlflow_fixtures as fx
from support.loopback import serve
from support.mlflow_fixtures import make_cfg
from support.mlflow_stores import T0, tree_checksums

from metricwatch.errors import AuthError, SourceError, SourceUnavailableError
from metricwatch.procs import free_port
from metricwatch.sources.mlflow_filestore import RUN_NO_META
from metricwatch.sources.mlflow_runs import list_run_artifacts, load_runs
from metricwatch.sources.views import MlflowSource

pytestmark = pytest.mark.slow
stores, server, store_cfg = fx.stores, fx.server, fx.store_cfg  # shared fixtures


def test_reads_active_runs_and_counts_deleted(store_cfg, stores) -> None:
    rs = load_runs(MlflowSource.of(store_cfg))
    assert [e.name for e in rs.experiments] == ["churn"]
    names = {r.run_name: r for r in rs.runs}
    assert set(names) == {"baseline-v1.0.0", "release-v1.0.1", "broken-v1.0.2", "empty-run"}
    assert rs.deleted_excluded == 1
    assert any("1 deleted run(s) excluded" in n for n in rs.notes)
    es = [m.text("es") for m in rs.remarks]
    assert "1 run(s) borrado(s) excluido(s) (active mlflow.include_deleted para mostrarlos)" in es
    base = names["baseline-v1.0.0"]
    assert base.run_id == stores.ids["baseline-v1.0.0"]
    assert base.start_time == T0 and base.start_time.tzinfo is not None
    assert base.end_time == T0 + timedelta(minutes=1)
    assert base.tags["version"] == "v1.0.0" and base.tags["stage"] == "baseline"
    assert base.params == {"lr": "0.1", "depth": "6", "seed": "42"}
    assert base.metrics["quadratic_weighted_kappa"] == pytest.approx(0.80)
    assert base.experiment_name == "churn" and base.status == "FINISHED"
    broken = names["broken-v1.0.2"]
    assert broken.status == "FAILED"
    assert math.isnan(broken.metrics["rmse"])
    # MLflow's SQL stores keep -inf as -1.797e308: the KPI layer reads both as -inf
    assert broken.metrics["qwk"] < -1.7e308 and broken.metrics["train_time_s"] > 1.7e308
    dumped = json.dumps(rs.model_dump(mode="json"), allow_nan=False)
    assert '"rmse": null' in dumped


def test_file_store_is_flagged_in_maintenance_mode(stores, tmp_path) -> None:
    rs = load_runs(MlflowSource.of(make_cfg(str(stores.file_root), tmp_path)))
    assert rs.store_kind == "file"
    assert any("maintenance mode" in n for n in rs.notes)
    assert any("modo de mantenimiento" in m.text("es") for m in rs.remarks)


def test_default_reads_every_experiment(stores, tmp_path) -> None:
    rs = load_runs(MlflowSource.of(make_cfg(f"sqlite:///{stores.sqlite_db}", tmp_path)))
    assert {e.name for e in rs.experiments} == {"Default", "churn", "other"}
    assert len(rs.runs) == 5


def test_include_deleted(stores, tmp_path) -> None:
    source = MlflowSource.of(
        make_cfg(f"sqlite:///{stores.sqlite_db}", tmp_path, include_deleted=True)
    )
    rs = load_runs(source, experiments=["churn"])
    assert rs.deleted_excluded == 0
    assert {r.lifecycle_stage for r in rs.runs} == {"active", "deleted"}


def test_since_filters_on_start_time(store_cfg) -> None:
    rs = load_runs(MlflowSource.of(store_cfg), since=T0 + timedelta(hours=30))
    assert {r.run_name for r in rs.runs} == {"broken-v1.0.2", "empty-run"}


def test_unknown_experiment_lists_existing(store_cfg) -> None:
    with pytest.raises(SourceError, match="unknown MLflow experiment") as info:
        load_runs(MlflowSource.of(store_cfg), experiments=["nope"])
    assert "'nope'" in str(info.value)
    assert "'churn', 'other'" in str(info.value)


def test_list_run_artifacts(store_cfg, stores) -> None:
    arts = list_run_artifacts(MlflowSource.of(store_cfg), stores.ids["release-v1.0.1"])
    assert arts == ["metrics.json", "model/weights.txt"]


def test_file_store_unchanged_and_malformed_run_skipped(stores, tmp_path) -> None:
    root = tmp_path / "mlruns"
    shutil.copytree(stores.file_root, root)
    shutil.rmtree(root / ".trash")  # git does not keep empty folders; MLflow would recreate it
    exp_dir = next(p for p in root.glob("*/meta.yaml") if "name: churn" in p.read_text()).parent
    (exp_dir / "0123456789abcdef").mkdir()
    (exp_dir / "0123456789abcdef" / "params").mkdir()
    before = tree_checksums(root)
    rs = load_runs(MlflowSource.of(make_cfg(root.as_uri(), tmp_path)), experiments=["churn"])
    assert tree_checksums(root) == before
    assert [(s.path, s.reason) for s in rs.skipped] == [
        (str(exp_dir / "0123456789abcdef"), RUN_NO_META)
    ]
    assert len(rs.runs) == 4


def test_sqlite_store_unchanged(stores, tmp_path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(stores.sqlite_db, db)
    before, listing = tree_checksums(db), set(tmp_path.iterdir())
    load_runs(MlflowSource.of(make_cfg(f"sqlite:///{db}", tmp_path)))
    assert tree_checksums(db) == before
    # migrate-filestore leaves the database in WAL mode: SQLite itself adds its -wal/-shm
    # sidecars for any reader. An empty -wal proves no transaction was written.
    new = set(tmp_path.iterdir()) - listing
    assert {p.name for p in new} <= {"copy.db-wal", "copy.db-shm"}
    for p in new:
        if p.name.endswith("-wal"):
            assert p.stat().st_size == 0


def test_sqlite_without_tables_is_refused_not_initialised(tmp_path) -> None:
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    with pytest.raises(SourceError, match="not an MLflow tracking database"):
        load_runs(MlflowSource.of(make_cfg(f"sqlite:///{db}", tmp_path)))
    assert db.stat().st_size == 0


def test_missing_sqlite_is_refused_not_created(tmp_path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        load_runs(MlflowSource.of(make_cfg(f"sqlite:///{tmp_path / 'nope.db'}", tmp_path)))
    assert not (tmp_path / "nope.db").exists()


def test_server_down_is_clear_and_bounded(tmp_path) -> None:
    url = f"http://user:hunter2@127.0.0.1:{free_port()}"
    source = MlflowSource.of(make_cfg(url, tmp_path, timeout_s=1, max_retries=1))
    with pytest.raises(SourceUnavailableError) as info:
        load_runs(source)
    msg = str(info.value)
    assert "tracking server unreachable while trying to search runs: connection refused" in msg
    # bounded by the retry budget it states (a hang is cut by the test's timeout)
    assert "Gave up after" in msg and "(timeout 1 s per request, 1 retries)" in msg
    assert "127.0.0.1" in msg and "hunter2" not in msg


class _Handler(BaseHTTPRequestHandler):
    """Answers 401, or (slow) holds every request until the test ends; counts requests."""

    mode = "401"
    seen: list[str]
    release: threading.Event

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.mode == "slow":
            self.release.wait(300)  # longer than any client timeout under test
            return  # the client gave up long ago: nothing to answer
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error_code": "UNAUTHENTICATED", "message": "bad token"}')

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tiny_server(request):
    """(url, requests seen): the bound of a failing call is counted in requests, not seconds."""
    attrs = {"mode": request.param, "seen": [], "release": threading.Event()}
    handler = type("H", (_Handler,), attrs)
    try:
        with serve(handler) as url:
            yield url, attrs["seen"]
    finally:
        attrs["release"].set()


@pytest.mark.parametrize("tiny_server", ["401"], indirect=True)
def test_401_fails_fast_naming_the_token_variable(tiny_server, tmp_path, monkeypatch) -> None:
    url, seen = tiny_server
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "s3cr3t-token-value")
    source = MlflowSource.of(make_cfg(url, tmp_path, timeout_s=5, max_retries=3))
    with pytest.raises(AuthError) as info:
        load_runs(source)
    assert len(seen) == 1, seen  # fails at the first answer: no retry, although 3 are allowed
    assert "the token in MLFLOW_TRACKING_TOKEN was rejected" in str(info.value)
    assert "s3cr3t-token-value" not in str(info.value)


@pytest.mark.parametrize("tiny_server", ["slow"], indirect=True)
def test_slow_server_times_out(tiny_server, tmp_path) -> None:
    url, seen = tiny_server
    source = MlflowSource.of(make_cfg(url, tmp_path, timeout_s=1, max_retries=0))
    with pytest.raises(SourceUnavailableError, match="no answer within the 1 s timeout"):
        load_runs(
            source
        )  # the server holds the answer until the test ends: only a timeout ends this
    assert len(seen) == 1, seen  # max_retries 0: one request


def test_start_time_is_utc(store_cfg) -> None:
    rs = load_runs(MlflowSource.of(store_cfg))
    assert all(r.start_time is None or r.start_time.tzinfo == UTC for r in rs.runs)
    assert all(r.start_time <= datetime.now(UTC) for r in rs.runs if r.start_time)


def test_unreachable_causes_and_credential_hints(monkeypatch) -> None:
    from metricwatch.sources.mlflow_access import _cause, credentials_hint

    refused = (
        "Max retries exceeded (Caused by NewConnectionError(... [Errno 111] Connection refused))"
    )
    assert _cause(refused, 2) == "connection refused (nothing is listening on that port)"
    slow = (
        "Max retries exceeded (Caused by ReadTimeoutError(...: Read timed out. (read timeout=1)))"
    )
    assert _cause(slow, 1.5) == "no answer within the 1.5 s timeout"
    assert _cause("something else\nmore", 1) == "something else"
    for name in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert credentials_hint().startswith("no credentials are set; set MLFLOW_TRACKING_TOKEN")
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "alice-secret-user")
    assert "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD was rejected" in credentials_hint()
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "tok-secret-value")
    hint = credentials_hint()
    assert hint.startswith("the token in MLFLOW_TRACKING_TOKEN was rejected")
    assert "tok-secret-value" not in hint and "alice-secret-user" not in hint
