"""`metricwatch kpis`: the KPI table per run (baseline marked) and the DVC metrics diff per tag."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import typer

from metricwatch.cli.console import err_console, out_console
from metricwatch.cli.options import ConfigOpt
from metricwatch.i18n import Lang, t
from metricwatch.vocab import BASELINE_MARK

LANG: Lang = "en"  # the CLI speaks English; its words are the catalogue's (cli.kpis.*)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


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
    """The KPI and DVC tables, readable at any width (doc.table_rich); user text is never markup."""
    from metricwatch.doc.table_rich import to_rich
    from metricwatch.parts.kpis.dvc_table import dvc_table
    from metricwatch.parts.kpis.table import kpi_table

    table, dropped = kpi_table(report, LANG, view="cli").without_empty(
        keep=("date", "run_name", "run_id")
    )
    lead = ("run_name", "run_id", "date", "status", "baseline")
    title = t("cli.kpis.title", LANG, uri=report.tracking_uri)
    out_console.print(to_rich(out_console, title, table, lead=lead), soft_wrap=False)
    if dropped and report.rows:  # wrapped at the width, like the table
        said = t("cli.kpis.dropped", LANG, columns=", ".join(dropped))
        out_console.print(said, markup=False, soft_wrap=False)
    if report.baseline_run_id:
        said = t("cli.kpis.baseline", LANG, mark=BASELINE_MARK, run_id=report.baseline_run_id,
                 selector=report.baseline.selector)  # fmt: skip
        out_console.print(said, markup=False, soft_wrap=False)
    if report.dvc_metrics is not None:
        rev = report.dvc_metrics.baseline_rev or t("cli.kpis.no_baseline_tag", LANG)
        title = t("cli.kpis.dvc_title", LANG, rev=rev)
        dvc = dvc_table(report.dvc_metrics, LANG, view="cli")
        out_console.print(
            to_rich(out_console, title, dvc, lead=("rev", "file", "key")), soft_wrap=False
        )


def kpis(
    config: Path | None = ConfigOpt,
    fmt: Format = FormatOpt,
    since: str | None = SinceOpt,
    experiment: list[str] | None = ExperimentOpt,
    no_dvc: bool = NoDvcOpt,
) -> int:
    """Print the KPI table of every run (baseline marked) and the DVC metrics diff per tag."""
    from metricwatch.config import load_config
    from metricwatch.doc.table_text import to_csv, to_markdown
    from metricwatch.errors import SourceError
    from metricwatch.parts.kpis.collect import build_kpis
    from metricwatch.parts.kpis.dvc_table import dvc_table
    from metricwatch.parts.kpis.table import kpi_table
    from metricwatch.sources.mlflow_access import display_uri
    from metricwatch.sources.store_presence import missing_store
    from metricwatch.sources.views import MlflowSource

    cfg = load_config(config)
    source = MlflowSource.of(cfg)
    missing = missing_store(source)
    if missing is not None:  # say why, with the fix, before MLflow is asked anything
        raise SourceError(missing.message)
    when = _parse_since(since)
    with err_console.status(f"reading runs from {display_uri(source)} and DVC metrics per tag…"):
        report = build_kpis(cfg, since=when, experiments=experiment or None, with_dvc=not no_dvc)
    if fmt is Format.json:
        data = report.model_dump(mode="json")
        typer.echo(json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False))
    elif fmt is Format.csv:
        typer.echo(to_csv(kpi_table(report, "en", view="csv")), nl=False)
    elif fmt is Format.markdown:
        md = to_markdown(kpi_table(report, "en", view="cli"))
        if report.dvc_metrics is not None:
            md += "\n" + to_markdown(dvc_table(report.dvc_metrics, "en", view="cli"))
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
