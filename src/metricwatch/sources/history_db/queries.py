"""Read snapshots back as the typed values they were written from.

`snapshot_ids` selects (oldest first) by date, command and count; `load_snapshots` rebuilds them.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from metricwatch.sources.history_db import flag_rows
from metricwatch.sources.history_db.clock import parse, ts
from metricwatch.sources.history_db.snapshot import FeatureStat, Snapshot, TagState, VersionKpis


def snapshot_ids(
    conn: sqlite3.Connection,
    *,
    since: datetime | None = None,
    commands: Sequence[str] | None = None,
    last: int | None = None,
) -> list[int]:
    """Ids of the matching snapshots, oldest first (at most the newest `last`)."""
    where: list[str] = []
    args: list[Any] = []
    if since is not None:
        where.append("taken_at >= ?")
        args.append(ts(since))
    if commands:
        where.append(f"command IN ({', '.join('?' * len(commands))})")
        args.extend(commands)
    sql = "SELECT id FROM snapshots"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    if last is not None:
        sql += " LIMIT ?"
        args.append(last)
    return sorted(int(r[0]) for r in conn.execute(sql, args))


def _grouped(conn: sqlite3.Connection, sql: str, ids: list[int]) -> dict[int, list[Any]]:
    """Rows of `sql` (its first column the snapshot id) per snapshot, in `position` order."""
    marks = ", ".join("?" * len(ids))
    out: dict[int, list[Any]] = defaultdict(list)
    full = f"{sql} WHERE snapshot_id IN ({marks}) ORDER BY snapshot_id, position"
    for row in conn.execute(full, ids):
        out[row[0]].append(row[1:])
    return out


_PARTS = {
    "versions": "SELECT snapshot_id, version, run_id, is_baseline, is_candidate "
    "FROM snapshot_versions",
    "kpis": "SELECT snapshot_id, position, metric, value, state FROM snapshot_kpis",
    "features": "SELECT snapshot_id, name, is_target, status, js, psi, p_value, drifted "
    "FROM snapshot_features",
    "tags": "SELECT snapshot_id, tag, status, run_id FROM snapshot_tags",
    "flags": flag_rows.SELECT,
}


def _versions(heads: list[tuple[Any, ...]], kpis: list[tuple[Any, ...]]) -> list[VersionKpis]:
    values: dict[int, dict[str, Any]] = defaultdict(dict)
    states: dict[int, dict[str, str]] = defaultdict(dict)
    for pos, metric, value, state in kpis:
        values[pos][metric] = value
        if state != "ok":
            states[pos][metric] = state
    return [
        VersionKpis(version=v, run_id=r, baseline=bool(b), candidate=bool(c),
                    values=values[pos], states=states[pos])
        for pos, (v, r, b, c) in enumerate(heads)
    ]  # fmt: skip


def _snapshot(head: tuple[Any, ...], parts: dict[str, list[Any]]) -> Snapshot:
    (sid, taken_at, command, project, commit, describe, tool_version, exit_code, drift_pct,
     repro_verdict, repro_rev, tags_checked, missing, timings) = head  # fmt: skip
    return Snapshot(
        id=sid, taken_at=parse(taken_at), command=command, project=project,
        commit=commit, describe=describe, tool_version=tool_version, exit_code=exit_code,
        versions=_versions(parts["versions"], parts["kpis"]), dataset_drift_pct=drift_pct,
        features=[
            FeatureStat(name=n, target=bool(t), status=s, js=js, psi=psi, p_value=p,
                        drifted=None if d is None else bool(d))
            for n, t, s, js, psi, p, d in parts["features"]
        ],
        tags=[TagState(tag=t, status=s, run_id=r) for t, s, r in parts["tags"]]
        if tags_checked else None,
        repro_verdict=repro_verdict, repro_rev=repro_rev,
        flags=[flag_rows.flag_of(row) for row in parts["flags"]],
        missing_parts=json.loads(missing), timings=json.loads(timings),
    )  # fmt: skip


def load_snapshots(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Snapshot]:
    """The snapshots with these ids, in the order given (unknown ids are skipped)."""
    ids = list(ids)
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    heads = {r[0]: r for r in conn.execute(f"SELECT * FROM snapshots WHERE id IN ({marks})", ids)}  # noqa: S608 - only placeholders
    parts = {name: _grouped(conn, sql, ids) for name, sql in _PARTS.items()}
    return [
        _snapshot(heads[i], {k: v.get(i, []) for k, v in parts.items()}) for i in ids if i in heads
    ]
