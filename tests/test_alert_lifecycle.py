"""Known answers for the alert lifecycle: firing, silence, reminder after repeat_interval,
resolved once, held when a run cannot judge, and Alertmanager's re-send on every run."""

from __future__ import annotations

from datetime import timedelta

from support.history_data import at, flag

from metricwatch.alerts.lifecycle import advance, next_reminder, plan, sent_after
from metricwatch.sources.history_db.alert_state import Sent, Streak
from metricwatch.sources.history_db.fingerprint import fingerprint, judge

DAY = timedelta(hours=24)
RMSE = flag("rmse", "v1.0.3")
INTEG = flag("integrity", "v1.0.2")


class Timeline:
    """The state as the CLI keeps it: advance, plan, deliver (ok or not), remember."""

    def __init__(self, sink: str = "slack", *, resend: bool = False) -> None:
        self.sink, self.resend = sink, resend
        self.streaks: dict[str, Streak] = {}
        self.sent: dict[tuple[str, str], Sent] = {}

    def run(self, hours: float, flags: list, *, verdict: bool = True, delivered: bool = True):
        now = at(hours)
        self.streaks = advance(self.streaks, judge(flags, verdict=verdict), now)
        notices = plan(self.sink, self.streaks, self.sent, now=now, repeat=DAY,
                       resend=self.resend)  # fmt: skip
        if delivered:
            self.sent.update(
                {(s.fingerprint, s.sink): s for s in sent_after(self.sink, notices, now)}
            )
        return [(n.kind, n.flag.rule, n.flag.version) for n in notices]


def test_hourly_checks_with_the_same_breach_send_one_message_then_one_resolved() -> None:
    t = Timeline()
    assert t.run(0, [RMSE]) == [("firing", "rmse", "v1.0.3")]
    assert t.run(1, [RMSE]) == []
    assert t.run(2, [RMSE]) == []
    assert t.run(3, [flag("rmse", "v1.0.3", "pass")]) == [("resolved", "rmse", "v1.0.3")]
    assert t.run(4, [flag("rmse", "v1.0.3", "pass")]) == []


def test_reminder_after_repeat_interval_says_since_when() -> None:
    t = Timeline()
    t.run(0, [RMSE])
    assert t.run(23.9, [RMSE]) == []
    assert t.run(24, [RMSE]) == [("repeat", "rmse", "v1.0.3")]
    fp = fingerprint(RMSE)
    assert t.streaks[fp].started_at == at(0)  # "still firing since" the first run
    assert next_reminder("slack", t.streaks, t.sent, DAY) == at(48)
    assert t.run(30, [RMSE]) == []


def test_a_new_breach_beside_an_old_one_is_the_only_message() -> None:
    t = Timeline()
    t.run(0, [RMSE])
    assert t.run(1, [RMSE, INTEG]) == [("firing", "integrity", "v1.0.2")]


def test_failed_delivery_is_sent_again_next_run() -> None:
    t = Timeline()
    assert t.run(0, [RMSE], delivered=False) == [("firing", "rmse", "v1.0.3")]
    assert t.run(1, [RMSE]) == [("firing", "rmse", "v1.0.3")]
    assert t.run(2, [RMSE]) == []


def test_no_verdict_and_no_data_never_resolve() -> None:
    t = Timeline()
    t.run(0, [RMSE])
    assert t.run(1, [flag("rmse", None, "no data")]) == []  # MLflow down: rmse unjudged
    assert t.run(2, [flag("rmse", "v1.0.3", "pass")], verdict=False) == []  # no verdict
    assert t.run(3, [flag("rmse", "v1.0.3", "no baseline")]) == []
    assert t.streaks[fingerprint(RMSE)].firing
    assert t.run(4, [flag("rmse", "v1.0.4", "pass")]) == [("resolved", "rmse", "v1.0.3")]


def test_breach_that_returns_fires_again_with_a_new_start() -> None:
    t = Timeline()
    t.run(0, [RMSE])
    t.run(1, [flag("rmse", "v1.0.3", "pass")])
    assert t.run(5, [RMSE]) == [("firing", "rmse", "v1.0.3")]
    assert t.streaks[fingerprint(RMSE)].started_at == at(5)


def test_nothing_breached_nothing_sent() -> None:
    t = Timeline()
    assert t.run(0, [flag("rmse", "v1.0.3", "pass")]) == []
    assert t.streaks == {}


def test_alertmanager_gets_every_firing_breach_every_run_and_resolved_once() -> None:
    t = Timeline("alertmanager", resend=True)
    assert t.run(0, [RMSE]) == [("firing", "rmse", "v1.0.3")]
    assert t.run(1, [RMSE]) == [("repeat", "rmse", "v1.0.3")]
    assert t.run(2, [flag("rmse", "v1.0.3", "pass")]) == [("resolved", "rmse", "v1.0.3")]
    assert t.run(3, [flag("rmse", "v1.0.3", "pass")]) == []


def test_sinks_keep_their_own_state() -> None:
    now = at(0)
    streaks = advance({}, judge([RMSE]), now)
    sent = {(s.fingerprint, s.sink): s for s in sent_after("slack", plan("slack", streaks, {},
            now=now, repeat=DAY), now)}  # fmt: skip
    assert plan("slack", streaks, sent, now=at(1), repeat=DAY) == []
    assert [n.kind for n in plan("teams", streaks, sent, now=at(1), repeat=DAY)] == ["firing"]


def test_order_is_new_then_reminders_then_resolved_fail_first() -> None:
    t = Timeline()
    t.run(0, [RMSE, flag("qwk", "v1.0.3")])
    got = t.run(24, [RMSE, INTEG, flag("drift_pct", "v1.0.3"), flag("qwk", "v1.0.3", "pass")])
    assert got == [
        ("firing", "integrity", "v1.0.2"),
        ("firing", "drift_pct", "v1.0.3"),
        ("repeat", "rmse", "v1.0.3"),
        ("resolved", "qwk", "v1.0.3"),
    ]
