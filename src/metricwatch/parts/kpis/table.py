"""The KPI table, built once for every output: the report's section 1 (`view="report"`), the
terminal and Markdown of `metricwatch kpis` (`"cli"`) and its CSV (`"csv"`, with full run ids).

One row per run, baseline marked with vocab.BASELINE_MARK and shown strong, one column per KPI of
`mlflow.metrics` (in the config's order). A value breaching a rule carries the rule's severity as
its status, vocab.BREACH_MARK and the rule's message and action as its note; a NaN/±inf value is
unknown. The views differ only in their columns: the report marks the baseline in the run name and
leaves out stage, MLflow status and the extra metrics; the CLI gives the mark a column of its own.
The registered model versions and aliases behind runs are a column when the registry has any.
The words come from the catalogue; the CLI's headers are the stable ones its CSV has always had.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from metricwatch.doc.table import Cell, Column, Table
from metricwatch.i18n import Lang, label, t
from metricwatch.vocab import BASELINE_MARK, BREACH_MARK

if TYPE_CHECKING:
    from metricwatch.parts.kpis.collect import KpiReport, KpiRow
    from metricwatch.rules_model import Flag

View = Literal["report", "cli", "csv"]
MISSING = "—"


def metric_label(metric: str, lang: Lang, view: View = "report") -> str:
    """A KPI's column and chart title: the catalogue's label, else its name in mlflow.metrics."""
    if view != "report":
        return label(f"kpis.cli_label.{metric}", lang, label(f"kpis.label.{metric}", lang, metric))
    return label(f"kpis.label.{metric}", lang, metric)


def _header(key: str, lang: Lang, view: View) -> str:
    if view != "report":
        return label(f"kpis.cli_col.{key}", lang, t(f"kpis.col.{key}", lang))
    return t(f"kpis.col.{key}", lang)


def breaches(flags: Iterable[Flag]) -> dict[tuple[str, str], Flag]:
    """(run_id, metric) → the worst breached flag on it."""
    worst: dict[tuple[str, str], Flag] = {}
    for f in flags:
        if f.breached and f.run_id:
            key = (f.run_id, f.metric)
            if key not in worst or f.severity == "fail":
                worst[key] = f
    return worst


def _value(row: KpiRow, metric: str, worst: dict[tuple[str, str], Flag], lang: Lang) -> Cell:
    mv = row.values.get(metric)
    text = mv.display if mv is not None else MISSING
    flag = worst.get((row.run_id, metric))
    if flag is not None:
        note = f"{flag.message} → {flag.action}"
        return Cell(f"{text} {BREACH_MARK}", status=flag.severity, note=note)
    if mv is not None and mv.state not in ("ok", "missing"):
        return Cell(text, status="unknown", note=t("kpis.value_state", lang, state=mv.state))
    return Cell(text)


def _columns(rep: KpiReport, lang: Lang, view: View, registered: bool) -> list[Column]:
    def col(key: str, no_wrap: bool = False) -> Column:
        return Column(_header(key, lang, view), key=key, no_wrap=no_wrap)

    ids = [col("run_id", no_wrap=True)]
    if view == "csv":
        ids.append(col("run_id_full"))
    cols = [col("date", no_wrap=True), col("run_name"), *ids, col("version")]
    cols += [] if view == "report" else [col("stage")]
    cols += [Column(metric_label(m, lang, view), key=m) for m in rep.columns]
    cols.append(col("params_hash"))
    if view != "report":
        cols += [col("status"), col("baseline")]
    if registered:
        cols.append(col("registered"))
    if view != "report":
        cols += [Column(c, key=f"extra.{c}") for c in rep.extra_columns]
    return cols


def _row(
    r: KpiRow,
    rep: KpiReport,
    worst: dict[tuple[str, str], Flag],
    lang: Lang,
    view: View,
    registered: bool,
) -> list[object]:
    name = r.run_name or MISSING
    if view == "report" and r.is_baseline:
        name = t("kpis.baseline_mark", lang, name=r.run_name, mark=BASELINE_MARK)
    ids: list[object] = [Cell(r.run_id_short, note=r.run_id)]
    ids += [r.run_id] if view == "csv" else []
    cells: list[object] = [r.date, Cell(name, css="mw-baseline" if r.is_baseline else "")]
    cells += [*ids, r.version or MISSING]
    cells += [] if view == "report" else [r.stage or MISSING]
    cells += [_value(r, m, worst, lang) for m in rep.columns]
    cells.append(r.params_hash or MISSING)
    if view != "report":
        mark = t("kpis.baseline_word", lang, mark=BASELINE_MARK) if r.is_baseline else ""
        cells += [r.status, mark]
    if registered:
        cells.append("; ".join(m.text for m in r.registered) or MISSING)
    if view != "report":
        cells += [r.extra[c].display if c in r.extra else MISSING for c in rep.extra_columns]
    return cells


def kpi_table(
    rep: KpiReport, lang: Lang, *, flags: Iterable[Flag] = (), view: View = "report"
) -> Table:
    """The runs table of `rep` in one view; `flags`: the evaluated rules (breaches marked)."""
    worst = breaches(flags)
    # the registered-model column, only when some run is behind a registered version (decided
    # once for the table, not per row)
    registered = any(r.registered for r in rep.rows)
    return Table(
        _columns(rep, lang, view, registered),
        [_row(r, rep, worst, lang, view, registered) for r in rep.rows],
        "mw-table mw-kpis",
        strong=frozenset(n for n, r in enumerate(rep.rows) if r.is_baseline),
    )
