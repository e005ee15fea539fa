"""`metricwatch config check`: validate metricwatch.yaml and print the resolved config."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from metricwatch.cli.console import err_console, out_console
from metricwatch.cli.options import ConfigOpt

config_app = typer.Typer(help="Inspect metricwatch.yaml.", no_args_is_help=True)


@config_app.command("check")
def check(config: Path | None = ConfigOpt) -> int:
    """Validate the config and print it resolved, with secrets redacted."""
    from metricwatch.config import load_config
    from metricwatch.errors import ConfigError
    from metricwatch.sources.store_presence import missing_store
    from metricwatch.sources.views import MlflowSource

    cfg = load_config(config)
    data = cfg.redacted()
    data["project"]["path"] = str(cfg.project_path)
    data["report"]["output"] = str(cfg.output_dir)
    try:
        data["mlflow"]["resolved_tracking_uri"] = cfg.redacted_tracking_uri()
    except ConfigError as exc:  # an unset URI is reported, not fatal for `config check`
        data["mlflow"]["resolved_tracking_uri"] = f"unset: {exc}"
    out_console.print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), end="")
    gone = missing_store(MlflowSource.of(cfg))
    if gone is not None:  # not a config error: the parts that need no MLflow still run
        err_console.print(f"note: {gone.message}", markup=False, soft_wrap=True)
    err_console.print(f"[green]✓[/green] {cfg.source} is valid")
    return 0


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
