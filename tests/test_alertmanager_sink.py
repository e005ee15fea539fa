"""The Alertmanager sink: its v2 payload (known answer), where it posts, which URLs it refuses,
and that a failing Alertmanager is retried with backoff but never past alerts.timeout_s."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.configs import make_config
from support.history_data import flag
from support.webhook_receiver import Receiver, Reply

from metricwatch.alerts import alertmanager
from metricwatch.alerts.lifecycle import Notice
from metricwatch.alerts.sinks import SINKS, configured_sinks, deliver, delivery_bound_s
from metricwatch.alerts.text import AlertContext
from metricwatch.errors import AlertError
from metricwatch.sources.history_db.fingerprint import fingerprint

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(hours=3)
RMSE = flag("rmse", "v1.0.3", value_display="1.45", threshold_display="≤ 1.1",
            run_url="http://127.0.0.1:5000/#/runs/r3", run_id="r3")  # fmt: skip
CTX = AlertContext(project="demo", now=NOW, valid_for_s=7200)


def cfg(**alerts: object):
    return make_config(Path("."), alerts={"timeout_s": 2, "max_retries": 3, **alerts})


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def test_payload_known_answer() -> None:
    firing = Notice("firing", fingerprint(RMSE), RMSE, SINCE)
    resolved = Notice("resolved", "f2", flag("integrity", "v1.0.2"), SINCE, resolved_at=NOW)
    assert alertmanager.build_payload(CTX, [firing, resolved]) == [
        {
            "labels": {"alertname": "MetricwatchRuleBreached", "rule": "rmse",
                       "severity": "warning", "project": "demo", "version": "v1.0.3"},
            "annotations": {"summary": "rmse message", "action": "rmse action",
                            "description": "value: 1.45 · threshold: ≤ 1.1 · version: v1.0.3 · "
                                           "run: r3 · action: rmse action"},
            "startsAt": "2026-03-02T09:00:00Z",
            "endsAt": "2026-03-02T14:00:00Z",  # now + alertmanager_valid_for
            "generatorURL": "http://127.0.0.1:5000/#/runs/r3",
        },
        {
            "labels": {"alertname": "MetricwatchRuleBreached", "rule": "integrity",
                       "severity": "critical", "project": "demo", "version": "v1.0.2"},
            "annotations": {"summary": "integrity message", "action": "integrity action",
                            "description": "version: v1.0.2 · run: —"},
            "startsAt": "2026-03-02T09:00:00Z",
            "endsAt": "2026-03-02T12:00:00Z",  # when it resolved
        },
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "posted"),
    [
        ("http://am:9093", "http://am:9093/api/v2/alerts"),
        ("https://ops.example/alertmanager/", "https://ops.example/alertmanager/api/v2/alerts"),
        ("http://am:9093/api/v2/alerts", "http://am:9093/api/v2/alerts"),
    ],
)
def test_endpoint_under_the_base_url(url: str, posted: str) -> None:
    assert alertmanager.endpoint(url) == posted


def test_credentials_over_plain_http_are_refused_except_to_loopback() -> None:
    with pytest.raises(AlertError, match=r"^am: refused to send credentials over plain http"):
        alertmanager.check_url("http://u:secret@am.internal:9093", "am")
    alertmanager.check_url("http://u:secret@127.0.0.1:9093", "am")
    alertmanager.check_url("http://am.internal:9093", "am")
    with pytest.raises(AlertError, match="not an http"):
        alertmanager.check_url("ftp://am.internal", "am")


def test_url_from_config_or_variable_and_never_in_the_config_dump(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = cfg(alertmanager_url="https://u:secret@am.example")
    assert [s.name for s in configured_sinks(c)] == ["alertmanager"]
    assert c.redacted()["alerts"]["alertmanager_url"] == "***"
    monkeypatch.setenv("MW_AM", "https://am.example")
    assert [s.name for s in configured_sinks(cfg(alertmanager_url_env="MW_AM"))] == ["alertmanager"]


def test_a_failing_alertmanager_is_retried_within_the_deadline(receiver: Receiver) -> None:
    receiver.reset(*[Reply(500, body="boom")] * 12)
    c = cfg(alertmanager_url=receiver.url("/am"), timeout_s=4, max_retries=10)
    # backoff 0.25, 0.5, 1, 2 s …: without the deadline, 11 attempts over about 4 minutes
    r = deliver(c, SINKS["alertmanager"], CTX, [Notice("firing", "f", RMSE, SINCE)],
                backoff_s=0.25)  # fmt: skip
    assert not r.ok
    first, last = receiver.requests[0].at, receiver.requests[-1].at
    attempts = len(receiver.requests)
    # retried with backoff; no wait that would end past the deadline: the waits before attempts
    # 2..5 end at 0.25, 0.75, 1.75 and 3.75 s (< 4 s), the 6th would start at 7.75 s; slow
    # requests (a loaded machine) leave room for fewer attempts, never more
    assert 2 <= attempts <= 5
    assert last - first < 4  # every attempt began within alerts.timeout_s
    assert r.detail == (
        f"alertmanager (from alerts.alertmanager_url): not delivered after {attempts} "
        "attempt(s) within 4 s: HTTP 500: boom"
    )
    assert str(receiver.port) not in r.detail


def test_a_400_is_not_retried(receiver: Receiver) -> None:
    receiver.reset(Reply(400, body="bad alert"))
    c = cfg(alertmanager_url=receiver.url("/am"))
    r = deliver(c, SINKS["alertmanager"], CTX, [Notice("firing", "f", RMSE, SINCE)])
    assert not r.ok and len(receiver.requests) == 1
    assert r.detail.endswith("not delivered after 1 attempt(s) within 2 s: HTTP 400: bad alert")
    assert receiver.requests[0].path == "/am/api/v2/alerts"


def test_delivery_bound_counts_every_retry() -> None:
    c = cfg(slack_webhook_env="S", alertmanager_url="http://am", timeout_s=10, max_retries=3)
    # slack: 4 attempts × 10 s + 3 Retry-After waits of at most 60 s; Alertmanager: 10 s in all
    assert delivery_bound_s(c, [SINKS["slack"], SINKS["alertmanager"]]) == 40 + 180 + 10
