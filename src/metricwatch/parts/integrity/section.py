"""Section 2: version integrity — the correspondence table, the GTO stages per model, and the
checklist per version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.doc.blocks import Block, Heading, Notice, Paragraph
from metricwatch.i18n import Lang, t
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.integrity.model import INTEGRITY, IntegrityReport
from metricwatch.parts.integrity.table import (
    checklist_table,
    correspondence_table,
    orphans_table,
    stages_table,
)
from metricwatch.parts.missing import part_missing

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult


def stage_blocks(rep: IntegrityReport, lang: Lang) -> list[Block]:
    """Per model, each GTO stage and the version in it, with its release's integrity."""
    if not rep.stages:
        return []
    return [
        Heading(t("integrity.stages", lang)),
        Paragraph(t("integrity.stages_text", lang), "mw-small"),
        stages_table(rep, lang),
    ]


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(INTEGRITY)
    if rep is None:
        return part_missing(result, "integrity", lang)
    blocks: list[Block] = [Paragraph(t("integrity.rule", lang))]
    for note in rep.remarks:
        blocks.append(Notice(words_text(note, lang), "warn"))
    blocks += [Heading(t("report.correspondence", lang)), correspondence_table(rep, lang)]
    blocks += stage_blocks(rep, lang)
    blocks.append(Heading(t("report.checklist", lang)))
    for tag in rep.tags:
        when = tag.date.date().isoformat() if tag.date else "—"
        title = f"{tag.tag} — {(tag.commit or '—')[:10]} — {when}"
        if tag.unknown_count:
            title += " — " + t("integrity.unknown_count", lang, n=tag.unknown_count)
        blocks += [Heading(title, 4), checklist_table(rep, lang, tag)]
    if rep.orphans:
        blocks += [Heading(t("integrity.orphans", lang), 4), orphans_table(rep, lang)]
    return blocks
