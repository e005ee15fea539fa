"""`metricwatch alert` (and `check --notify`): tell Slack, Teams and Alertmanager what changed.

A breach is announced when it starts firing, again after `alerts.repeat_interval` while it still
fires, and once when it is resolved (alerts/notify.py); Alertmanager gets every firing breach on
every run. Exit codes: 0 delivered (or nothing to send), 1 a delivery failed or no sink is
configured, 2 no verdict possible. `--dry-run` prints each payload (never the URL), posts
nothing and records nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from metricwatch.cli.console import err_console, out_console, say_no_verdict
from metricwatch.cli.options import ConfigOpt
from metricwatch.errors import AlertError
from metricwatch.redact import scrub

if TYPE_CHECKING:
    from metricwatch.alerts.lifecycle import Notice, NoticeKind
    from metricwatch.alerts.notify import SinkPlan
    from metricwatch.alerts.text import AlertContext
    from metricwatch.config import Config
    from metricwatch.pipeline.run import Outcome


def send_alerts(
    cfg: Config, run: Outcome, *, dry_run: bool, sinks: list[str] | None = None
) -> bool:
    """Tell each sink what started, still fires (after repeat_interval) or stopped; print it.

    True when nothing failed. A dry run prints the payloads, sends and records nothing."""
    from metricwatch.alerts.notify import notify
    from metricwatch.alerts.sinks import configured_sinks, get_sink, secret_env_vars
    from metricwatch.sources.history_db.fingerprint import judge

    secrets = secret_env_vars(cfg)
    chosen = [get_sink(n) for n in sinks] if sinks else configured_sinks(cfg)
    if not chosen:
        err_console.print(
            "[red]no alert sink configured:[/red] set alerts.slack_webhook_env, "
            "alerts.teams_webhook_env and/or alerts.alertmanager_url_env to the names of "
            f"environment variables (or alerts.alertmanager_url) in {cfg.source}",
            soft_wrap=True,
        )
        return False
    judged = judge(run.flags, verdict=not run.no_verdict)
    ctx = alert_context(cfg, run)
    with err_console.status("sending alerts…"):
        notified = notify(cfg, judged, chosen, ctx, dry_run=dry_run)
    if notified.warning:
        err_console.print(
            f"[yellow]warning:[/yellow] alerts: {escape(scrub(notified.warning, secrets))}",
            soft_wrap=True,
        )
    for item in notified.plans:
        _say(cfg, ctx, item, dry_run, secrets)
    return notified.ok


def alert_context(cfg: Config, run: Outcome) -> AlertContext:
    from metricwatch.alerts.text import AlertContext
    from metricwatch.durations import seconds

    try:
        tracking = cfg.redacted_tracking_uri()
    except Exception:
        tracking = ""
    return AlertContext(
        project=cfg.project_name,
        lang=cfg.report.lang,
        checked_at=run.checked_at.replace(microsecond=0).isoformat(),
        tracking=tracking,
        timezone=cfg.report.timezone,
        now=run.checked_at,
        valid_for_s=seconds(cfg.alerts.alertmanager_valid_for),
    )


def _counts(notices: list[Notice]) -> str:
    n = Counter(x.kind for x in notices)
    words: dict[NoticeKind, str] = {
        "firing": "firing",
        "repeat": "still firing",
        "resolved": "resolved",
    }
    return ", ".join(f"{n[k]} {w}" for k, w in words.items() if n[k])


def _say(cfg: Config, ctx: AlertContext, item: SinkPlan, dry_run: bool, secrets: list[str]) -> None:
    name = item.sink.name
    if item.report is not None and item.report.warning:  # also when the delivery failed
        err_console.print(
            f"[yellow]warning:[/yellow] {name}: {escape(scrub(item.report.warning, secrets))}",
            soft_wrap=True,
        )
    if item.report is not None and not item.report.ok:
        err_console.print(
            f"[red]✗ {name}:[/red] {escape(scrub(item.report.detail, secrets))}", soft_wrap=True
        )
    elif not item.notices:
        _say_quiet(item, dry_run)
    elif dry_run:
        _say_dry_run(cfg, ctx, item, secrets)
    elif item.report is not None:
        from metricwatch.alerts.sinks import origin

        err_console.print(
            f"[green]✓[/green] {name}: {_counts(item.notices)} sent "
            f"({item.sink.kind or 'URL'} from {origin(cfg, item.sink)}): "
            f"{escape(item.report.detail)}",
            soft_wrap=True,
        )


def _say_quiet(item: SinkPlan, dry_run: bool) -> None:
    if item.still_firing:
        when = item.next_reminder.replace(microsecond=0).isoformat() if item.next_reminder else "—"
        why = (
            f"{item.still_firing} breach(es) still firing, already sent; next reminder after {when}"
        )
    else:
        why = "no rule breached, none resolved"
    verb = "would be sent" if dry_run else "to send"
    err_console.print(f"– {item.sink.name}: nothing {verb}: {escape(why)}", soft_wrap=True)


def _say_dry_run(cfg: Config, ctx: AlertContext, item: SinkPlan, secrets: list[str]) -> None:
    from metricwatch.alerts.sinks import resolve_url

    name = item.sink.name
    payload = json.dumps(item.sink.build_payload(ctx, item.notices), indent=2, ensure_ascii=False)
    err_console.print(
        f"[bold]{name}[/bold] payload (dry run, nothing posted): {_counts(item.notices)}",
        soft_wrap=True,
    )
    try:
        warning = item.sink.warn_url(resolve_url(cfg, item.sink))
    except AlertError as exc:  # a dry run still says what a real run would miss
        warning = str(exc)
    if warning:
        err_console.print(
            f"[yellow]warning:[/yellow] {name}: {escape(scrub(warning, secrets))}", soft_wrap=True
        )
    out_console.print(scrub(payload, secrets), markup=False)


def alert(
    config: Path | None = ConfigOpt,
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Print each payload instead of posting it (never the URL); record nothing.",
    ),
    sink: Annotated[
        list[str] | None,
        typer.Option(
            "--sink",
            help="Only this sink (slack, teams, alertmanager); repeatable. Default: every "
            "configured.",
        ),
    ] = None,
    repro: bool = typer.Option(False, "--repro", help="Include the reproducibility check."),
) -> int:
    """Run the check; tell Slack / Teams / Alertmanager what started, still fires or resolved."""
    from metricwatch.config import load_config
    from metricwatch.pipeline.check import run_check

    cfg = load_config(config)
    with err_console.status("checking…") as status:
        run = run_check(cfg, repro=repro, progress=lambda m: status.update(f"{m}…"))
    ok = send_alerts(cfg, run, dry_run=dry_run, sinks=sink or None)
    if run.no_verdict:
        say_no_verdict(run.errors)
        return 2
    return 0 if ok else 1


def register(app: typer.Typer) -> None:
    app.command("alert")(alert)
