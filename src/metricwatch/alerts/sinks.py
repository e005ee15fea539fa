"""Alert sinks registered by name; the URL of each comes from an environment variable the
config names. The URL is never printed: messages say which variable it came from."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from metricwatch.alerts import slack, teams
from metricwatch.alerts.text import AlertContext
from metricwatch.alerts.webhook import Delivery, check_url, post_json
from metricwatch.config import Config
from metricwatch.errors import AlertError
from metricwatch.redact import scrub
from metricwatch.rules import Flag


@dataclass(frozen=True)
class Sink:
    name: str
    env_key: str  # the AlertsConfig field holding the variable's name
    build_payload: Callable[[AlertContext, list[Flag]], dict[str, Any]]
    warn_url: Callable[[str], str | None] = lambda _url: None


SINKS: dict[str, Sink] = {
    "slack": Sink("slack", "slack_webhook_env", slack.build_payload),
    "teams": Sink(
        "teams",
        "teams_webhook_env",
        teams.build_payload,
        lambda url: teams.LEGACY_WARNING if teams.is_legacy_connector(url) else None,
    ),
}


def get_sink(name: str) -> Sink:
    try:
        return SINKS[name]
    except KeyError:
        raise AlertError(f"unknown alert sink {name!r}; valid sinks: {', '.join(SINKS)}") from None


def env_var(cfg: Config, sink: Sink) -> str | None:
    return getattr(cfg.alerts, sink.env_key)


def secret_env_vars(cfg: Config) -> list[str]:
    """Names of the variables holding webhook URLs, for metricwatch.redact.scrub."""
    return [v for v in (env_var(cfg, s) for s in SINKS.values()) if v]


def configured_sinks(cfg: Config) -> list[Sink]:
    return [s for s in SINKS.values() if env_var(cfg, s)]


def resolve_url(cfg: Config, sink: Sink) -> str:
    """The sink's URL from its environment variable; errors name the variable, never the value."""
    var = env_var(cfg, sink)
    if not var:
        raise AlertError(
            f"{cfg.source}: alerts.{sink.env_key} is not set; name the environment variable "
            f"that holds the {sink.name} webhook URL"
        )
    url = os.environ.get(var, "").strip()
    if not url:
        raise AlertError(
            f"environment variable {var} (alerts.{sink.env_key}) is unset or empty; export it "
            f"with the {sink.name} webhook URL"
        )
    check_url(url, f"{sink.name} webhook (from ${var})")
    return url


@dataclass(frozen=True)
class SinkReport:
    sink: str
    variable: str | None
    ok: bool
    detail: str
    warning: str | None = None


def deliver(
    cfg: Config, sink: Sink, ctx: AlertContext, flags: list[Flag], *, backoff_s: float = 0.5
) -> SinkReport:
    """Send one sink's payload; a failure is returned as a report, never raised."""
    var = env_var(cfg, sink)
    try:
        url = resolve_url(cfg, sink)
    except AlertError as exc:
        return SinkReport(sink.name, var, False, scrub(str(exc), secret_env_vars(cfg)))
    warning = sink.warn_url(url)
    result: Delivery = post_json(
        url,
        sink.build_payload(ctx, flags),
        label=f"{sink.name} webhook (from ${var})",
        timeout_s=cfg.alerts.timeout_s,
        max_retries=cfg.alerts.max_retries,
        backoff_s=backoff_s,
    )
    detail = scrub(result.detail, secret_env_vars(cfg)).replace(url, "***")
    return SinkReport(sink.name, var, result.ok, detail, warning)
