"""Retention (`history.keep`): a count keeps the newest N snapshots, an age (`90d`) keeps those
taken since then. The snapshot just written is always kept. Words no kept flag uses go too, and
the alert state of breaches resolved before the oldest kept snapshot; breaches still firing are
never pruned.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from metricwatch.durations import seconds
from metricwatch.sources.history_db.clock import ts


def _cutoff_id(conn: sqlite3.Connection, keep: int | str, now: datetime) -> int | None:
    """The oldest snapshot id to keep, or None when nothing is old enough to go."""
    if isinstance(keep, int):
        row = conn.execute(
            "SELECT id FROM snapshots ORDER BY id DESC LIMIT 1 OFFSET ?", (keep - 1,)
        ).fetchone()
        return int(row[0]) if row else None
    cutoff = ts(now - timedelta(seconds=seconds(keep)))
    row = conn.execute("SELECT MIN(id) FROM snapshots WHERE taken_at >= ?", (cutoff,)).fetchone()
    if row[0] is None:  # every snapshot is older: keep only the newest
        row = conn.execute("SELECT MAX(id) FROM snapshots").fetchone()
    return int(row[0]) if row[0] is not None else None


def prune(conn: sqlite3.Connection, keep: int | str, *, now: datetime) -> int:
    """Delete what retention drops (inside the caller's write transaction); returns the count."""
    first = _cutoff_id(conn, keep, now)
    if first is None:
        return 0
    gone = conn.execute("DELETE FROM snapshots WHERE id < ?", (first,)).rowcount
    oldest = conn.execute("SELECT taken_at FROM snapshots WHERE id = ?", (first,)).fetchone()
    if gone:
        conn.execute(
            "DELETE FROM texts WHERE id NOT IN (SELECT message FROM snapshot_flags WHERE message"
            " IS NOT NULL UNION SELECT action FROM snapshot_flags WHERE action IS NOT NULL UNION"
            " SELECT reason FROM snapshot_flags WHERE reason IS NOT NULL)"
        )
    if gone and oldest:
        conn.execute(
            "DELETE FROM alert_deliveries WHERE fingerprint IN (SELECT fingerprint FROM "
            "alert_fingerprints WHERE resolved_at IS NOT NULL AND resolved_at < ?)",
            (oldest[0],),
        )
        conn.execute(
            "DELETE FROM alert_fingerprints WHERE resolved_at IS NOT NULL AND resolved_at < ?",
            (oldest[0],),
        )
    return int(gone)
