"""Alert sinks registered by name. A sink's URL comes from an environment variable the config
names (Slack, Teams, Alertmanager) or, for Alertmanager, from the config itself. The URL is
never printed: messages say where it came from (`$VARIABLE` or the config key)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from metricwatch.alerts import alertmanager, slack, teams
from metricwatch.alerts.lifecycle import Notice
from metricwatch.alerts.text import AlertContext
from metricwatch.alerts.webhook import MAX_RETRY_AFTER_S, Delivery, check_url, post_json
from metricwatch.config import Config
from metricwatch.errors import AlertError
from metricwatch.redact import scrub


def _same(url: str) -> str:
    return url


@dataclass(frozen=True)
class Sink:
    name: str
    env_key: str  # the AlertsConfig field holding the variable's name
    build_payload: Callable[[AlertContext, list[Notice]], Any]
    warn_url: Callable[[str], str | None] = lambda _url: None
    url_key: str | None = None  # an AlertsConfig field holding the URL itself
    kind: str = "webhook"  # how messages call it: "slack webhook"
    endpoint: Callable[[str], str] = _same  # where to POST, from the configured URL
    check: Callable[[str, str], None] = check_url
    resend: bool = False  # re-send every firing breach on every run (Alertmanager)
    deadline: bool = False  # the whole delivery, retries included, within alerts.timeout_s


SINKS: dict[str, Sink] = {
    "slack": Sink("slack", "slack_webhook_env", slack.build_payload),
    "teams": Sink(
        "teams",
        "teams_webhook_env",
        teams.build_payload,
        lambda url: teams.LEGACY_WARNING if teams.is_legacy_connector(url) else None,
    ),
    "alertmanager": Sink(
        "alertmanager",
        "alertmanager_url_env",
        alertmanager.build_payload,
        url_key="alertmanager_url",
        kind="",
        endpoint=alertmanager.endpoint,
        check=alertmanager.check_url,
        resend=True,
        deadline=True,
    ),
}


def get_sink(name: str) -> Sink:
    try:
        return SINKS[name]
    except KeyError:
        raise AlertError(f"unknown alert sink {name!r}; valid sinks: {', '.join(SINKS)}") from None


def env_var(cfg: Config, sink: Sink) -> str | None:
    value: str | None = getattr(cfg.alerts, sink.env_key)
    return value


def _config_url(cfg: Config, sink: Sink) -> str | None:
    return getattr(cfg.alerts, sink.url_key) if sink.url_key else None


def origin(cfg: Config, sink: Sink) -> str:
    """Where the URL comes from, safe to print: `$VARIABLE` or `alerts.<key>`."""
    if _config_url(cfg, sink):
        return f"alerts.{sink.url_key}"
    return f"${env_var(cfg, sink)}"


def label(cfg: Config, sink: Sink) -> str:
    return f"{' '.join(filter(None, (sink.name, sink.kind)))} (from {origin(cfg, sink)})"


def what(sink: Sink) -> str:
    """ "slack webhook URL", "alertmanager URL"."""
    return " ".join(filter(None, (sink.name, sink.kind, "URL")))


def secret_env_vars(cfg: Config) -> list[str]:
    """Names of the variables holding sink URLs, for metricwatch.redact.scrub."""
    return [v for v in (env_var(cfg, s) for s in SINKS.values()) if v]


def configured_sinks(cfg: Config) -> list[Sink]:
    return [s for s in SINKS.values() if env_var(cfg, s) or _config_url(cfg, s)]


def resolve_url(cfg: Config, sink: Sink) -> str:
    """The sink's URL; errors name the variable or key, never the value."""
    url = _config_url(cfg, sink)
    if url:
        sink.check(url.strip(), label(cfg, sink))
        return url.strip()
    var = env_var(cfg, sink)
    if not var:
        also = f", or set alerts.{sink.url_key}" if sink.url_key else ""
        raise AlertError(
            f"{cfg.source}: alerts.{sink.env_key} is not set; name the environment variable "
            f"that holds the {what(sink)}{also}"
        )
    url = os.environ.get(var, "").strip()
    if not url:
        raise AlertError(
            f"environment variable {var} (alerts.{sink.env_key}) is unset or empty; export it "
            f"with the {what(sink)}"
        )
    sink.check(url, label(cfg, sink))
    return url


def delivery_bound_s(cfg: Config, sinks: list[Sink]) -> float:
    """The longest delivering to these sinks can take (every retry, every Retry-After wait)."""
    a = cfg.alerts
    one = (a.max_retries + 1) * a.timeout_s + a.max_retries * MAX_RETRY_AFTER_S
    return sum(a.timeout_s if s.deadline else one for s in sinks)


@dataclass(frozen=True)
class SinkReport:
    sink: str
    variable: str | None
    ok: bool
    detail: str
    warning: str | None = None


def deliver(
    cfg: Config, sink: Sink, ctx: AlertContext, notices: list[Notice], *, backoff_s: float = 0.5
) -> SinkReport:
    """Send one sink's payload; a failure is returned as a report, never raised."""
    var = env_var(cfg, sink)
    try:
        url = resolve_url(cfg, sink)
    except AlertError as exc:
        return SinkReport(sink.name, var, False, scrub(str(exc), secret_env_vars(cfg)))
    warning = sink.warn_url(url)
    try:
        result: Delivery = post_json(
            sink.endpoint(url),
            sink.build_payload(ctx, notices),
            label=label(cfg, sink),
            timeout_s=cfg.alerts.timeout_s,
            max_retries=cfg.alerts.max_retries,
            backoff_s=backoff_s,
            deadline_s=cfg.alerts.timeout_s if sink.deadline else None,
            check=sink.check,
        )
    except AlertError as exc:
        return SinkReport(sink.name, var, False, scrub(str(exc), secret_env_vars(cfg)))
    detail = scrub(result.detail, secret_env_vars(cfg)).replace(url, "***")
    return SinkReport(sink.name, var, result.ok, detail, warning)
