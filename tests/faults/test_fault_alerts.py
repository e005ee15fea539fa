"""Faults: a webhook that rate-limits or fails, and a retired Teams connector URL.

`metricwatch check --notify` runs as a real process against a real HTTP receiver on 127.0.0.1
(tests/support/webhook_receiver.py). The demo breaches `fail` rules, so check exits 1 whatever
happens to the alert: a delivery failure never changes the verdict. The URL is a secret: it
never appears in the output.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus import fault
from faultkit import Run, edit_config, expect, run_mw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.webhook_receiver import Receiver, Reply

pytestmark = pytest.mark.slow

SECRET = "T000SECRET/B000SECRET/xoxo-fault-corpus"
RATE_LIMITED = fault(
    id="webhook-429-retry-after",
    area="Alerts",
    fault="The Slack webhook answers 429 Too Many Requests with `Retry-After: 1`, every time",
    command="metricwatch check --notify",
    exit_code=1,
    says="✗ slack: slack webhook (from $MW_FAULT_SLACK): not delivered after 2 attempt(s): "
    "HTTP 429: rate limited",
)
SERVER_ERROR = fault(
    id="webhook-500",
    area="Alerts",
    fault="The Slack webhook answers 500 Internal Server Error, every time",
    command="metricwatch check --notify",
    exit_code=1,
    says="✗ slack: slack webhook (from $MW_FAULT_SLACK): not delivered after 2 attempt(s): "
    "HTTP 500: upstream broke",
)
TEAMS_LEGACY = fault(
    id="teams-legacy-connector-url",
    area="Alerts",
    fault="The Teams variable holds a retired Office 365 connector URL (`…webhook.office.com/webhookb2/…`)",
    command="metricwatch check --notify",
    exit_code=1,
    says="warning: teams: this Teams URL is a legacy Office 365 connector webhook, which "
    "Microsoft has retired; create a Workflows webhook ('Post to a channel when a webhook "
    "request is received') and put its URL in the variable instead",
)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def alert_config(demo_copy: Path) -> Path:
    # check reads only the runs, tags and rules: no drift data, no reproducibility
    return edit_config(
        demo_copy / "metricwatch.yaml",
        alerts={"slack_webhook_env": "MW_FAULT_SLACK", "teams_webhook_env": "MW_FAULT_TEAMS",
                "timeout_s": 5, "max_retries": 1},
    )  # fmt: skip


def assert_no_url(run: Run, *urls: str) -> None:
    for url in urls:
        assert url not in run.text and SECRET not in run.text, run.show()


def test_webhook_429_honours_retry_after(alert_config: Path, receiver: Receiver) -> None:
    url = receiver.url(f"/services/{SECRET}")
    receiver.reset(*[Reply(429, {"Retry-After": "1"}, "rate limited")] * 2)
    run = run_mw("check", "-c", alert_config, "--notify", env={"MW_FAULT_SLACK": url},
                 unset=("MW_FAULT_TEAMS",), timeout=120)  # fmt: skip
    expect(RATE_LIMITED, run)
    assert_no_url(run, url, f"127.0.0.1:{receiver.port}")
    assert len(receiver.requests) == 2
    waited = receiver.requests[1].at - receiver.requests[0].at
    assert waited >= 0.95, f"the retry came {waited:.2f} s after the 429, not after Retry-After"


def test_webhook_500_is_reported(alert_config: Path, receiver: Receiver) -> None:
    url = receiver.url(f"/services/{SECRET}")
    receiver.reset(*[Reply(500, body="upstream broke")] * 2)
    run = run_mw("check", "-c", alert_config, "--notify", env={"MW_FAULT_SLACK": url},
                 unset=("MW_FAULT_TEAMS",), timeout=120)  # fmt: skip
    expect(SERVER_ERROR, run)
    assert_no_url(run, url, f"127.0.0.1:{receiver.port}")
    assert len(receiver.requests) == 2


def test_teams_legacy_connector_url_warns(alert_config: Path, receiver: Receiver) -> None:
    url = f"https://contoso.webhook.office.com/webhookb2/{SECRET}/IncomingWebhook/abc/def"
    receiver.reset()
    # every HTTPS request goes through the loopback receiver as a proxy, which refuses CONNECT:
    # the test never reaches the network, yet runs the real delivery path to its failure
    proxy = receiver.url("")
    run = run_mw("check", "-c", alert_config, "--notify", env={"MW_FAULT_TEAMS": url,
                 "HTTPS_PROXY": proxy, "https_proxy": proxy, "NO_PROXY": "", "no_proxy": ""},
                 unset=("MW_FAULT_SLACK",), timeout=120)  # fmt: skip
    expect(TEAMS_LEGACY, run)
    assert "✗ teams: teams webhook (from $MW_FAULT_TEAMS): not delivered after 2 attempt(s):" in (
        run.text
    ), run.show()
    assert_no_url(run, url, "contoso.webhook.office.com")
