"""`metricwatch kpis`: the KPI table per run (baseline marked) and the DVC metrics diff per tag."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import typer

from metricwatch.cli.console import err_console, out_console


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


ConfigOpt = typer.Option(
    None, "--config", "-c", help="Path of metricwatch.yaml (default: ./metricwatch.yaml)."
)
FormatOpt = typer.Option(Format.table, "--format", "-f", help="Output format.")
SinceOpt = typer.Option(
    None,
    "--since",
    help="Only runs started on/after this date (YYYY-MM-DD or ISO 8601; UTC if no zone).",
)
ExperimentOpt = typer.Option(
    None,
    "--experiment",
    "-e",
    help="Experiment name or id (repeatable; default: mlflow.experiments, else all).",
)
NoDvcOpt = typer.Option(False, "--no-dvc", help="Skip the DVC metrics across tags.")


def _parse_since(text: str | None) -> datetime | None:
    if text is None:
        return None
    from metricwatch.errors import ConfigError

    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"--since: {text!r} is not a date; use YYYY-MM-DD or ISO 8601.") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _print_table(report) -> None:
    from rich.markup import escape
    from rich.table import Table

    from metricwatch.cli.kpis_format import dvc_cells, dvc_headers, kpi_cells, kpi_headers

    # run names, tags and params are user text: "[/x]" is not console markup
    table = Table(title=escape(f"KPIs — {report.tracking_uri}"), title_justify="left")
    for h in kpi_headers(report):
        table.add_column(h, no_wrap=h in ("Date", "Run ID"))
    for row, cells in zip(report.rows, kpi_cells(report), strict=True):
        table.add_row(*map(escape, cells), style="bold" if row.is_baseline else None)
    out_console.print(table)
    if report.baseline_run_id:
        out_console.print(
            f"◆ baseline: run {report.baseline_run_id} ({report.baseline.selector})", markup=False
        )
    if report.dvc_metrics is not None:
        dvc = Table(
            title=escape(
                "DVC metrics per tag (diff against "
                f"{report.dvc_metrics.baseline_rev or 'no baseline tag'})"
            ),
            title_justify="left",
        )
        for h in dvc_headers():
            dvc.add_column(h)
        for cells in dvc_cells(report):
            dvc.add_row(*map(escape, cells))
        out_console.print(dvc)


def kpis(
    config: Path | None = ConfigOpt,
    fmt: Format = FormatOpt,
    since: str | None = SinceOpt,
    experiment: list[str] | None = ExperimentOpt,
    no_dvc: bool = NoDvcOpt,
) -> int:
    """Print the KPI table of every run (baseline marked) and the DVC metrics diff per tag."""
    from metricwatch.checks.kpis import build_kpis
    from metricwatch.cli.kpis_format import (
        dvc_cells,
        dvc_headers,
        kpi_cells,
        kpi_headers,
        to_csv,
        to_json,
        to_markdown,
    )
    from metricwatch.config import load_config
    from metricwatch.sources.mlflow_access import display_uri

    cfg = load_config(config)
    when = _parse_since(since)
    with err_console.status(f"reading runs from {display_uri(cfg)} and DVC metrics per tag…"):
        report = build_kpis(cfg, since=when, experiments=experiment or None, with_dvc=not no_dvc)
    if fmt is Format.json:
        typer.echo(to_json(report))
    elif fmt is Format.csv:
        typer.echo(
            to_csv(kpi_headers(report, full_ids=True), kpi_cells(report, full_ids=True)), nl=False
        )
    elif fmt is Format.markdown:
        md = to_markdown(kpi_headers(report), kpi_cells(report))
        if report.dvc_metrics is not None:
            md += "\n" + to_markdown(dvc_headers(), dvc_cells(report))
        typer.echo(md, nl=False)
    else:
        _print_table(report)
    for note in report.notes:
        err_console.print(f"note: {note}", style="yellow", markup=False)
    # skipped run folders are already on stderr: load_runs warns about each one
    err_console.print(
        f"{len(report.rows):,} run(s) in {', '.join(report.experiments) or 'no experiment'} "
        f"({report.deleted_excluded} deleted excluded) from {report.tracking_uri}",
        highlight=False,
    )
    return 0


def register(app: typer.Typer) -> None:
    app.command("kpis")(kpis)
