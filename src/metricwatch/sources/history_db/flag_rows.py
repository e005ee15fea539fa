"""A flag as a `snapshot_flags` row and back.

The flag's fields are columns; its words (message, action, reason: the rule's own text) are
stored once each in `texts` and referenced by id, since every snapshot repeats them. A field a
later Flag gains, not a column yet, travels in `extra` (JSON) until a migration gives it one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from metricwatch.rules_model import Flag
from metricwatch.sources.history_db.fingerprint import fingerprint

COLUMNS = ("rule", "metric", "kind", "severity", "outcome", "version", "run_id", "value",
           "value_display", "threshold", "threshold_display", "baseline", "run_url")  # fmt: skip
TEXTS = ("message", "action", "reason")
_KNOWN = frozenset(COLUMNS) | frozenset(TEXTS)
# the SQL below is built from the constant column names above, never from data
INSERT = (
    f"INSERT INTO snapshot_flags (snapshot_id, position, fingerprint, {', '.join(COLUMNS)}, "  # noqa: S608
    f"{', '.join(TEXTS)}, extra) VALUES ({', '.join('?' * (len(COLUMNS) + len(TEXTS) + 4))})"
)
SELECT = (
    f"SELECT f.snapshot_id, {', '.join('f.' + c for c in COLUMNS)}, m.text, a.text, r.text, "  # noqa: S608
    "f.extra FROM snapshot_flags f LEFT JOIN texts m ON m.id = f.message "
    "LEFT JOIN texts a ON a.id = f.action LEFT JOIN texts r ON r.id = f.reason"
)


def text_ids(conn: sqlite3.Connection, texts: Iterable[str]) -> dict[str, int]:
    """The id of each non-empty text, adding the new ones."""
    wanted = sorted({t for t in texts if t})
    conn.executemany("INSERT OR IGNORE INTO texts (text) VALUES (?)", [(t,) for t in wanted])
    ids: dict[str, int] = {}
    for start in range(0, len(wanted), 500):  # stay under SQLite's variable limit
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT text, id FROM texts WHERE text IN ({marks})"  # noqa: S608 - placeholders
        ids.update(conn.execute(sql, chunk))
    return ids


def _extra(flag: Flag) -> str | None:
    data = flag.model_dump(mode="json", exclude=set(_KNOWN), exclude_defaults=True)
    return json.dumps(data, sort_keys=True) if data else None


def rows(sid: int, flags: list[Flag], ids: dict[str, int]) -> list[tuple[Any, ...]]:
    return [
        (sid, pos, fingerprint(f), *(getattr(f, c) for c in COLUMNS),
         *(ids.get(getattr(f, t)) for t in TEXTS), _extra(f))
        for pos, f in enumerate(flags)
    ]  # fmt: skip


def flag_of(row: tuple[Any, ...]) -> Flag:
    """A Flag from a SELECT row (without its leading snapshot_id)."""
    values = dict(zip((*COLUMNS, *TEXTS), row[:-1], strict=True))
    values.update({t: values[t] or "" for t in TEXTS})
    return Flag(**values, **json.loads(row[-1] or "{}"))
