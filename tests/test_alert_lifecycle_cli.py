"""The alert lifecycle end to end: `metricwatch check --notify` on a real git + DVC + MLflow
project, to a real loopback webhook and to a real Alertmanager (Debian's binary).

Three runs with the same breach → one message; a fixed release → one "resolved" message; then
nothing. Through Alertmanager: the alert appears in its /api/v2/alerts, its receiver is notified
once, and the alert resolves.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import alertmanager as am
from support.check_project import build_check_project, release, write_cfg
from support.webhook_receiver import Receiver

from metricwatch.cli import main

pytestmark = pytest.mark.slow

# only the RMSE ratio: v1.0.1 breaches it (warn: check exits 0), a fixed v1.0.3 passes it
RULES = {
    "rmse": {"max_ratio_to_baseline": 1.10, "message": {"en": "RMSE above 1.10 × baseline"},
             "action": {"en": "review data / feature store"}},
    "integrity": {"metric": "integrity", "enabled": False},
}  # fmt: skip
NO_CHAT = {"slack_webhook_env": None, "teams_webhook_env": None}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def history(capsys: pytest.CaptureFixture[str], cfg: Path) -> list[dict[str, Any]]:
    code, out, _ = cli(capsys, "history", "-c", str(cfg), "--format", "json")
    assert code == 0
    return json.loads(out)


def test_three_checks_one_message_then_one_resolved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_check_project(tmp_path)
    with Receiver() as hook:
        monkeypatch.setenv("MW_TEST_SLACK", hook.url("/slack/hook"))
        cfg = write_cfg(root, "life.yaml", {"thresholds": RULES,
                                            "alerts": {"teams_webhook_env": None}})  # fmt: skip
        for _ in range(3):
            code, _, err = cli(capsys, "check", "-c", str(cfg), "--notify")
            assert code == 0, err
        assert len(hook.requests) == 1, err
        first = json.dumps(hook.requests[0].json(), ensure_ascii=False)
        assert "⚠ cli-test: 1 firing" in first and "*rmse* (warn) — firing" in first
        assert "– slack: nothing to send: 1 breach(es) still firing, already sent" in err
        # a dry run says what would be sent, sends nothing and records nothing
        code, out, err = cli(capsys, "check", "-c", str(cfg), "--notify", "--dry-run")
        assert code == 0 and len(hook.requests) == 1 and "nothing would be sent" in err
        assert "rmse" in out  # the check's own table is still printed
        release(root, "v1.0.3")  # the fix: a new candidate within the threshold
        code, _, err = cli(capsys, "check", "-c", str(cfg), "--notify")
        assert code == 0 and len(hook.requests) == 2, err
        resolved = hook.requests[1].json()
        assert resolved["text"] == "✅ cli-test: 1 resolved"
        assert "*rmse* (warn) — resolved (firing since" in json.dumps(resolved, ensure_ascii=False)
        assert "✓ slack: 1 resolved sent (webhook from $MW_TEST_SLACK)" in err
        code, _, err = cli(capsys, "check", "-c", str(cfg), "--notify")
        assert code == 0 and len(hook.requests) == 2
        assert "– slack: nothing to send: no rule breached, none resolved" in err
    snaps = history(capsys, cfg)
    assert [s["command"] for s in snaps] == ["check"] * 5  # the dry run recorded nothing
    assert [len(s["breaches"]) for s in snaps] == [1, 1, 1, 0, 0]
    assert [s["candidate"] for s in snaps] == ["v1.0.1"] * 3 + ["v1.0.3"] * 2


def test_a_breach_still_firing_is_repeated_after_repeat_interval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_check_project(tmp_path)
    with Receiver() as hook:
        monkeypatch.setenv("MW_TEST_SLACK", hook.url("/slack/hook"))
        alerts = {"teams_webhook_env": None, "repeat_interval": "1s"}
        cfg = write_cfg(root, "repeat.yaml", {"thresholds": RULES, "alerts": alerts})
        started = datetime.now(UTC).replace(second=0, microsecond=0)
        cli(capsys, "check", "-c", str(cfg), "--notify")
        time.sleep(1.0)  # the interval is counted from the first message: it has passed
        code, _, err = cli(capsys, "check", "-c", str(cfg), "--notify")
    assert code == 0 and len(hook.requests) == 2, err
    again = hook.requests[1].json()
    assert again["text"] == "⚠ cli-test: 1 still firing"
    since = again["blocks"][1]["text"]["text"]
    assert f"— still firing since {started:%Y-%m-%d %H}" in since, since
    assert "✓ slack: 1 still firing sent" in err


@pytest.mark.skipif(
    not am.available(),
    reason="Debian's prometheus-alertmanager is not installed (.ci/run installs it)",
)
def test_the_same_through_a_real_alertmanager(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = build_check_project(tmp_path / "project")
    with Receiver() as hook, am.alertmanager(tmp_path / "am", hook.url("/am")) as base:
        cfg = write_cfg(root, "am.yaml", {"thresholds": RULES,
                                          "alerts": {**NO_CHAT, "alertmanager_url": base}})  # fmt: skip
        before = datetime.now(UTC).replace(microsecond=0)
        for _ in range(3):
            code, out, err = cli(capsys, "check", "-c", str(cfg), "--notify")
            assert code == 0 and "✓ alertmanager: 1 " in err, err
            assert base not in out + err  # the URL is never printed
        (alert,) = am.alerts(base)
        assert alert["labels"] == {"alertname": "MetricwatchRuleBreached", "rule": "rmse",
                                   "version": "v1.0.1", "severity": "warning",
                                   "project": "cli-test"}  # fmt: skip
        assert alert["status"]["state"] == "active"
        assert alert["annotations"]["summary"] == "RMSE above 1.10 × baseline"
        assert alert["annotations"]["action"] == "review data / feature store"
        starts = datetime.fromisoformat(alert["startsAt"].replace("Z", "+00:00"))
        assert before <= starts <= datetime.now(UTC)  # the first run's time, kept by the others
        firing = wait_for(hook, "firing")
        time.sleep(3 * am.GROUP_INTERVAL_S)  # three more flushes: no second notification
        assert notifications(hook) == [("firing", 1)], firing
        release(root, "v1.0.3")
        code, _, err = cli(capsys, "check", "-c", str(cfg), "--notify")
        assert code == 0 and "✓ alertmanager: 1 resolved sent" in err, err
        wait_for(hook, "resolved")
        assert notifications(hook) == [("firing", 1), ("resolved", 1)]
        assert [a for a in am.alerts(base) if a["status"]["state"] == "active"] == []


def notifications(hook: Receiver) -> list[tuple[str, int]]:
    return [(r.json()["status"], len(r.json()["alerts"])) for r in hook.requests]


def wait_for(hook: Receiver, status: str, timeout_s: float = 30.0) -> dict[str, Any]:
    """Alertmanager's notification with this status (group wait/interval are 1 s)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for r in hook.requests:
            if r.json()["status"] == status:
                return r.json()
        time.sleep(0.2)
    raise AssertionError(f"no {status!r} notification in {timeout_s:g} s: {notifications(hook)}")
