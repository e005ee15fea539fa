"""Registry of the CLI's command modules: each module has `register(app)`.

A command imports its heavy dependencies (MLflow, DVC, pandas) inside its function, so
`metricwatch --help` stays fast and one command's import problem cannot break the others.
"""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES: tuple[str, ...] = (
    "metricwatch.cli.config_cmd",
    "metricwatch.cli.kpis_cmd",
    "metricwatch.cli.repro_cmd",
    "metricwatch.cli.drift_cmd",
    "metricwatch.cli.integrity_cmd",
    "metricwatch.cli.check_cmd",
    "metricwatch.cli.history_cmd",
    "metricwatch.cli.alert_cmd",
    "metricwatch.cli.export_cmd",
    "metricwatch.cli.serve_cmd",
    "metricwatch.cli.report_cmd",
    "metricwatch.cli.demo_cmd",
    "metricwatch.cli.init_cmd",
    "metricwatch.cli.evidence_cmd",
)


def register_all(app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
