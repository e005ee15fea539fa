"""Alertmanager as a sink: its v2 API, `POST <base>/api/v2/alerts` with a list of alerts.

Each breach is one alert: labels `alertname` (MetricwatchRuleBreached), `rule`, `version`,
`severity` (warning / critical, as in deploy/prometheus), `project` (and `feature` for
per-feature rules); annotations `summary` (the rule's message), `action` and `description`
(value, threshold, run); `startsAt` when the breach started firing; `generatorURL` the run's page.
Alertmanager expects a client to re-send firing alerts (it deduplicates, groups, repeats and
routes by itself), so every notifying run sends every firing breach with `endsAt` = now +
`alerts.alertmanager_valid_for`: if metricwatch stops running, the alert expires instead of
firing forever. A breach that stops firing is sent once with `endsAt` = when it resolved.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from metricwatch.alerts.lifecycle import Notice
from metricwatch.alerts.text import AlertContext, notice_facts
from metricwatch.alerts.webhook import is_loopback
from metricwatch.errors import AlertError

API_PATH = "/api/v2/alerts"
ALERTNAME = "MetricwatchRuleBreached"
SEVERITY_LABEL = {"warn": "warning", "fail": "critical"}


def endpoint(url: str) -> str:
    """The alerts endpoint under the configured base URL (which may already end with it)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path.endswith(API_PATH):
        path += API_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def check_url(url: str, label: str) -> None:
    """http or https (Alertmanager often runs inside a private network), but credentials only
    over https or to a loopback host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise AlertError(f"{label}: not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise AlertError(f"{label}: not an http(s) URL with a host")
    if parts.scheme == "http" and "@" in parts.netloc and not is_loopback(host):
        raise AlertError(f"{label}: refused to send credentials over plain http; use an https URL")


def rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def alert_of(ctx: AlertContext, notice: Notice) -> dict[str, Any]:
    flag = notice.flag
    labels = {
        "alertname": ALERTNAME,
        "rule": flag.rule,
        "severity": SEVERITY_LABEL[flag.severity],
        "project": ctx.project,
    }
    if flag.version or flag.run_id:
        labels["version"] = str(flag.version or flag.run_id)
    if getattr(flag, "feature", None):
        labels["feature"] = str(flag.feature)  # type: ignore[attr-defined]
    facts = " · ".join(f"{f['title']}: {f['value']}" for f in notice_facts(ctx, notice))
    now = ctx.now or datetime.now(UTC)
    ends = notice.resolved_at if notice.kind == "resolved" else None
    alert: dict[str, Any] = {
        "labels": labels,
        "annotations": {
            k: v
            for k, v in {
                "summary": flag.message,
                "action": flag.action,
                "description": facts,
            }.items()
            if v  # Alertmanager keeps empty annotations; they only add noise
        },
        "startsAt": rfc3339(notice.since),
        "endsAt": rfc3339(ends or now + timedelta(seconds=ctx.valid_for_s)),
    }
    if flag.run_url:
        alert["generatorURL"] = flag.run_url
    return alert


def build_payload(ctx: AlertContext, notices: list[Notice]) -> list[dict[str, Any]]:
    return [alert_of(ctx, n) for n in notices]
