"""Notify with a lifecycle: read the alert state, decide (lifecycle.py), deliver, save.

One notifier at a time holds the alert lock (sources/history_db/alert_lock.py) from reading the
state to saving it, so two `check --notify` at once never both announce a breach: the second
waits for the first's deliveries (bounded by their retries and timeouts), then finds nothing new
to say.
What a sink failed to receive is not saved as sent, so the next run tries again.

Without usable state (the history database is locked, corrupt, newer, or history is disabled)
every breach is sent as firing, with a warning: a repeated message beats a missed one. A dry run
reads the state, writes nothing and sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
from metricwatch.redact import scrub
from metricwatch.sources.history_db.alert_lock import alert_lock
from metricwatch.sources.history_db.alert_state import (
    AlertState,
    Sent,
    Streak,
    load_state,
    save_state,
)
from metricwatch.sources.history_db.db import history_path, open_for
from metricwatch.sources.history_db.fingerprint import Judged

Deliver = Callable[[Config, Sink, AlertContext, list[Notice]], SinkReport]


@dataclass(frozen=True)
class SinkPlan:
    sink: Sink
    notices: list[Notice]
    report: SinkReport | None = None  # None: nothing sent (nothing to say, or a dry run)
    still_firing: int = 0  # breaches this sink already knows about and is not reminded of now
    next_reminder: datetime | None = None
    sent: list[Sent] = field(default_factory=list)  # what the sink has now been told


@dataclass(frozen=True)
class Notified:
    plans: list[SinkPlan]
    warning: str | None = None  # the alert state could not be read or saved

    @property
    def ok(self) -> bool:
        return all(p.report is None or p.report.ok for p in self.plans)


class _NoState(Exception):
    """The alert state cannot be used (raised before anything was delivered)."""


@dataclass(frozen=True)
class _Round:
    """One notifying run: the streaks after this run's flags, and what each sink was told."""

    cfg: Config
    ctx: AlertContext
    state: AlertState
    streaks: dict[str, Streak]
    now: datetime
    repeat: timedelta

    @classmethod
    def start(cls, cfg: Config, ctx: AlertContext, state: AlertState, judged: Judged) -> _Round:
        now = ctx.now or datetime.now(UTC)
        repeat = timedelta(seconds=seconds(cfg.alerts.repeat_interval))
        return cls(cfg, ctx, state, advance(state.streaks, judged, now), now, repeat)

    def run(self, sinks: list[Sink], send: Deliver, *, dry_run: bool) -> list[SinkPlan]:
        return [self._one(sink, send, dry_run) for sink in sinks]

    def _one(self, sink: Sink, send: Deliver, dry_run: bool) -> SinkPlan:
        notices = plan(sink.name, self.streaks, self.state.sent, now=self.now,
                       repeat=self.repeat, resend=sink.resend)  # fmt: skip
        if dry_run:
            report = None
        elif notices:
            report = send(self.cfg, sink, self.ctx, notices)
        else:  # nothing to say: still tell when the sink could not be reached if there were
            report = _unusable(self.cfg, sink)
        done = sent_after(sink.name, notices, self.now) if report is not None and report.ok else []
        after = {**self.state.sent, **{(x.fingerprint, x.sink): x for x in done}}
        told = {n.fingerprint for n in notices}
        quiet = sum(
            1 for fp, s in self.streaks.items()
            if s.firing and fp not in told and (fp, sink.name) in after
        )  # fmt: skip
        return SinkPlan(sink, notices, report, quiet,
                        next_reminder(sink.name, self.streaks, after, self.repeat), done)  # fmt: skip

    def changed(self) -> list[Streak]:
        return [s for fp, s in self.streaks.items() if self.state.streaks.get(fp) != s]


def _unusable(cfg: Config, sink: Sink) -> SinkReport | None:
    """A failed report when the sink's URL is missing or refused, else None."""
    try:
        resolve_url(cfg, sink)
    except AlertError as exc:
        detail = scrub(str(exc), secret_env_vars(cfg))
        return SinkReport(sink.name, env_var(cfg, sink), False, detail)
    return None


def _with_state(
    cfg: Config, judged: Judged, sinks: list[Sink], ctx: AlertContext, send: Deliver
) -> Notified:
    wait = cfg.history.timeout_s + delivery_bound_s(cfg, sinks)
    try:
        lock = alert_lock(history_path(cfg), wait_s=wait, source=cfg.source)
        with lock, open_for(cfg, write=True) as db:
            with db.errors():
                state = load_state(db.conn)
            round_ = _Round.start(cfg, ctx, state, judged)
            plans = round_.run(sinks, send, dry_run=False)
            try:
                with db.write() as conn:
                    save_state(conn, round_.changed(), [x for p in plans for x in p.sent])
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


def notify(
    cfg: Config,
    judged: Judged,
    sinks: list[Sink],
    ctx: AlertContext,
    *,
    dry_run: bool = False,
    send: Deliver = deliver,
) -> Notified:
    """Decide and (unless dry_run) deliver each sink's notices; never raises for a sink."""
    if dry_run:
        state, warning = _read_only_state(cfg)
        plans = _Round.start(cfg, ctx, state, judged).run(sinks, send, dry_run=True)
        return Notified(plans, warning)
    if cfg.history.enabled:
        try:
            return _with_state(cfg, judged, sinks, ctx, send)
        except _NoState as exc:
            warning = f"alert state unavailable ({exc}); every breach is sent as firing"
    else:
        warning = "history.enabled is false: no alert state; every breach is sent as firing"
    plans = _Round.start(cfg, ctx, AlertState(), judged).run(sinks, send, dry_run=False)
    return Notified(plans, warning)
