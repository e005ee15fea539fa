"""Notify with state on real files: what is sent is remembered, a dry run writes nothing, and
without usable state (corrupt file, history disabled, another notifier holding the lock past
the bound) every breach is sent as firing with a warning, the file left as it was."""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from support.configs import make_config
from support.history_data import at, flag
from support.webhook_receiver import Receiver

from metricwatch.alerts.notify import notify
from metricwatch.alerts.sinks import SINKS
from metricwatch.alerts.text import AlertContext
from metricwatch.sources.history_db.alert_lock import lock_path
from metricwatch.sources.history_db.db import history_path
from metricwatch.sources.history_db.fingerprint import judge

BREACHES = judge([flag("rmse", "v1.0.3"), flag("integrity", "v1.0.2")])


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def cfg(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, **history: object):
    monkeypatch.setenv("MW_SLACK", receiver.url("/slack"))
    return make_config(
        tmp_path,
        report={"output": "out"},
        alerts={"slack_webhook_env": "MW_SLACK", "timeout_s": 2, "max_retries": 0},
        history={"timeout_s": 0.5, **history},
    )


def ctx(hours: float) -> AlertContext:
    return AlertContext(project="demo", now=at(hours))


def kinds(notified) -> list[str]:
    (plan,) = notified.plans
    return [n.kind for n in plan.notices]


def test_state_is_remembered_between_runs(tmp_path, receiver, monkeypatch) -> None:
    c = cfg(tmp_path, receiver, monkeypatch)
    receiver.reset()
    first = notify(c, BREACHES, [SINKS["slack"]], ctx(0))
    assert first.ok and first.warning is None and kinds(first) == ["firing", "firing"]
    again = notify(c, BREACHES, [SINKS["slack"]], ctx(1))
    assert kinds(again) == [] and again.plans[0].still_firing == 2
    assert again.plans[0].next_reminder == at(0) + timedelta(hours=24)
    assert len(receiver.requests) == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "history.sqlite", "history.sqlite.alerts.lock",
    ]  # fmt: skip


def test_dry_run_reads_the_state_and_writes_nothing(tmp_path, receiver, monkeypatch) -> None:
    c = cfg(tmp_path, receiver, monkeypatch)
    receiver.reset()
    dry = notify(c, BREACHES, [SINKS["slack"]], ctx(0), dry_run=True)
    assert kinds(dry) == ["firing", "firing"] and dry.plans[0].report is None
    assert receiver.requests == [] and not (tmp_path / "out").exists()
    notify(c, BREACHES, [SINKS["slack"]], ctx(0))
    digest = hashlib.sha256(history_path(c).read_bytes()).hexdigest()
    assert kinds(notify(c, BREACHES, [SINKS["slack"]], ctx(1), dry_run=True)) == []
    assert hashlib.sha256(history_path(c).read_bytes()).hexdigest() == digest


def test_corrupt_database_sends_every_breach_and_keeps_the_file(
    tmp_path, receiver, monkeypatch
) -> None:
    c = cfg(tmp_path, receiver, monkeypatch)
    path = history_path(c)
    path.parent.mkdir()
    path.write_bytes(b"\x00garbage" * 64)
    receiver.reset()
    for hours in (0, 1):  # no state: the same breaches are sent again
        got = notify(c, BREACHES, [SINKS["slack"]], ctx(hours))
        assert kinds(got) == ["firing", "firing"] and got.ok
        assert got.warning is not None and got.warning.startswith(
            f"alert state unavailable (history database {path} is not a readable SQLite database"
        )
        assert got.warning.endswith("); every breach is sent as firing")
    assert len(receiver.requests) == 2 and path.read_bytes() == b"\x00garbage" * 64


def test_history_disabled_has_no_state(tmp_path, receiver, monkeypatch) -> None:
    c = cfg(tmp_path, receiver, monkeypatch, enabled=False)
    got = notify(c, BREACHES, [SINKS["slack"]], ctx(0))
    assert kinds(got) == ["firing", "firing"]
    assert got.warning == "history.enabled is false: no alert state; every breach is sent as firing"
    assert not (tmp_path / "out").exists()


def test_a_notifier_holding_the_lock_past_the_bound(tmp_path, receiver, monkeypatch) -> None:
    c = cfg(tmp_path, receiver, monkeypatch)
    lock = lock_path(history_path(c))
    lock.parent.mkdir()
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another notifier in the middle of its deliveries
    try:
        got = notify(c, BREACHES, [SINKS["slack"]], ctx(0))
    finally:
        os.close(fd)
    # the bound: history.timeout_s + one attempt of alerts.timeout_s (max_retries 0)
    assert got.warning == (
        f"alert state unavailable (another metricwatch is sending alerts and held {lock} for "
        "more than 2.5 s); every breach is sent as firing"
    )
    assert kinds(got) == ["firing", "firing"]
