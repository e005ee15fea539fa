"""The command-line options every command shares, declared once (the same flag, the same help)."""

from __future__ import annotations

import typer

ConfigOpt = typer.Option(
    None, "--config", "-c", help="Path of metricwatch.yaml (default: ./metricwatch.yaml)."
)
