"""Notify with a lifecycle: read the alert state, decide (lifecycle.py), deliver, save.

One notifier at a time holds the alert lock (history/alert_lock.py) from reading the state to
saving it, so two `check --notify` at once never both announce a breach: the second waits for
the first's deliveries (bounded by their retries and timeouts), then finds nothing new to say.
What a sink failed to receive is not saved as sent, so the next run tries again.

Without usable state (the history database is locked, corrupt, newer, or history is disabled)
every breach is sent as firing, with a warning: a repeated message beats a missed one. A dry run
reads the state, writes nothing and sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from metricwatch.alerts.lifecycle import Notice, advance, next_reminder, plan, sent_after
from metricwatch.alerts.sinks import (
    Sink,
    SinkReport,
    deliver,
    delivery_bound_s,
    env_var,
    resolve_url,
    secret_env_vars,
)
from metricwatch.alerts.text import AlertContext
from metricwatch.config import Config
from metricwatch.durations import seconds
from metricwatch.errors import AlertError, HistoryError
from metricwatch.history.alert_lock import alert_lock
from metricwatch.history.alert_state import AlertState, Sent, Streak, load_state, save_state
from metricwatch.history.db import history_path, open_for
from metricwatch.history.fingerprint import Judged
from metricwatch.redact import scrub

Deliver = Callable[[Config, Sink, AlertContext, list[Notice]], SinkReport]


@dataclass(frozen=True)
class SinkPlan:
    sink: Sink
    notices: list[Notice]
    report: SinkReport | None = None  # None: nothing sent (nothing to say, or a dry run)
    still_firing: int = 0  # breaches this sink already knows about and is not reminded of now
    next_reminder: datetime | None = None


@dataclass(frozen=True)
class Notified:
    plans: list[SinkPlan]
    warning: str | None = None  # the alert state could not be read or saved

    @property
    def ok(self) -> bool:
        return all(p.report is None or p.report.ok for p in self.plans)


class _NoState(Exception):
    """The alert state cannot be used (raised before anything was delivered)."""


def _plans(sinks: list[Sink], streaks: dict[str, Streak], state: AlertState, now: datetime,
           repeat: timedelta) -> list[tuple[Sink, list[Notice]]]:  # fmt: skip
    return [
        (s, plan(s.name, streaks, state.sent, now=now, repeat=repeat, resend=s.resend))
        for s in sinks
    ]


def _deliver(cfg: Config, ctx: AlertContext, planned: list[tuple[Sink, list[Notice]]],
             streaks: dict[str, Streak], state: AlertState, repeat: timedelta, send: Deliver,
             dry_run: bool) -> tuple[list[SinkPlan], list[Sent]]:  # fmt: skip
    now = ctx.now or datetime.now(UTC)
    plans, sent = [], []
    for sink, notices in planned:
        if dry_run:
            report = None
        elif notices:
            report = send(cfg, sink, ctx, notices)
        else:  # nothing to say: still say when the sink could not be reached if there were
            report = _unusable(cfg, sink)
        done = sent_after(sink.name, notices, now) if report is not None and report.ok else []
        sent += done
        after = {**state.sent, **{(x.fingerprint, x.sink): x for x in done}}
        told = {n.fingerprint for n in notices}
        quiet = sum(
            1 for fp, s in streaks.items()
            if s.firing and fp not in told and (fp, sink.name) in after
        )  # fmt: skip
        plans.append(SinkPlan(sink, notices, report, quiet,
                              next_reminder(sink.name, streaks, after, repeat)))  # fmt: skip
    return plans, sent


def _unusable(cfg: Config, sink: Sink) -> SinkReport | None:
    """A failed report when the sink's URL is missing or refused, else None."""
    try:
        resolve_url(cfg, sink)
    except AlertError as exc:
        return SinkReport(
            sink.name, env_var(cfg, sink), False, scrub(str(exc), secret_env_vars(cfg))
        )
    return None


def _with_state(cfg: Config, judged: Judged, sinks: list[Sink], ctx: AlertContext,
                repeat: timedelta, send: Deliver) -> Notified:  # fmt: skip
    now = ctx.now or datetime.now(UTC)
    wait = cfg.history.timeout_s + delivery_bound_s(cfg, sinks)
    try:
        lock = alert_lock(history_path(cfg), wait_s=wait, source=cfg.source)
        with lock, open_for(cfg, write=True) as db:
            with db.errors():
                state = load_state(db.conn)
            streaks = advance(state.streaks, judged, now)
            planned = _plans(sinks, streaks, state, now, repeat)
            plans, sent = _deliver(cfg, ctx, planned, streaks, state, repeat, send, False)
            changed = [s for fp, s in streaks.items() if state.streaks.get(fp) != s]
            try:
                with db.write() as conn:
                    save_state(conn, changed, sent)
            except HistoryError as exc:
                why = f"alert state not saved ({exc}); the next run may send these again"
                return Notified(plans, why)
            return Notified(plans)
    except HistoryError as exc:
        raise _NoState(str(exc)) from exc


def _read_only_state(cfg: Config) -> tuple[AlertState, str | None]:
    if not cfg.history.enabled or not history_path(cfg).exists():
        return AlertState(), None
    try:
        with open_for(cfg, write=False) as db, db.errors():
            return load_state(db.conn), None
    except HistoryError as exc:
        return AlertState(), f"alert state unavailable ({exc}); shown as if every breach were new"


def notify(cfg: Config, judged: Judged, sinks: list[Sink], ctx: AlertContext, *,
           dry_run: bool = False, send: Deliver = deliver) -> Notified:  # fmt: skip
    """Decide and (unless dry_run) deliver each sink's notices; never raises for a sink."""
    now = ctx.now or datetime.now(UTC)
    repeat = timedelta(seconds=seconds(cfg.alerts.repeat_interval))
    if dry_run:
        state, warning = _read_only_state(cfg)
        streaks = advance(state.streaks, judged, now)
        plans, _ = _deliver(cfg, ctx, _plans(sinks, streaks, state, now, repeat), streaks,
                            state, repeat, send, True)  # fmt: skip
        return Notified(plans, warning)
    if cfg.history.enabled:
        try:
            return _with_state(cfg, judged, sinks, ctx, repeat, send)
        except _NoState as exc:
            warning = f"alert state unavailable ({exc}); every breach is sent as firing"
    else:
        warning = "history.enabled is false: no alert state; every breach is sent as firing"
    streaks = advance({}, judged, now)
    planned = _plans(sinks, streaks, AlertState(), now, repeat)
    plans, _ = _deliver(cfg, ctx, planned, streaks, AlertState(), repeat, send, False)
    return Notified(plans, warning)
