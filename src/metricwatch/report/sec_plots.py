"""Appendix B's drawings: each plot of dvc.yaml at the baseline tag and the newest release.

One side-by-side figure per plot id (render.plot_pair: the declared template and x/y, images as
they are), what `dvc plots diff BASE NEWEST` shows. A revision that could not be read, or a plot
missing at one side, is a notice and a side saying why; every note is worded in the report's
language from the reason codes the result stores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.doc.blocks import Block, Figure, Heading, Notice, Paragraph
from metricwatch.i18n import Lang, t
from metricwatch.sources.dvc_plots import PlotsAcross, PlotSpec, RevPlots

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult


def _side(rev: RevPlots, plot_id: str, lang: Lang) -> tuple[PlotSpec | str, list[str]]:
    """The plot at rev, or why it is not there; and its notes in lang."""
    if rev.status != "ok":
        reason = rev.reason_in(lang) or ""
        return reason, [reason]
    plot = rev.plot(plot_id)
    if plot is None:
        reason = t("plots.file.missing", lang, path=plot_id, rev=rev.rev)
        return reason, [reason]
    notes = [plot.error] if plot.error else []
    notes += [n for f in plot.files if (n := f.note_in(lang))]
    return plot, notes


def _figure(across: PlotsAcross, plot_id: str, labels: list[str], lang: Lang) -> Figure:
    from metricwatch.render.plot_pair import side_by_side

    (left, left_notes), (right, right_notes) = (_side(r, plot_id, lang) for r in across.revs)
    fig = side_by_side((labels[0], left), (labels[1], right), notes=(left_notes, right_notes))
    alt = t("plots.alt", lang, plot=plot_id, left=labels[0], right=labels[1])
    return Figure(fig, alt=alt)


def plots_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    """The heading, then one figure per plot, or a notice saying why there are none."""
    across = result.plots
    if across is None:
        return []
    blocks: list[Block] = [Heading(t("plots.heading", lang))]
    if across.why or len(across.revs) != 2:
        return [*blocks, Notice(across.reason_in(lang) or "", "unknown")]
    base, newest = across.revs
    labels = [
        t(f"plots.role.{role}", lang, rev=r.rev)
        for role, r in zip(across.roles, across.revs, strict=True)
    ]
    blocks.append(Paragraph(t("plots.intro", lang, base=base.rev, newest=newest.rev)))
    unread = [r for r in across.revs if r.status != "ok"]
    blocks += [
        Notice(r.reason_in(lang) or "", "unknown") for r in {r.rev: r for r in unread}.values()
    ]
    ids = across.plot_ids()
    if not ids:
        revs = ", ".join(dict.fromkeys(r.rev for r in across.revs))
        return [*blocks, Notice(t("plots.no_plots", lang, revs=revs), "warn")]
    return blocks + [_figure(across, plot_id, labels, lang) for plot_id in ids]
