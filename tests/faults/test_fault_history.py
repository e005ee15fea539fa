"""Faults of the history database: written by a newer metricwatch, not an SQLite file, locked by
another process past `history.timeout_s`.

Each time the run goes on without history: its exit code is the one it has without the fault
(`check` on the demo exits 1: it breaches `fail` rules; `report` exits 0), the message names the
file and what to do, and the file is left byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from pathlib import Path

import pytest
from corpus import fault
from faultkit import edit_config, expect, norm, run_mw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.history_data import snapshot

from metricwatch.sources.history_db.db import opened
from metricwatch.sources.history_db.store import write_snapshot

pytestmark = pytest.mark.slow

AREA = "History"
NEWER = fault(
    id="history-newer-schema",
    area=AREA,
    fault="`history.sqlite` was written by a newer metricwatch (its schema version is 99)",
    command="metricwatch check",
    exit_code=1,
    says="was written by a newer metricwatch (schema 99; this one knows up to 2); the file was "
    "left as it is. Upgrade metricwatch, or set history.path in",
)
CORRUPT = fault(
    id="history-not-sqlite",
    area=AREA,
    fault="`history.sqlite` is not an SQLite database (overwritten with other bytes)",
    command="metricwatch report",
    exit_code=0,
    says="is not a readable SQLite database (its first bytes are not an SQLite header); the file "
    "was left as it is. Move it aside (the next run starts a new one) or set history.path in",
    report="is not a readable SQLite database (it was left as it is). Move it aside (the next "
    "render starts a new one)",
)
LOCKED = fault(
    id="history-locked",
    area=AREA,
    fault="Another process holds a write transaction on `history.sqlite` for longer than "
    "`history.timeout_s` (1 s)",
    command="metricwatch check",
    exit_code=1,
    says="is locked by another process (waited 1 s); the file was left as it is. If another "
    "metricwatch is still running, raise history.timeout_s in",
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_history(path: Path) -> None:
    with opened(path, timeout_s=5, source="test", write=True) as db:
        write_snapshot(db, snapshot(0), keep=10)


def test_newer_schema_is_left_alone(demo_copy: Path) -> None:
    db = demo_copy / "reports" / "history.sqlite"
    make_history(db)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, '2030-01-01', '9.0.0')")
    conn.close()
    before = digest(db)
    run = run_mw("check", "-c", demo_copy / "metricwatch.yaml", timeout=300)
    expect(NEWER, run)
    assert f"warning: history not recorded: history database {db} was written" in run.text
    assert digest(db) == before


def test_not_sqlite_is_left_alone_and_the_report_is_made(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    db = out / "history.sqlite"
    db.write_bytes(b"these bytes are not an SQLite database\n" * 50)
    before = digest(db)
    run = run_mw("report", "-c", demo_copy / "metricwatch.yaml", "-o", out,
                 "--skip", "evidence", "--skip", "repro", timeout=900)  # fmt: skip
    expect(CORRUPT, run, html=out / "metrics_monitoring.html")
    assert digest(db) == before
    listed = run_mw("history", "-c", demo_copy / "metricwatch.yaml", timeout=120)
    assert listed.code == 0 and "no history yet" in listed.text  # its own output folder
    broken = edit_config(demo_copy / "metricwatch.yaml", history={"path": str(db)})
    listed = run_mw("history", "-c", broken, timeout=120)
    assert listed.code == 1
    assert norm(f"history database {db} is not a readable SQLite database") in listed.text


def test_locked_past_the_timeout_is_reported(demo_copy: Path) -> None:
    cfg = edit_config(demo_copy / "metricwatch.yaml", history={"timeout_s": 1})
    db = demo_copy / "reports" / "history.sqlite"
    make_history(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction, for the whole run
    try:
        run = run_mw("check", "-c", cfg, timeout=300)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    expect(LOCKED, run)
    with opened(db, timeout_s=5, source="test", write=False) as h:
        assert h.conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 1
