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

# 1: snapshots (item by item: versions' KPIs, features, tags, flags)
# 2: alert lifecycle (each breach's firing streak, what each sink was last told)
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
        """CREATE TABLE snapshot_kpis (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            version TEXT,
            run_id TEXT,
            is_baseline INTEGER NOT NULL,
            is_candidate INTEGER NOT NULL,
            metric TEXT,
            value REAL,
            state TEXT)""",
        "CREATE INDEX snapshot_kpis_snapshot ON snapshot_kpis(snapshot_id)",
        """CREATE TABLE snapshot_features (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            is_target INTEGER NOT NULL,
            status TEXT NOT NULL,
            js REAL,
            psi REAL,
            p_value REAL,
            drifted INTEGER)""",
        "CREATE INDEX snapshot_features_snapshot ON snapshot_features(snapshot_id)",
        """CREATE TABLE snapshot_tags (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            status TEXT NOT NULL,
            run_id TEXT)""",
        "CREATE INDEX snapshot_tags_snapshot ON snapshot_tags(snapshot_id)",
        """CREATE TABLE snapshot_flags (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            rule TEXT NOT NULL,
            version TEXT,
            severity TEXT NOT NULL,
            outcome TEXT NOT NULL,
            flag TEXT NOT NULL)""",
        "CREATE INDEX snapshot_flags_snapshot ON snapshot_flags(snapshot_id)",
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
