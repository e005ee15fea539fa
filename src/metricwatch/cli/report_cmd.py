"""`metricwatch report`: the deliverable, HTML + PDF, from one collection of every part."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from typer.models import OptionInfo

from metricwatch.cli.console import err_console, out_console
from metricwatch.cli.options import ConfigOpt
from metricwatch.i18n import t
from metricwatch.vocab import icon


class _SkipOption(OptionInfo):
    """`--skip`: its help names the registered parts when the command is built (not at import),
    so a part registered later is listed too."""

    @property
    def help(self) -> str:
        from metricwatch.parts.registry import skip_help

        return skip_help()

    @help.setter
    def help(self, _value: str | None) -> None:
        """OptionInfo.__init__ assigns help; this one is always derived from the registry."""


SkipOpt: Any = _SkipOption(default=[], param_decls=("--skip",))  # typer reads it as an Option


def report(
    config: Path | None = ConfigOpt,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Report folder (default: report.output)."
    ),
    renderer: str = typer.Option("auto", help="quarto | builtin | auto (Quarto when on PATH)."),
    lang: str | None = typer.Option(None, help="en | es (default: report.lang)."),
    rev: str | None = typer.Option(None, help="Revision for the reproducibility check."),
    history: bool = typer.Option(False, "--history", help="Also keep a dated copy under history/."),
    force: bool = typer.Option(
        False, "--force", help="Re-run reproducibility and evidence even when cached."
    ),
    skip: list[str] = SkipOpt,
    pdf: bool = typer.Option(
        True, "--pdf/--no-pdf", help="Also print the PDF (--no-pdf: HTML only)."
    ),
    from_result: Path | None = typer.Option(
        None,
        "--from-result",
        metavar="<path>",
        help="Render this metrics.json of an earlier report (e.g. with another --lang) "
        "instead of collecting again; records no history snapshot.",
    ),
) -> int:
    """Collect KPIs, integrity, reproducibility, drift, rules and evidence; render HTML + PDF."""
    from metricwatch.cli.evidence_cmd import missing_lines
    from metricwatch.config import load_config
    from metricwatch.errors import ConfigError
    from metricwatch.parts.registry import part_names
    from metricwatch.report.build import build_report, with_output

    if lang not in (None, "en", "es"):
        raise ConfigError(f"--lang: expected en or es, got {lang!r}")
    names = part_names()
    unknown = [s for s in skip if s not in names]
    if unknown:
        raise ConfigError(
            f"--skip: unknown part(s) {', '.join(unknown)}; valid: {', '.join(names)}"
        )
    if from_result is not None and (skip or force or rev):
        raise ConfigError(
            "--from-result renders a result already collected: --skip, --force and --rev "
            "apply only to a collection; leave them out, or drop --from-result"
        )
    cfg = with_output(load_config(config), output, lang)
    parts = [p for p in names if p not in skip]
    source = f"project {cfg.project_path}" if from_result is None else f"result {from_result}"
    err_console.print(f"metricwatch report: {escape(source)} → {escape(str(cfg.output_dir))}")
    with err_console.status("collecting" if from_result is None else "rendering") as status:
        outcome = build_report(
            cfg,
            parts=parts,
            renderer=renderer,
            history=history,
            rev=rev,
            force=force,
            pdf=pdf,
            progress=lambda msg: status.update(f"[bold]{msg}[/bold]"),
            from_result=from_result,
        )
    err_console.print(timing_table(outcome.timings))
    warn = icon("warn")
    for part, why in outcome.errors.items():
        err_console.print(f"[yellow]{warn} {escape(part)}:[/yellow] {escape(why)}", highlight=False)
    for line in missing_lines(outcome.result):
        err_console.print(f"[yellow]{warn} evidence:[/yellow] {escape(line)}", highlight=False)
    pdf_line = outcome.pdf if outcome.pdf is not None else "(not printed: --no-pdf)"
    out_console.print(f"HTML: {outcome.html}\nPDF:  {pdf_line}\nJSON: {outcome.result_path}")
    return 0


def timing_table(timings: Mapping[str, float]) -> Table:
    """Seconds per stage of the report, titled and headed from the catalogue (cli.report.*)."""
    table = Table(title=t("cli.report.timing"), show_edge=False)
    table.add_column(t("cli.report.timing.stage"))
    table.add_column(t("cli.report.timing.seconds"), justify="right")
    for stage, secs in timings.items():
        table.add_row(stage, f"{secs:.1f}")
    return table


def register(app: typer.Typer) -> None:
    app.command("report")(report)
