"""The snapshots as `metricwatch history` prints them: one summary row per snapshot (JSON objects,
CSV rows, table cells; the table's headers from the catalogue)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from metricwatch.i18n import Lang, t
from metricwatch.sources.history_db.snapshot import Snapshot
from metricwatch.vocab import ITEM_STATUSES as TAG_STATUSES

KPIS = ("rmse", "qwk", "train_time_s", "drift_pct")


def summary(snap: Snapshot) -> dict[str, Any]:
    """One snapshot as plain data (JSON-ready)."""
    cand = snap.candidate
    return {
        "id": snap.id,
        "taken_at": snap.taken_at.isoformat(),
        "command": snap.command,
        "project": snap.project,
        "commit": snap.commit,
        "describe": snap.describe,
        "exit_code": snap.exit_code,
        "candidate": (cand.version or cand.run_id) if cand else None,
        "kpis": {m: cand.values.get(m) for m in KPIS} if cand else {},
        "dataset_drift_pct": snap.dataset_drift_pct,
        "tags": None if snap.tags is None else {t.tag: t.status for t in snap.tags},
        "repro_verdict": snap.repro_verdict,
        "breaches": [
            {"rule": f.rule, "version": f.version, "severity": f.severity} for f in snap.breaches
        ],
        "missing_parts": snap.missing_parts,
        "timings": snap.timings,
        "tool_version": snap.tool_version,
    }


def to_json(snaps: list[Snapshot]) -> str:
    return json.dumps([summary(s) for s in snaps], indent=2, ensure_ascii=False, allow_nan=False)


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.6g}"


def _tag_counts(snap: Snapshot) -> dict[str, int] | None:
    if snap.tags is None:
        return None
    n = Counter(t.status for t in snap.tags)
    return {s: n.get(s, 0) for s in TAG_STATUSES}


CSV_HEADERS = [
    "id", "taken_at", "command", "commit", "exit_code", "candidate", *KPIS,
    "dataset_drift_pct", *(f"tags_{s}" for s in TAG_STATUSES), "repro_verdict",
    "breaches", "breaches_fail",
]  # fmt: skip


def to_csv(snaps: list[Snapshot]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADERS)
    for s in snaps:
        row = summary(s)
        tags = _tag_counts(s)
        writer.writerow(
            [
                s.id, row["taken_at"], s.command, s.commit or "", _num_int(s.exit_code),
                row["candidate"] or "", *(_num(row["kpis"].get(m)) for m in KPIS),
                _num(s.dataset_drift_pct),
                *(("" if tags is None else tags[k]) for k in TAG_STATUSES),
                s.repro_verdict or "", len(s.breaches),
                sum(f.severity == "fail" for f in s.breaches),
            ]
        )  # fmt: skip
    return buf.getvalue()


def _num_int(x: int | None) -> str:
    return "" if x is None else str(x)


TABLE_COLUMNS = ("n", "when", "command", "candidate", "rmse", "qwk", "drift", "tags", "repro",
                 "breaches")  # fmt: skip


def table_headers(lang: Lang = "en") -> list[str]:
    """The table's column headers (cli.history.col.*), in the order of `table_cells`."""
    return [t(f"cli.history.col.{c}", lang) for c in TABLE_COLUMNS]


def table_cells(snaps: list[Snapshot], timezone: str) -> list[list[str]]:
    """Short cells for a terminal; JSON and CSV carry the commit, exit code and every KPI."""
    zone = ZoneInfo(timezone)
    rows = []
    for s in snaps:
        cand = s.candidate
        kpis = cand.values if cand else {}
        tags = _tag_counts(s)
        fails = sum(f.severity == "fail" for f in s.breaches)
        rows.append(
            [
                str(s.id), s.taken_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"), s.command,
                ((cand.version or cand.run_id) if cand else None) or "—",
                _num(kpis.get("rmse")) or "—", _num(kpis.get("qwk")) or "—",
                "—" if s.dataset_drift_pct is None else f"{s.dataset_drift_pct:.1f}",
                "—" if tags is None else "/".join(str(tags[k]) for k in TAG_STATUSES),
                s.repro_verdict or "—", f"{len(s.breaches)} ({fails} fail)",
            ]
        )  # fmt: skip
    return rows
