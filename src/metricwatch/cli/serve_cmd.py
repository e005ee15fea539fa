"""`metricwatch serve`: a Prometheus /metrics endpoint refreshed by a check every refresh_s."""

from __future__ import annotations

import signal
from pathlib import Path

import typer
from rich.markup import escape

from metricwatch.cli.console import err_console
from metricwatch.cli.options import ConfigOpt


def serve(
    config: Path | None = ConfigOpt,
    port: int | None = typer.Option(
        None, "--port", "-p", help="TCP port (default: alerts.prometheus.port, 9108)."
    ),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; 0.0.0.0 exposes it to the network."
    ),
    refresh: float | None = typer.Option(
        None, "--refresh", help="Seconds between checks (default: alerts.prometheus.refresh_s)."
    ),
    repro: bool = typer.Option(False, "--repro", help="Include the reproducibility check."),
) -> int:
    """Serve the check's gauges on http://HOST:PORT/metrics until interrupted (Ctrl-C/SIGTERM)."""
    from metricwatch.alerts.prometheus import Snapshot, check_snapshot
    from metricwatch.alerts.prometheus_serve import Exporter
    from metricwatch.config import load_config
    from metricwatch.errors import MetricwatchError, SourceUnavailableError
    from metricwatch.pipeline.check import run_check
    from metricwatch.redact import scrub

    cfg = load_config(config)
    pcfg = cfg.alerts.prometheus
    refresh_s = refresh if refresh is not None else pcfg.refresh_s
    if refresh_s <= 0:
        raise typer.BadParameter("--refresh must be > 0 seconds")

    def refresh_fn() -> Snapshot:
        run = run_check(cfg, repro=repro)
        if run.no_verdict:
            raise SourceUnavailableError(
                "; ".join(f"{k}: {v}" for k, v in run.errors.items()) or "no verdict"
            )
        return check_snapshot(run)

    def on_error(exc: BaseException) -> None:
        kind = "" if isinstance(exc, MetricwatchError) else f"{type(exc).__name__}: "
        err_console.print(
            f"[yellow]refresh failed[/yellow] (keeping the last numbers): {escape(kind + scrub(str(exc)))}",
            soft_wrap=True,
        )

    def on_refresh(_snap: Snapshot) -> None:
        err_console.print("refreshed the gauges", soft_wrap=True)

    exporter = Exporter(
        refresh_fn,
        host=host,
        port=port if port is not None else pcfg.port,
        refresh_s=refresh_s,
        on_error=on_error,
        on_refresh=on_refresh,
    )
    err_console.print("running the first check…", soft_wrap=True)
    try:
        exporter.start()
    except OSError as exc:
        raise MetricwatchError(
            f"cannot listen on {host}:{exporter.port}: {exc.strerror or exc}; choose another --port"
        ) from exc
    signal.signal(signal.SIGTERM, lambda *_: exporter.stop())
    err_console.print(
        f"[green]serving[/green] http://{host}:{exporter.port}/metrics "
        f"(refresh every {refresh_s:g} s; Ctrl-C to stop)",
        soft_wrap=True,
    )
    try:
        while not exporter.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        exporter.stop()
    err_console.print("stopped", soft_wrap=True)
    return 0


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
