from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.configs import make_config
from support.webhook_receiver import Receiver, Reply

from metricwatch.alerts import slack, teams
from metricwatch.alerts.lifecycle import Notice
from metricwatch.alerts.sinks import SINKS, configured_sinks, deliver, get_sink, resolve_url
from metricwatch.alerts.text import AlertContext
from metricwatch.errors import AlertError
from metricwatch.rules_model import Flag
from metricwatch.sources.history_db.fingerprint import fingerprint

SECRET = "T0SECRET/B0SECRET/xoxb-planted-secret"

FLAGS = [
    Flag(
        rule="rmse",
        metric="rmse",
        kind="max_ratio_to_baseline",
        severity="warn",
        outcome="breach",
        value=1.2,
        value_display="1.2",
        threshold=1.1,
        threshold_display="≤ 1.1 (1.1 × 1)",
        baseline=1.0,
        version="v1.0.3",
        run_id="abc123",
        run_url="http://127.0.0.1:5000/#/experiments/1/runs/abc123",
        message="RMSE above 1.10 × baseline",
        action="review data / feature store",
    ),
    Flag(
        rule="integrity",
        metric="integrity",
        kind="breach_on",
        severity="fail",
        outcome="breach",
        value_display="fail",
        threshold_display="not fail",
        version="v1.0.2",
        message="release integrity check failed <&>",
        action="tag the MLflow run",
    ),
]
CTX = AlertContext(project="demo", lang="en", checked_at="2026-01-01T00:00:00Z")
SINCE = datetime(2026, 1, 1, tzinfo=UTC)
NOTICES = [Notice("firing", fingerprint(f), f, SINCE) for f in FLAGS]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def cfg(**alerts):
    return make_config(Path("."), alerts={"max_retries": 1, "timeout_s": 2, **alerts})


def test_slack_block_kit_payload() -> None:
    p = slack.build_payload(CTX, NOTICES)
    assert p["text"] == "❌ demo: 2 firing"
    header, s1, s2, context = p["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "❌ demo: 2 firing", "emoji": True},
    }
    assert s1["type"] == "section" and s1["text"]["type"] == "mrkdwn"
    text = s1["text"]["text"]
    for part in (
        "*rmse* (warn) — firing:",
        "value: 1.2",
        "threshold: ≤ 1.1 (1.1 × 1)",
        "baseline: 1",
        "v1.0.3",
    ):
        assert part in text
    assert "run: abc123" in text
    assert "<http://127.0.0.1:5000/#/experiments/1/runs/abc123|open run>" in text
    assert "&lt;&amp;&gt;" in s2["text"]["text"]  # user text escaped for mrkdwn
    assert context["type"] == "context" and "demo" in context["elements"][0]["text"]


def test_slack_payload_in_spanish_words_the_severity_and_the_state() -> None:
    p = slack.build_payload(AlertContext(project="demo", lang="es"), NOTICES)
    text = p["blocks"][1]["text"]["text"]
    assert "*rmse* (aviso) — activa:" in text and "valor: 1.2" in text
    assert "(warn)" not in text and "firing" not in text


def test_teams_adaptive_card_payload() -> None:
    p = teams.build_payload(AlertContext(project="demo", lang="es"), NOTICES)
    assert p["type"] == "message"
    (att,) = p["attachments"]
    assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = att["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "❌ demo: 2 activas"
    assert card["body"][1]["items"][1]["text"] == "activa"
    facts = {f["title"]: f["value"] for f in card["body"][1]["items"][2]["facts"]}
    assert facts["valor"] == "1.2" and facts["umbral"] == "≤ 1.1 (1.1 × 1)"
    assert facts["baseline"] == "1" and facts["versión"] == "v1.0.3" and facts["run"] == "abc123"
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "abrir run v1.0.3",
            "url": "http://127.0.0.1:5000/#/experiments/1/runs/abc123",
        }
    ]


@pytest.mark.parametrize(
    ("url", "legacy"),
    [
        ("https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/x/y", True),
        ("https://outlook.office.com/webhook/abc/IncomingWebhook/x", True),
        (
            "https://prod-00.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke",
            False,
        ),
        ("https://contoso.powerplatform.com/powerautomate/automations/direct/workflows/x", False),
    ],
)
def test_teams_legacy_connector_detection(url: str, legacy: bool) -> None:
    assert teams.is_legacy_connector(url) is legacy


def test_unknown_sink_lists_valid_names() -> None:
    with pytest.raises(
        AlertError, match=r"^unknown alert sink 'email'; valid sinks: slack, teams, alertmanager$"
    ):
        get_sink("email")


def test_unset_variable_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MW_SLACK_URL", raising=False)
    c = cfg(slack_webhook_env="MW_SLACK_URL")
    with pytest.raises(AlertError) as exc:
        resolve_url(c, SINKS["slack"])
    assert str(exc.value) == (
        "environment variable MW_SLACK_URL (alerts.slack_webhook_env) is unset or empty; "
        "export it with the slack webhook URL"
    )
    with pytest.raises(AlertError, match=r"alerts.teams_webhook_env is not set"):
        resolve_url(c, SINKS["teams"])
    assert [s.name for s in configured_sinks(c)] == ["slack"]


def test_delivery_to_both_sinks_and_secret_stays_in_its_request(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack_url = receiver.url(f"/slack/{SECRET}")
    teams_url = receiver.url(f"/teams/{SECRET}?sig=zzSECRETSIG")
    monkeypatch.setenv("MW_SLACK_URL", slack_url)
    monkeypatch.setenv("MW_TEAMS_URL", teams_url)
    c = cfg(slack_webhook_env="MW_SLACK_URL", teams_webhook_env="MW_TEAMS_URL")
    receiver.reset()
    reports = [deliver(c, s, CTX, NOTICES) for s in configured_sinks(c)]
    assert [(r.sink, r.ok, r.variable) for r in reports] == [
        ("slack", True, "MW_SLACK_URL"),
        ("teams", True, "MW_TEAMS_URL"),
    ]
    slack_req, teams_req = receiver.requests
    assert slack_req.path == f"/slack/{SECRET}"  # the secret only travels in its own request
    assert slack_req.json()["blocks"][0]["type"] == "header"
    assert teams_req.json()["attachments"][0]["content"]["type"] == "AdaptiveCard"
    for req in receiver.requests:
        assert SECRET not in req.body.decode() and "zzSECRETSIG" not in req.body.decode()
    for r in reports:
        assert SECRET not in json.dumps(r.__dict__) and "zzSECRETSIG" not in r.detail


def test_failed_delivery_report_never_shows_the_url(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = receiver.url(f"/slack/{SECRET}")
    monkeypatch.setenv("MW_SLACK_URL", url)
    receiver.reset(Reply(500, body=f"error for {url}"), Reply(500, body=f"error for {url}"))
    r = deliver(cfg(slack_webhook_env="MW_SLACK_URL"), SINKS["slack"], CTX, NOTICES, backoff_s=0.01)
    assert not r.ok
    assert r.detail.startswith(
        "slack webhook (from $MW_SLACK_URL): not delivered after 2 attempt(s)"
    )
    assert SECRET not in r.detail and str(receiver.port) not in r.detail


def test_http_to_a_public_host_is_refused_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MW_SLACK_URL", f"http://hooks.slack.com/services/{SECRET}")
    r = deliver(cfg(slack_webhook_env="MW_SLACK_URL"), SINKS["slack"], CTX, NOTICES)
    assert not r.ok and "refused a http webhook URL" in r.detail and SECRET not in r.detail


def test_legacy_teams_url_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "MW_TEAMS_URL", f"https://contoso.webhook.office.com/webhookb2/{SECRET}/IncomingWebhook/x"
    )
    c = cfg(teams_webhook_env="MW_TEAMS_URL")
    sink = SINKS["teams"]
    assert sink.warn_url(resolve_url(c, sink)) == teams.LEGACY_WARNING
    assert SECRET not in teams.LEGACY_WARNING
