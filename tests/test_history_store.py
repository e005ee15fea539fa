"""The history database on real SQLite files: schema and migrations, round trip, retention, and
the files it must refuse to write (newer schema, corrupt, locked) left byte for byte."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from support.history_data import at, flag, snapshot

from metricwatch.errors import HistoryError
from metricwatch.sources.history_db.db import opened
from metricwatch.sources.history_db.queries import load_snapshots, snapshot_ids
from metricwatch.sources.history_db.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from metricwatch.sources.history_db.store import write_snapshot


def open_w(path: Path, timeout_s: float = 5.0):
    return opened(path, timeout_s=timeout_s, source="m.yaml", write=True)


def open_r(path: Path):
    return opened(path, timeout_s=5.0, source="m.yaml", write=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_has_every_migration_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "out" / "history.sqlite"  # the folder is made
    with open_w(path) as db:
        versions = [r[0] for r in db.conn.execute("SELECT version FROM schema_version")]
        mode = db.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert versions == list(range(1, SCHEMA_VERSION + 1)) and SCHEMA_VERSION == 2
    assert mode == "wal"


def test_snapshot_round_trip_is_exact(tmp_path: Path) -> None:
    snap = snapshot(
        flags=[flag("rmse", "v1.0.3", value=1.45, threshold=1.1, value_display="1.45"),
               flag("qwk", "v1.0.3", outcome="no data", reason="qwk is nan")],
        tags={"v1.0.0": "ok", "v1.0.2": "fail", "v1.0.3": "unknown"},
        repro="identical",
    )  # fmt: skip
    path = tmp_path / "h.sqlite"
    with open_w(path) as db:
        sid = write_snapshot(db, snap, keep=100)
    with open_r(path) as db:
        (back,) = load_snapshots(db.conn, [sid])
    assert back == snap.model_copy(update={"id": sid})
    assert back.candidate is not None and back.candidate.states == {"qwk": "nan"}


def test_untagged_snapshot_keeps_tags_none_and_empty_versions(tmp_path: Path) -> None:
    snap = snapshot(tags=None).model_copy(update={"versions": [], "features": [], "flags": []})
    path = tmp_path / "h.sqlite"
    with open_w(path) as db:
        sid = write_snapshot(db, snap, keep=10)
        (back,) = load_snapshots(db.conn, [sid])
    assert back.tags is None and back.versions == [] and back.flags == []


def test_selection_by_date_command_and_count(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_w(path) as db:
        ids = [
            write_snapshot(db, snapshot(h, command="check" if h % 2 else "report"), keep=100)
            for h in range(6)
        ]
        assert snapshot_ids(db.conn) == ids
        assert snapshot_ids(db.conn, since=at(3)) == ids[3:]
        assert snapshot_ids(db.conn, commands=["report"]) == ids[0::2]
        assert snapshot_ids(db.conn, commands=["report"], last=2) == ids[2::2]


def test_retention_by_count_keeps_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_w(path) as db:
        ids = [
            write_snapshot(db, snapshot(h, flags=[flag("rmse", "v1", reason=f"why {h}")]), keep=3)
            for h in range(5)
        ]
        assert snapshot_ids(db.conn) == ids[-3:]
        for table in ("snapshot_versions", "snapshot_kpis", "snapshot_flags", "snapshot_features"):
            orphans = db.conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE snapshot_id NOT IN (SELECT id FROM snapshots)"
            ).fetchone()[0]
            assert orphans == 0, table  # the rows of a dropped snapshot go with it
        texts = {r[0] for r in db.conn.execute("SELECT text FROM texts")}
    # the words of the kept flags, once each; the dropped snapshots' reasons are gone
    assert texts == {"rmse message", "rmse action", "why 2", "why 3", "why 4"}


def test_retention_by_age(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_w(path) as db:
        ids = [write_snapshot(db, snapshot(h * 24), keep="2d") for h in range(5)]  # days 0..4
        # the last write (day 4) keeps what was taken on or after day 2
        assert snapshot_ids(db.conn) == ids[2:]
        # a snapshot far in the future of the others: only it is within its own age window
        far = write_snapshot(db, snapshot(24 * 30), keep="2d")
        assert snapshot_ids(db.conn) == [far]


def test_migration_from_schema_1_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn, target=1)
    conn.execute("COMMIT")
    from metricwatch.sources.history_db.store import insert_snapshot

    conn.execute("BEGIN IMMEDIATE")
    sid = insert_snapshot(conn, snapshot())
    conn.execute("COMMIT")
    conn.close()
    with open_w(path) as db:
        versions = [r[0] for r in db.conn.execute("SELECT version FROM schema_version")]
        (back,) = load_snapshots(db.conn, [sid])
        tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master")}
    assert versions == [1, 2]
    assert back == snapshot().model_copy(update={"id": sid})
    assert {"alert_fingerprints", "alert_deliveries"} <= tables


def test_reader_of_an_older_schema_says_the_next_run_upgrades_it(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    conn.close()
    with pytest.raises(HistoryError) as exc, open_r(path):
        pass
    assert str(exc.value) == (
        f"history database {path} has schema 1 (this metricwatch writes 2); the next "
        "`metricwatch report` or `metricwatch check` upgrades it"
    )


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_w(path) as db, db.write() as conn:
        conn.execute(
            "INSERT INTO schema_version VALUES (?, '2030-01-01', '9.0.0')", (SCHEMA_VERSION + 1,)
        )
    before = digest(path)
    for open_ in (open_w, open_r):
        with pytest.raises(HistoryError) as exc, open_(path):
            pass
        assert str(exc.value) == (
            f"history database {path} was written by a newer metricwatch (schema 3; this one "
            "knows up to 2); the file was left as it is. Upgrade metricwatch, or set "
            "history.path in m.yaml to another file"
        )
    assert digest(path) == before


def test_not_a_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    path.write_bytes(b"this is a text file, not SQLite\n" * 100)
    before = digest(path)
    with pytest.raises(HistoryError) as exc, open_w(path):
        pass
    assert str(exc.value) == (
        f"history database {path} is not a readable SQLite database (its first bytes are not an "
        "SQLite header); the file was left as it is. Move it aside (the next run starts a new "
        "one) or set history.path in m.yaml to another file"
    )
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_damaged_pages_are_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_w(path) as db:
        for h in range(30):
            write_snapshot(db, snapshot(h), keep=100)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page : 4 * page] = b"\xa5" * (2 * page)  # two pages of garbage, header intact
    path.write_bytes(bytes(data))
    before = digest(path)
    pattern = r"is not a readable SQLite database \("
    with pytest.raises(HistoryError, match=pattern) as exc, open_w(path):
        pass
    assert "the file was left as it is" in str(exc.value)
    assert digest(path) == before


def test_a_locked_database_is_reported_after_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    with open_w(path) as db:
        write_snapshot(db, snapshot(0), keep=10)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer in the middle of its transaction
    try:
        with open_w(path, timeout_s=0.2) as db, pytest.raises(HistoryError) as exc:
            write_snapshot(db, snapshot(1), keep=10)
        assert str(exc.value) == (
            f"history database {path} is locked by another process (waited 0.2 s); the file "
            "was left as it is. If another metricwatch is still running, raise "
            "history.timeout_s in m.yaml; otherwise find the process holding it (e.g. `fuser` "
            "on the file) and stop it"
        )
        with open_r(path) as db:  # readers are not blocked by a writer (WAL)
            assert len(snapshot_ids(db.conn)) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with open_w(path) as db:
        write_snapshot(db, snapshot(2), keep=10)
        assert len(snapshot_ids(db.conn)) == 2


def test_every_migration_only_adds() -> None:
    for statements in MIGRATIONS:
        for sql in statements:
            assert (
                sql.lstrip().upper().startswith(("CREATE TABLE", "CREATE INDEX", "ALTER TABLE ADD"))
            )
