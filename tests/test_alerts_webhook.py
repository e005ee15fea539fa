from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from support.webhook_receiver import Receiver, Reply

from metricwatch.alerts.webhook import check_url, post_json, retry_after_s
from metricwatch.errors import AlertError

PAYLOAD = {"text": "hello"}


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def post(url: str, **kw):
    kw.setdefault("timeout_s", 2.0)
    kw.setdefault("max_retries", 2)
    kw.setdefault("backoff_s", 0.05)
    return post_json(url, PAYLOAD, label="slack webhook (from $HOOK)", **kw)


def test_delivers_json_once(receiver: Receiver) -> None:
    receiver.reset()
    d = post(receiver.url("/ok"))
    assert (d.ok, d.status, d.attempts) == (True, 200, 1)
    (req,) = receiver.requests
    assert (req.method, req.path, req.json()) == ("POST", "/ok", PAYLOAD)
    assert req.headers["Content-Type"] == "application/json"


def test_429_retry_after_is_honoured(receiver: Receiver) -> None:
    receiver.reset(Reply(429, {"Retry-After": "1"}, "slow down"))
    d = post(receiver.url(), backoff_s=0.01)
    assert (d.ok, d.attempts) == (True, 2)
    first, second = receiver.requests
    assert second.at - first.at >= 0.95  # waited the server's Retry-After, not the 0.01 s backoff


def test_500_retries_are_bounded_and_reported(receiver: Receiver) -> None:
    receiver.reset(*[Reply(500, body="boom")] * 5)
    d = post(receiver.url(), max_retries=2)
    assert not d.ok and d.attempts == 3 and d.status == 500
    assert len(receiver.requests) == 3
    assert (
        d.detail == "slack webhook (from $HOOK): not delivered after 3 attempt(s): HTTP 500: boom"
    )
    assert receiver.url() not in d.detail


def test_client_errors_are_not_retried(receiver: Receiver) -> None:
    receiver.reset(Reply(400, body="invalid_payload"))
    d = post(receiver.url())
    assert (d.ok, d.attempts, d.status) == (False, 1, 400)


def test_slow_server_times_out_then_succeeds(receiver: Receiver) -> None:
    receiver.reset(Reply(200, delay_s=1.5))
    start = time.monotonic()
    d = post(receiver.url(), timeout_s=0.5, max_retries=1)
    assert d.ok and d.attempts == 2
    assert time.monotonic() - start < 3.0


def test_slow_server_every_time_fails_with_timeout(receiver: Receiver) -> None:
    receiver.reset(Reply(200, delay_s=1.0), Reply(200, delay_s=1.0))
    d = post(receiver.url(), timeout_s=0.3, max_retries=1)
    assert not d.ok and d.status is None
    assert d.detail.endswith("timed out after 0.3 s")


def test_connection_refused_is_a_failed_delivery() -> None:
    from metricwatch.procs import free_port

    d = post(f"http://127.0.0.1:{free_port()}/x", max_retries=0)
    assert not d.ok and "connection failed" in d.detail


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/services/T/B/SECRET",
        "http://10.0.0.5/hook",
        "ftp://127.0.0.1/hook",
        "file:///etc/passwd",
        "not a url",
    ],
)
def test_non_https_non_loopback_urls_are_refused(url: str) -> None:
    with pytest.raises(AlertError) as exc:
        check_url(url, "slack webhook (from $HOOK)")
    assert str(exc.value).startswith("slack webhook (from $HOOK):")
    assert "SECRET" not in str(exc.value) and "10.0.0.5" not in str(exc.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/x",
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://[::1]:8/x",
    ],
)
def test_https_and_loopback_http_are_allowed(url: str) -> None:
    check_url(url, "x")


def test_retry_after_parsing() -> None:
    assert retry_after_s("3", 0.5) == 3.0
    assert retry_after_s(None, 0.5) == 0.5
    assert retry_after_s("garbage", 0.5) == 0.5
    assert retry_after_s("99999", 0.5) == 60.0
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    assert 8.0 <= retry_after_s(soon, 0.5) <= 10.0


def test_invalid_url_fails_without_echoing_it() -> None:
    d = post("http://127.0.0.1:1/hook/SECRETPART\x00")
    assert (d.ok, d.status) == (False, None)
    assert d.detail == "slack webhook (from $HOOK): InvalidURL"
