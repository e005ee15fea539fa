"""Write one snapshot, row by row, in one serialized transaction; retention runs in the same one.

Times are stored as UTC ISO text with microseconds (one fixed width, so text order is time
order); flags as their JSON (their message and action are the rule's own words).
"""

from __future__ import annotations

import json
import sqlite3

from metricwatch.history.clock import ts
from metricwatch.history.db import HistoryDB
from metricwatch.history.fingerprint import fingerprint
from metricwatch.history.retention import prune
from metricwatch.history.snapshot import Snapshot


def _kpi_rows(sid: int, snap: Snapshot) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for pos, v in enumerate(snap.versions):
        head = (sid, pos, v.version, v.run_id, int(v.baseline), int(v.candidate))
        metrics = sorted(set(v.values) | set(v.states))
        # a version without any metric still gets a row, so it is read back
        rows += [(*head, m, v.values.get(m), v.states.get(m, "ok")) for m in metrics] or [
            (*head, None, None, None)
        ]
    return rows


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
    conn.executemany("INSERT INTO snapshot_kpis VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     _kpi_rows(sid, snap))  # fmt: skip
    conn.executemany(
        "INSERT INTO snapshot_features VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (sid, f.name, int(f.target), f.status, f.js, f.psi, f.p_value,
             None if f.drifted is None else int(f.drifted))
            for f in snap.features
        ],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO snapshot_tags VALUES (?, ?, ?, ?)",
        [(sid, t.tag, t.status, t.run_id) for t in snap.tags or []],
    )
    conn.executemany(
        "INSERT INTO snapshot_flags VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (sid, pos, fingerprint(f), f.rule, f.version, f.severity, f.outcome,
             f.model_dump_json())
            for pos, f in enumerate(snap.flags)
        ],
    )  # fmt: skip
    return sid


def write_snapshot(db: HistoryDB, snap: Snapshot, keep: int | str) -> int:
    """Insert the snapshot and apply retention, atomically; returns its id."""
    with db.write() as conn:
        sid = insert_snapshot(conn, snap)
        prune(conn, keep, now=snap.taken_at)
    return sid
