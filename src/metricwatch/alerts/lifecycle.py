"""The alert lifecycle, as pure functions of the stored state, this run's flags and the time.

A breach (a fingerprint) notifies a sink when it starts firing ("firing"), again once
`alerts.repeat_interval` has passed since that sink was last told while it still fires
("repeat": still firing since …), and once when it stops ("resolved"); nothing else. A sink
that re-sends every firing alert on every run (Alertmanager, which deduplicates and repeats by
itself) gets "repeat" each run instead of silence. A breach this run cannot judge (no verdict,
no data: sources/history_db/fingerprint.py) stays as it was, firing, and is never announced as
resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from metricwatch.rules_model import Flag
from metricwatch.sources.history_db.alert_state import Sent, Streak
from metricwatch.sources.history_db.fingerprint import Judged
from metricwatch.vocab import SEVERITY_RANK

NoticeKind = Literal["firing", "repeat", "resolved"]
KIND_ORDER = {"firing": 0, "repeat": 1, "resolved": 2}


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    fingerprint: str
    flag: Flag  # the breaching flag (for "resolved", the last one seen breaching)
    since: datetime  # when the streak started
    resolved_at: datetime | None = None


def advance(streaks: dict[str, Streak], judged: Judged, now: datetime) -> dict[str, Streak]:
    """The streaks after this run: new ones start, firing ones are seen, judged ones resolve."""
    out = dict(streaks)
    for fp, flag in judged.breached.items():
        old = streaks.get(fp)
        started = old.started_at if old is not None and old.firing else now
        out[fp] = Streak(fp, flag, started, now)
    for fp, streak in streaks.items():
        if streak.firing and judged.resolves(fp, streak.flag.rule):
            out[fp] = replace(streak, resolved_at=now)
    return out


def _kind(
    streak: Streak, last: Sent | None, now: datetime, repeat: timedelta, resend: bool
) -> NoticeKind | None:
    if not streak.firing:
        return "resolved" if last is not None and last.state == "firing" else None
    if last is None or last.state == "resolved":
        return "firing"
    if resend or now - last.sent_at >= repeat:
        return "repeat"
    return None


def plan(
    sink: str,
    streaks: dict[str, Streak],
    sent: dict[tuple[str, str], Sent],
    *,
    now: datetime,
    repeat: timedelta,
    resend: bool = False,
) -> list[Notice]:
    """What this sink must be told now: new first, then reminders, then resolutions."""
    notices = []
    for fp, streak in streaks.items():
        kind = _kind(streak, sent.get((fp, sink)), now, repeat, resend)
        if kind is not None:
            notices.append(Notice(kind, fp, streak.flag, streak.started_at, streak.resolved_at))
    return sorted(
        notices,
        key=lambda n: (KIND_ORDER[n.kind], -SEVERITY_RANK[n.flag.severity], n.flag.rule,
                       n.flag.version or ""),
    )  # fmt: skip


def sent_after(sink: str, notices: list[Notice], now: datetime) -> list[Sent]:
    """What this sink has been told once the notices are delivered."""
    return [
        Sent(n.fingerprint, sink, "resolved" if n.kind == "resolved" else "firing", now)
        for n in notices
    ]


def next_reminder(
    sink: str, streaks: dict[str, Streak], sent: dict[tuple[str, str], Sent], repeat: timedelta
) -> datetime | None:
    """When this sink will next be reminded of a breach still firing (None: none firing)."""
    due = [
        last.sent_at + repeat
        for fp, s in streaks.items()
        if s.firing and (last := sent.get((fp, sink))) is not None and last.state == "firing"
    ]
    return min(due) if due else None
