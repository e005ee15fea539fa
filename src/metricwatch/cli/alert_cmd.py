"""`metricwatch alert`: post the breached rules of a fresh check to Slack and/or Teams.

Exit codes: 0 delivered (or nothing breached), 1 a delivery failed or no sink is configured,
2 no verdict possible. `--dry-run` prints each payload (never the URL) and posts nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from metricwatch.cli.console import err_console, out_console

if TYPE_CHECKING:
    from metricwatch.cli.check_run import CheckRun
    from metricwatch.config import Config

ConfigOpt = typer.Option(
    None, "--config", "-c", help="Path of metricwatch.yaml (default: ./metricwatch.yaml)."
)


def send_alerts(
    cfg: Config, run: CheckRun, *, dry_run: bool, sinks: list[str] | None = None
) -> bool:
    """Post (or print) the breached flags to each sink; True when nothing failed."""
    from metricwatch.alerts.sinks import (
        configured_sinks,
        deliver,
        env_var,
        get_sink,
        resolve_url,
        secret_env_vars,
    )
    from metricwatch.alerts.text import AlertContext
    from metricwatch.errors import AlertError
    from metricwatch.redact import scrub

    secrets = secret_env_vars(cfg)
    chosen = [get_sink(n) for n in sinks] if sinks else configured_sinks(cfg)
    if not chosen:
        err_console.print(
            "[red]no alert sink configured:[/red] set alerts.slack_webhook_env and/or "
            f"alerts.teams_webhook_env in {cfg.source} to the names of environment variables",
            soft_wrap=True,
        )
        return False
    breached = [f for f in run.flags if f.breached]
    if not breached:
        err_console.print("[green]nothing to alert:[/green] no rule breached", soft_wrap=True)
        return True
    try:
        tracking = cfg.redacted_tracking_uri()
    except Exception:
        tracking = ""
    ctx = AlertContext(
        project=cfg.project_name,
        lang=cfg.report.lang,
        checked_at=run.checked_at.replace(microsecond=0).isoformat(),
        tracking=tracking,
    )
    ok = True
    for sink in chosen:
        if dry_run:
            payload = json.dumps(sink.build_payload(ctx, breached), indent=2, ensure_ascii=False)
            err_console.print(
                f"[bold]{sink.name}[/bold] payload (dry run, nothing posted):", soft_wrap=True
            )
            try:
                warning = sink.warn_url(resolve_url(cfg, sink))
            except AlertError as exc:  # a dry run still says what a real run would miss
                warning = str(exc)
            if warning:
                err_console.print(
                    f"[yellow]warning:[/yellow] {sink.name}: {escape(scrub(warning, secrets))}",
                    soft_wrap=True,
                )
            out_console.print(scrub(payload, secrets), markup=False)
            continue
        with err_console.status(f"posting to {sink.name}…"):
            report = deliver(cfg, sink, ctx, breached)
        if report.warning:
            err_console.print(
                f"[yellow]warning:[/yellow] {sink.name}: {report.warning}", soft_wrap=True
            )
        if report.ok:
            err_console.print(
                f"[green]✓[/green] {sink.name}: {len(breached)} breached rule(s) sent "
                f"(webhook from ${env_var(cfg, sink)}): {escape(report.detail)}",
                soft_wrap=True,
            )
        else:
            ok = False
            err_console.print(
                f"[red]✗ {sink.name}:[/red] {escape(scrub(report.detail, secrets))}", soft_wrap=True
            )
    return ok


def alert(
    config: Path | None = ConfigOpt,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print each payload instead of posting it (never the URL)."
    ),
    sink: Annotated[
        list[str] | None,
        typer.Option(
            "--sink", help="Only this sink (slack, teams); repeatable. Default: every configured."
        ),
    ] = None,
    repro: bool = typer.Option(False, "--repro", help="Include the reproducibility check."),
) -> int:
    """Run the check and post its breached rules to Slack / Microsoft Teams webhooks."""
    from metricwatch.cli.check_run import run_check
    from metricwatch.config import load_config

    cfg = load_config(config)
    with err_console.status("checking…") as status:
        run = run_check(cfg, repro=repro, progress=lambda m: status.update(f"{m}…"))
    ok = send_alerts(cfg, run, dry_run=dry_run, sinks=sink or None)
    if run.no_verdict:
        err_console.print(
            "[yellow]no verdict possible:[/yellow] "
            + escape("; ".join(f"{k}: {v}" for k, v in run.errors.items())),
            soft_wrap=True,
        )
        return 2
    return 0 if ok else 1


def register(app: typer.Typer) -> None:
    app.command("alert")(alert)
