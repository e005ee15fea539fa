"""The alert lifecycle's state in the history database, as values.

A streak is one fingerprint's firing period: when it started, when a run last saw it breach, when
it resolved (None while firing), and its latest breaching flag. `Sent` is what one sink was last
told about a fingerprint (firing or resolved) and when. alerts/lifecycle.py decides from these;
this module only reads and writes them (the caller holds the alert lock, alert_lock.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from metricwatch.rules_model import Flag
from metricwatch.sources.history_db.clock import parse, parse_or_none, ts, ts_or_none

SentState = Literal["firing", "resolved"]


@dataclass(frozen=True)
class Streak:
    fingerprint: str
    flag: Flag  # the latest breaching flag
    started_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None = None

    @property
    def firing(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True)
class Sent:
    fingerprint: str
    sink: str
    state: SentState
    sent_at: datetime


@dataclass(frozen=True)
class AlertState:
    streaks: dict[str, Streak] = field(default_factory=dict)
    sent: dict[tuple[str, str], Sent] = field(default_factory=dict)  # (fingerprint, sink)


def load_state(conn: sqlite3.Connection) -> AlertState:
    streaks = {
        fp: Streak(fp, Flag.model_validate_json(flag), parse(start), parse(seen),
                   parse_or_none(resolved))
        for fp, start, seen, resolved, flag in conn.execute(
            "SELECT fingerprint, started_at, last_seen_at, resolved_at, flag "
            "FROM alert_fingerprints"
        )
    }  # fmt: skip
    sent = {
        (fp, sink): Sent(fp, sink, state, parse(at))
        for fp, sink, state, at in conn.execute(
            "SELECT fingerprint, sink, state, sent_at FROM alert_deliveries"
        )
    }
    return AlertState(streaks, sent)


def save_state(conn: sqlite3.Connection, streaks: list[Streak], sent: list[Sent]) -> None:
    """Upsert streaks and deliveries (inside the caller's write transaction)."""
    conn.executemany(
        "INSERT INTO alert_fingerprints (fingerprint, rule, version, severity, started_at, "
        "last_seen_at, resolved_at, flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (fingerprint) DO UPDATE SET rule = excluded.rule, version = excluded.version,"
        " severity = excluded.severity, started_at = excluded.started_at, last_seen_at = "
        "excluded.last_seen_at, resolved_at = excluded.resolved_at, flag = excluded.flag",
        [
            (s.fingerprint, s.flag.rule, s.flag.version, s.flag.severity, ts(s.started_at),
             ts(s.last_seen_at), ts_or_none(s.resolved_at), s.flag.model_dump_json())
            for s in streaks
        ],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO alert_deliveries (fingerprint, sink, state, sent_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (fingerprint, sink) DO UPDATE SET state = excluded.state, "
        "sent_at = excluded.sent_at",
        [(s.fingerprint, s.sink, s.state, ts(s.sent_at)) for s in sent],
    )
