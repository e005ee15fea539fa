"""Section 2: version integrity — the correspondence table, the GTO stages per model, and the
checklist per version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.i18n import Lang, label, t
from metricwatch.parts.integrity.model import INTEGRITY, IntegrityReport
from metricwatch.report import html as h
from metricwatch.report.blocks import Block, Heading, Notice, Paragraph, Table, part_missing

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_COLS = ("tag", "run_id", "experiment", "status")
_CHECK_COLS = ("check", "status", "reason")
_STAGE_COLS = ("model", "stage", "version", "tag", "check")


def _cols(names: tuple[str, ...], lang: Lang) -> list[str]:
    return [t(f"integrity.col.{n}", lang) for n in names]


def stage_blocks(rep: IntegrityReport, lang: Lang) -> list[Block]:
    """Per model, each GTO stage and the version in it, with its release's integrity."""
    if not rep.stages:
        return []
    cols = [t(f"integrity.stage_col.{n}", lang) for n in _STAGE_COLS]
    rows = [
        [s.model, s.stage, s.version or "—", s.tag, h.status_badge(s.check.status, s.check.reason)]
        for s in rep.stages
    ]
    return [
        Heading(t("integrity.stages", lang)),
        Paragraph(t("integrity.stages_text", lang), "mw-small"),
        Table(cols, rows, "mw-table mw-stages"),
    ]


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(INTEGRITY)
    if rep is None:
        return part_missing(result, "integrity", lang)
    blocks: list[Block] = [Paragraph(t("integrity.rule", lang))]
    for note in rep.notes:
        blocks.append(Notice(note, "warn"))
    rows = [
        [
            c.tag,
            (c.run_id or "—")[:12],
            c.experiment or "—",
            h.status_badge(c.status, "" if c.status == "ok" else c.summary),
        ]
        for c in rep.correspondence
    ]
    blocks += [Heading(t("report.correspondence", lang)), Table(_cols(_COLS, lang), rows)]
    blocks += stage_blocks(rep, lang)
    blocks.append(Heading(t("report.checklist", lang)))
    for tag in rep.tags:
        when = tag.date.date().isoformat() if tag.date else "—"
        title = f"{tag.tag} — {(tag.commit or '—')[:10]} — {when}"
        if tag.unknown_count:
            title += " — " + t("integrity.unknown_count", lang, n=tag.unknown_count)
        items = [
            [label(f"integrity.item.{i.name}", lang, i.name), h.status_badge(i.status), i.reason]
            for i in tag.items
        ]
        blocks += [Heading(title, 4), Table(_cols(_CHECK_COLS, lang), items, "mw-table mw-check")]
    if rep.orphans:
        blocks.append(Heading(t("integrity.orphans", lang), 4))
        cols = [t(k, lang) for k in ("kpis.col.run_id", "integrity.orphan_col.run_name",
                                     "integrity.col.experiment", "integrity.orphan_col.version")]  # fmt: skip
        blocks.append(
            Table(
                cols,
                [[o.run_id[:12], o.run_name, o.experiment, o.version] for o in rep.orphans],
            )
        )
    return blocks
