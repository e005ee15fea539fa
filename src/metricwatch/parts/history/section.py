"""The History section: the report over time, from the history part's stored renders and this
render's evaluated result (report_view.py).

With two renders or more: what changed since the last render (new and resolved breaches, release
tags whose integrity status changed, new release tags, the reproducibility verdict when it
changed), then the candidate's KPIs and the dataset drift % at each render (a plot and a table).
With one render: one sentence saying history starts with the next. History that is off, or a
database that could not be read, is one sentence saying so (the report itself goes on).
`summary_line` is the page-1 summary's line of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.doc.blocks import Block, Bullets, Figure, Heading, Notice, Paragraph
from metricwatch.doc.table import Table
from metricwatch.i18n import Lang, t
from metricwatch.parts.history.plot import DRIFT, history_figure, plotted
from metricwatch.parts.history.report_view import ReportHistory, history_of
from metricwatch.parts.history.view import HistoryPoint, HistoryView
from metricwatch.parts.history.words import since_bullets, since_summary, when
from metricwatch.vocab import icon

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult


def series(result: MonitoringResult, view: HistoryView) -> list[str]:
    """The KPIs in the config's order (then any other the renders recorded), and the drift %."""
    from metricwatch.parts.kpis.section import kpi_columns

    configured = kpi_columns(result)
    seen = sorted({m for p in view.points for m in p.kpis} - set(configured))
    return [*configured, *seen, DRIFT]


def _titles(names: list[str], lang: Lang) -> dict[str, str]:
    from metricwatch.parts.kpis.table import metric_label

    return {n: t("history.drift_pct", lang) if n == DRIFT else metric_label(n, lang) for n in names}


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def points_table(view: HistoryView, names: list[str], titles: dict[str, str], lang: Lang) -> Table:
    head = [t(f"history.col.{c}", lang) for c in ("render", "commit", "candidate")]
    head += [titles[n] for n in names] + [t("history.col.breaches", lang)]
    rows: list[list[object]] = []
    last = len(view.points) - 1
    for p in view.points:
        stamp = p.taken_at.strftime("%Y-%m-%d %H:%M")  # the note says UTC
        cells: list[object] = [stamp, (p.commit or "—")[:8], p.candidate or "—"]
        cells += [_num(p.dataset_drift_pct if n == DRIFT else p.kpis.get(n)) for n in names]
        cells.append(f"{p.breaches} ({p.breaches_fail} {icon('fail')})" if p.breaches else "0")
        rows.append(cells)
    # this report's row is the strong one, said in a note (a suffix on its date widened the
    # table past the PDF's right margin)
    note = [t("history.this_report_row", lang)] if rows else []
    return Table(head, rows, "mw-table mw-small", notes=note, strong=frozenset({last}))


def _unshown(rh: ReportHistory | None, lang: Lang) -> list[Block] | None:
    """The one sentence for a report without history to show (None: there is some); a result
    without the history part gets no section from the report (notebook.py), a direct caller
    gets this sentence."""
    if rh is None:
        return [Paragraph(t("history.no_data", lang))]
    if not rh.enabled:
        return [Paragraph(t("history.disabled", lang))]
    if rh.problem is not None or rh.view is None:
        key = f"history.problem.{rh.problem or 'internal'}"
        return [Notice(t(key, lang, path=rh.path), "unknown")]
    if not rh.view.has_history:
        return [Paragraph(t("history.first", lang, path=rh.path))]
    return None


def _trend_blocks(result: MonitoringResult, view: HistoryView, lang: Lang) -> list[Block]:
    names = series(result, view)
    titles = _titles(names, lang)
    shown = plotted(view.points, names)
    blocks: list[Block] = [Heading(t("history.trends", lang))]
    fig = history_figure(view.points, names, titles)
    if fig is not None:
        blocks.append(Figure(fig, alt=t("history.plot_alt", lang, n=len(view.points))))
    blocks.append(points_table(view, shown, titles, lang))
    return blocks


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rh = history_of(result)
    unshown = _unshown(rh, lang)
    if unshown is not None:
        return unshown
    assert rh is not None and rh.view is not None and rh.view.since_last is not None
    view, diff = rh.view, rh.view.since_last
    first: HistoryPoint = view.points[0]
    lead = t("history.lead", lang, n=len(view.points), first=when(first.taken_at), path=rh.path)
    blocks: list[Block] = [Paragraph(lead, "mw-small")]
    seen = view.tags_first_seen()
    if seen:
        items = ", ".join(f"{tag} ({when(at)})" for tag, at in seen)
        blocks.append(Paragraph(t("history.tags_seen", lang, items=items)))
    blocks.append(Heading(t("history.since", lang, date=when(diff.previous_at))))
    bullets = since_bullets(diff, lang)
    blocks.append(Bullets(tuple(bullets)) if bullets else Paragraph(t("history.nothing", lang)))
    return blocks + _trend_blocks(result, view, lang)


def summary_line(result: MonitoringResult, lang: Lang) -> str | None:
    """The page-1 line: changes since the last render, or why there is no history yet; None
    when history is off or the result carries none."""
    rh = history_of(result)
    if rh is None or not rh.enabled:
        return None
    if rh.view is None:
        return t("history.sum.unavailable", lang)
    if rh.view.since_last is None:
        return t("history.sum.first", lang)
    return since_summary(rh.view.since_last, lang)
