"""The history database's schema: ordered migrations and the table that records them.

Migration N is applied once, in order, inside the writer's lock; `schema_version` holds one row
per applied migration. A database whose highest version is above `SCHEMA_VERSION` was written by
a newer metricwatch: it is never written by this one. A migration only adds (tables, columns,
indexes), so an older metricwatch's data stays readable after an upgrade.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from metricwatch import __version__

# 1: snapshots, item by item (versions and their KPIs, features, tags, flags; the flags' words
#    once each in `texts`); child tables are clustered on (snapshot_id, position)
# 2: alert lifecycle (each breach's firing streak, what each sink was last told)
_CHILD = "snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE"
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            taken_at TEXT NOT NULL,
            command TEXT NOT NULL,
            project TEXT NOT NULL,
            git_commit TEXT,
            describe TEXT,
            tool_version TEXT NOT NULL,
            exit_code INTEGER,
            dataset_drift_pct REAL,
            repro_verdict TEXT,
            repro_rev TEXT,
            tags_checked INTEGER NOT NULL,
            missing_parts TEXT NOT NULL,
            timings TEXT NOT NULL)""",
        "CREATE INDEX snapshots_taken_at ON snapshots(taken_at)",
        f"""CREATE TABLE snapshot_versions (
            {_CHILD},
            position INTEGER NOT NULL,
            version TEXT,
            run_id TEXT,
            is_baseline INTEGER NOT NULL,
            is_candidate INTEGER NOT NULL,
            PRIMARY KEY (snapshot_id, position)) WITHOUT ROWID""",
        f"""CREATE TABLE snapshot_kpis (
            {_CHILD},
            position INTEGER NOT NULL,
            metric TEXT NOT NULL,
            value REAL,
            state TEXT NOT NULL,
            PRIMARY KEY (snapshot_id, position, metric)) WITHOUT ROWID""",
        f"""CREATE TABLE snapshot_features (
            {_CHILD},
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            is_target INTEGER NOT NULL,
            status TEXT NOT NULL,
            js REAL,
            psi REAL,
            p_value REAL,
            drifted INTEGER,
            PRIMARY KEY (snapshot_id, position)) WITHOUT ROWID""",
        f"""CREATE TABLE snapshot_tags (
            {_CHILD},
            position INTEGER NOT NULL,
            tag TEXT NOT NULL,
            status TEXT NOT NULL,
            run_id TEXT,
            PRIMARY KEY (snapshot_id, position)) WITHOUT ROWID""",
        "CREATE TABLE texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)",
        f"""CREATE TABLE snapshot_flags (
            {_CHILD},
            position INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            rule TEXT NOT NULL,
            metric TEXT NOT NULL,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            outcome TEXT NOT NULL,
            version TEXT,
            run_id TEXT,
            value REAL,
            value_display TEXT NOT NULL,
            threshold REAL,
            threshold_display TEXT NOT NULL,
            baseline REAL,
            run_url TEXT,
            message INTEGER,
            action INTEGER,
            reason INTEGER,
            extra TEXT,
            PRIMARY KEY (snapshot_id, position)) WITHOUT ROWID""",
    ),
    (
        """CREATE TABLE alert_fingerprints (
            fingerprint TEXT PRIMARY KEY,
            rule TEXT NOT NULL,
            version TEXT,
            severity TEXT NOT NULL,
            started_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            resolved_at TEXT,
            flag TEXT NOT NULL)""",
        """CREATE TABLE alert_deliveries (
            fingerprint TEXT NOT NULL,
            sink TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
            sent_at TEXT NOT NULL,
            PRIMARY KEY (fingerprint, sink))""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def stored_version(conn: sqlite3.Connection) -> int:
    """The highest migration applied; 0 for a new (empty) database."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not has_table:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply the missing migrations up to target; the caller holds the write transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, tool_version TEXT NOT NULL)"
    )
    applied = []
    for version in range(stored_version(conn) + 1, target + 1):
        for statement in MIGRATIONS[version - 1]:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_version (version, applied_at, tool_version) VALUES (?, ?, ?)",
            (version, datetime.now(UTC).isoformat(timespec="seconds"), __version__),
        )
        applied.append(version)
    return applied
