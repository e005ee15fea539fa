"""Write one snapshot, row by row, in one serialized transaction; retention runs in the same one.

Times are UTC ISO text (clock.py); flags go through flag_rows.py (their words stored once).
"""

from __future__ import annotations

import json
import sqlite3

from metricwatch.sources.history_db import flag_rows
from metricwatch.sources.history_db.clock import ts
from metricwatch.sources.history_db.db import HistoryDB
from metricwatch.sources.history_db.retention import prune
from metricwatch.sources.history_db.snapshot import Snapshot


def _kpi_rows(sid: int, snap: Snapshot) -> list[tuple[object, ...]]:
    return [
        (sid, pos, m, v.values.get(m), v.states.get(m, "ok"))
        for pos, v in enumerate(snap.versions)
        for m in sorted(set(v.values) | set(v.states))
    ]


def insert_snapshot(conn: sqlite3.Connection, snap: Snapshot) -> int:
    cur = conn.execute(
        "INSERT INTO snapshots (taken_at, command, project, git_commit, describe, tool_version,"
        " exit_code, dataset_drift_pct, repro_verdict, repro_rev, tags_checked, missing_parts,"
        " timings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ts(snap.taken_at), snap.command, snap.project, snap.commit, snap.describe,
            snap.tool_version, snap.exit_code, snap.dataset_drift_pct, snap.repro_verdict,
            snap.repro_rev, int(snap.tags is not None), json.dumps(snap.missing_parts),
            json.dumps(snap.timings),
        ),
    )  # fmt: skip
    sid = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO snapshot_versions VALUES (?, ?, ?, ?, ?, ?)",
        [(sid, pos, v.version, v.run_id, int(v.baseline), int(v.candidate))
         for pos, v in enumerate(snap.versions)],
    )  # fmt: skip
    conn.executemany("INSERT INTO snapshot_kpis VALUES (?, ?, ?, ?, ?)", _kpi_rows(sid, snap))
    conn.executemany(
        "INSERT INTO snapshot_features VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (sid, pos, f.name, int(f.target), f.status, f.js, f.psi, f.p_value,
             None if f.drifted is None else int(f.drifted))
            for pos, f in enumerate(snap.features)
        ],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO snapshot_tags VALUES (?, ?, ?, ?, ?)",
        [(sid, pos, t.tag, t.status, t.run_id) for pos, t in enumerate(snap.tags or [])],
    )
    ids = flag_rows.text_ids(conn, (getattr(f, t) for f in snap.flags for t in flag_rows.TEXTS))
    conn.executemany(flag_rows.INSERT, flag_rows.rows(sid, snap.flags, ids))
    return sid


def write_snapshot(db: HistoryDB, snap: Snapshot, keep: int | str) -> int:
    """Insert the snapshot and apply retention, atomically; returns its id."""
    with db.write() as conn:
        sid = insert_snapshot(conn, snap)
        prune(conn, keep, now=snap.taken_at)
    return sid
