"""`metricwatch export prometheus`: the gauges of one check as a node_exporter textfile
(atomic write) and/or a Pushgateway push."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from metricwatch.cli.console import err_console, say_no_verdict
from metricwatch.cli.options import ConfigOpt

export_app = typer.Typer(
    help="Export the check's numbers to monitoring systems.", no_args_is_help=True
)


@export_app.command("prometheus")
def prometheus(
    config: Path | None = ConfigOpt,
    textfile: Annotated[
        Path | None,
        typer.Option(
            "--textfile",
            help="*.prom file for node_exporter's textfile collector (default: alerts.prometheus.textfile).",
        ),
    ] = None,
    push: bool = typer.Option(False, "--push", help="Also push to alerts.prometheus.pushgateway."),
    repro: bool = typer.Option(False, "--repro", help="Include the reproducibility check."),
) -> int:
    """Run the check and write its gauges (KPIs, rules, drift, integrity, repro)."""
    from metricwatch.alerts import prometheus as prom
    from metricwatch.alerts.prometheus import check_snapshot
    from metricwatch.config import load_config
    from metricwatch.errors import ConfigError
    from metricwatch.pipeline.check import run_check
    from metricwatch.redact import redact_url

    cfg = load_config(config)
    pcfg = cfg.alerts.prometheus
    target = textfile or (cfg.resolve(pcfg.textfile) if pcfg.textfile else None)
    if target is None and not push:
        raise ConfigError(
            f"nothing to export to: pass --textfile PATH.prom, set alerts.prometheus.textfile in "
            f"{cfg.source}, or use --push with alerts.prometheus.pushgateway"
        )
    if push and not pcfg.pushgateway:
        raise ConfigError(
            f"{cfg.source}: alerts.prometheus.pushgateway is not set; --push needs it"
        )
    with err_console.status("checking…") as status:
        run = run_check(cfg, repro=repro, progress=lambda m: status.update(f"{m}…"))
    snap = check_snapshot(run)
    if target is not None:
        prom.write_textfile(target, snap)
        err_console.print(
            f"[green]✓[/green] gauges written to {escape(str(target))}", soft_wrap=True
        )
    if push and pcfg.pushgateway:
        prom.push(pcfg.pushgateway, pcfg.job, snap, timeout_s=cfg.alerts.timeout_s)
        err_console.print(
            f"[green]✓[/green] pushed to {redact_url(pcfg.pushgateway)} (job {pcfg.job})",
            soft_wrap=True,
        )
    if run.no_verdict:
        say_no_verdict(run.errors)
        return 2
    return 0


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
