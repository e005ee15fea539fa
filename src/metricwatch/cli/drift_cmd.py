"""`metricwatch drift`: data, label and concept drift between reference and current data.

The tables' titles, headers, verdicts, the summary lines under them and the progress lines are
the catalogue's (cli.drift.*), worded in lang: English, as the CLI prints, unless a caller asks
for another language; a reason or note the result already words is worded by the result."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from metricwatch.cli.console import err_console, out_console
from metricwatch.cli.drift_windows import matrix, summary, window_headers, window_rows
from metricwatch.cli.options import ConfigOpt
from metricwatch.i18n import Lang, t

if TYPE_CHECKING:
    from rich.table import Table

    from metricwatch.parts.drift.model import DriftReport
    from metricwatch.stats.bin_spec import BinSpec
    from metricwatch.stats.feature_drift import FeatureDrift


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _num(v: float | None, fmt: str = ".3f") -> str:
    return "—" if v is None else format(v, fmt)


def _verdict(f: FeatureDrift, lang: Lang = "en") -> str:
    from metricwatch.i18n.words import text as words_text
    from metricwatch.parts.drift.text import status_text

    if f.drifted is None:
        reason = words_text(f.why, lang) or status_text(f.status, lang)
        return t("cli.drift.no_verdict", lang, reason=reason)
    return t("cli.drift.drift" if f.drifted else "cli.drift.ok", lang)


def _nan(f: FeatureDrift) -> str:
    return f"{_num(f.nan_share_reference, '.1%')} / {_num(f.nan_share_current, '.1%')}"


def _row(f: FeatureDrift, lang: Lang = "en") -> list[str]:
    return [
        f.name,
        f.kind or "—",
        _num(f.psi),
        _num(f.kl),
        _num(f.js),
        f.test or "—",
        _num(f.p_value, ".3g"),
        _num(f.p_adjusted, ".3g"),
        _nan(f),
        _verdict(f, lang),
    ]


COLUMNS = ("feature", "kind", "psi", "kl", "js", "test", "p_value", "p_adjusted", "nan", "verdict")


def headers(lang: Lang = "en") -> list[str]:
    """The feature table's column headers (cli.drift.col.*)."""
    return [t(f"cli.drift.col.{c}", lang) for c in COLUMNS]


def _concept_lines(report: DriftReport, lang: Lang = "en") -> list[str]:
    """Concept drift's lines: its scores, or why there are none (the result's worded reason)."""
    c = report.concept
    if c is None:
        return [t("cli.drift.concept.not_computed", lang)]
    if c.status != "ok":
        status = t(f"cli.drift.concept.status.{c.status}", lang)
        reason = c.why.text(lang) if c.why else ""
        return [t("cli.drift.concept.failed", lang, status=status, reason=reason)]
    version = c.version or t("cli.drift.concept.no_version", lang)
    return [
        t("cli.drift.concept.with", lang, model=c.model_uri, run=c.run_id, version=version),
        *(
            "  "
            + t(
                "cli.drift.concept.change",
                lang,
                metric=metric,
                reference=_num(ref),
                current=_num(cur),
                change=_num(change, "+.3f"),
            )
            for metric, ref, cur, change in (
                ("RMSE", c.rmse_reference, c.rmse_current, c.rmse_change),
                ("QWK", c.qwk_reference, c.qwk_current, c.qwk_change),
            )
        ),
    ]


def _summary(report: DriftReport, lang: Lang = "en") -> list[str]:
    """The lines under the tables: dataset drift, how it was measured, windows, concept, notes."""
    from metricwatch.i18n.words import text as words_text
    from metricwatch.parts.drift import text as drift_text

    pct = report.dataset_drift_pct
    pct_text = t("cli.drift.undefined", lang) if pct is None else f"{pct:.1f} %"
    drifting = ", ".join(report.drifted_features) or t("cli.drift.none", lang)
    lines = [
        t("cli.drift.line.dataset", lang, pct=pct_text, drifting=drifting),
        t("cli.drift.line.definition", lang, text=drift_text.definition_text(report, lang)),
        t("cli.drift.line.engine", lang, engine=report.engine, mode=report.mode),
        t("cli.drift.line.binning", lang, text=drift_text.binning_text(report, lang)),
        t("cli.drift.line.smoothing", lang, text=drift_text.smoothing_text(lang)),
        t("cli.drift.line.tests", lang, text=drift_text.tests_text(report, lang)),
        t("cli.drift.line.typing", lang, text=drift_text.typing_text(lang)),
    ]
    if report.target_why:
        lines.append(t("cli.drift.line.target", lang, text=words_text(report.target_why, lang)))
    if report.windows is not None:
        lines += summary(report.windows, lang)
    notes = [t("cli.drift.line.note", lang, text=n.text(lang)) for n in report.remarks]
    return lines + _concept_lines(report, lang) + notes


def _title(report: DriftReport, lang: Lang) -> str:
    return t("cli.drift.title", lang, reference=report.reference, current=report.current)


def render_markdown(report: DriftReport, lang: Lang = "en") -> str:
    esc = lambda s: s.replace("|", "\\|")  # noqa: E731
    heads = headers(lang)
    rows = t("cli.drift.rows", lang, reference=report.n_reference, current=report.n_current)
    out = [f"## {esc(_title(report, lang))}", "", rows, ""]
    out += _md_table(heads, [_row(f, lang) for f in report.features])
    if report.target is not None:
        target = [_row(report.target, lang)]
        out += ["", t("cli.drift.target", lang), "", *_md_table(heads, target)]
    if report.windows is not None and report.windows.windows:
        by_window = f"{t('cli.drift.by_window', lang)}:"
        rows_w = window_rows(report.windows, lang)
        out += ["", by_window, "", *_md_table(window_headers(lang), rows_w)]
        grid = matrix(report.windows, lang)
        if grid is not None:
            out += ["", f"{t('cli.drift.js_matrix', lang)}:", "", *_md_table(*grid)]
    out += [""] + [f"- {line.strip()}" for line in _summary(report, lang)]
    return "\n".join(out) + "\n"


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    esc = lambda s: s.replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(map(esc, headers)) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(map(esc, r)) + " |" for r in rows]


def drift_table(report: DriftReport, lang: Lang = "en") -> Table:
    """The features (and the target) as a rich table, titled and headed in lang."""
    from rich.markup import escape
    from rich.table import Table

    # column names and categories are user text: "[bold]" or "[/x]" is not console markup
    table = Table(title=escape(_title(report, lang)))
    for h in headers(lang):
        table.add_column(h, overflow="fold")
    for f in report.features:
        style = "red" if f.drifted else "yellow" if f.drifted is None else None
        table.add_row(*map(escape, _row(f, lang)), style=style)
    if report.target is not None:
        table.add_section()
        target = report.target
        cells = [t("cli.drift.target_row", lang, name=target.name), *_row(target, lang)[1:]]
        table.add_row(*map(escape, cells), style="red" if target.drifted else None)
    return table


def _print_table(report: DriftReport) -> None:
    out_console.print(drift_table(report))
    if report.windows is not None and report.windows.windows:
        _print_grid(t("cli.drift.by_window"), window_headers(), window_rows(report.windows))
        grid = matrix(report.windows)
        if grid is not None:
            _print_grid(t("cli.drift.js_matrix"), *grid)
    for line in _summary(report):
        out_console.print(line, markup=False)


def _print_grid(title: str, headers: list[str], rows: list[list[str]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title))
    for h in headers:
        table.add_column(escape(h), overflow="fold")
    for r in rows:
        table.add_row(*map(escape, r))
    out_console.print(table)


ReferenceOpt = typer.Option(
    None, "--reference", help="Reference data: PATH or PATH@REV (default: drift.reference)."
)
CurrentOpt = typer.Option(
    None, "--current", help="Current data: PATH or PATH@REV (default: drift.current)."
)
FormatOpt = typer.Option(Format.table, "--format", "-f", help="Output format.")
ModelRunOpt = typer.Option(
    None,
    "--model-run",
    help="Run id or version tag value of the model for concept drift (default: the baseline).",
)
NoConceptOpt = typer.Option(False, "--no-concept", help="Skip concept drift.")
FiguresOpt = typer.Option(
    None, "--figures", help="Write the drift figures (one HTML page) to this file."
)
FreezeOpt = typer.Option(
    None,
    "--freeze",
    help="Freeze the reference's bins and counts into this bin spec file (JSON) and exit; "
    "use it with drift.bin_spec.",
)
EngineOpt = typer.Option(None, "--engine", help="Counting engine (default: drift.engine).")


class Engine(StrEnum):
    local = "local"
    spark = "spark"


def drift(
    config: Path | None = ConfigOpt,
    reference: str | None = ReferenceOpt,
    current: str | None = CurrentOpt,
    fmt: Format = FormatOpt,
    model_run: str | None = ModelRunOpt,
    no_concept: bool = NoConceptOpt,
    figures: Path | None = FiguresOpt,
    freeze: Path | None = FreezeOpt,
    engine: Engine | None = EngineOpt,
) -> int:
    """PSI, KL and JS per feature, label drift, dataset drift %, drift by time window and concept
    drift; --freeze writes a bin spec."""
    from metricwatch.config import load_config
    from metricwatch.parts.contract import Loaded
    from metricwatch.parts.drift.collect import run_drift
    from metricwatch.pipeline.runs import load_runs_once
    from metricwatch.sources.mlflow_runs import RunSet

    cfg = load_config(config)
    if engine is not None:
        cfg = _with_engine(cfg, engine.value)
    if freeze is not None:
        return _freeze(cfg, freeze, reference)
    # the MLflow runs only when a model will be scored (a target, the local engine)
    scored = not no_concept and cfg.drift.target is not None and cfg.drift.engine == "local"
    runs = load_runs_once(cfg) if scored else Loaded[RunSet](reason="no model is scored")
    with err_console.status(t("cli.drift.comparing", engine=cfg.drift.engine)):
        report = run_drift(
            cfg, reference, current, model_run=model_run, concept=not no_concept, runs=runs
        )
    if fmt is Format.json:
        typer.echo(report.model_dump_json(indent=2))
    elif fmt is Format.markdown:
        out_console.print(render_markdown(report), markup=False, end="")
    else:
        _print_table(report)
    if figures is not None:
        from metricwatch.parts.drift import text as drift_text
        from metricwatch.parts.drift.figures import write_html

        page = write_html(report, figures, drift_text.definition_text(report))
        err_console.print(t("cli.drift.figures_written", path=page), soft_wrap=True)
    if report.dataset_drift_pct is None:
        err_console.print(f"[yellow]{t('cli.drift.nothing_compared')}[/yellow]")
        return 2
    return 0


def _with_engine(cfg, engine: str):
    return cfg.model_copy(update={"drift": cfg.drift.model_copy(update={"engine": engine})})


def _freeze(cfg, dest: Path, reference: str | None) -> int:
    from metricwatch.parts.drift.collect import freeze_spec

    with err_console.status(t("cli.drift.freezing", engine=cfg.drift.engine)):
        spec = freeze_spec(cfg, dest, reference)
    err_console.print(frozen_text(spec, dest), markup=False, soft_wrap=True)
    return 0


def frozen_text(spec: BinSpec, dest: Path, lang: Lang = "en") -> str:
    """What --freeze wrote: the spec's file and hash, its columns, and how to use it."""
    binned = [c.name for c in spec.columns if c.kind != "skip"]
    skipped = [c.name for c in spec.columns if c.kind == "skip"]
    text = t("cli.drift.frozen", lang, dest=dest, hash=spec.hash, n=len(binned))
    if skipped:
        text += t("cli.drift.frozen.skipped", lang, n=len(skipped), names=", ".join(skipped))
    if spec.target is not None:
        text += t("cli.drift.frozen.target", lang, name=spec.target.name)
    rows = f"{spec.reference.n_rows:,}"
    return text + t(
        "cli.drift.frozen.reference", lang, label=spec.reference.label, rows=rows, dest=dest
    )


def register(app: typer.Typer) -> None:
    app.command("drift")(drift)
