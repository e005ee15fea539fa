"""Text forms of the integrity report for the CLI: the part's tables (parts/integrity/table.py)
fitted to the terminal, and the seed's section 2 as Markdown (the correspondence table, then a
checklist per version)."""

from __future__ import annotations

from rich.console import Console, RenderableType

from metricwatch import i18n
from metricwatch.doc.table_rich import to_rich
from metricwatch.doc.table_text import md_cell, to_markdown
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.integrity.model import IntegrityReport
from metricwatch.parts.integrity.table import (
    checklist_table,
    correspondence_table,
    orphans_table,
    stages_table,
)
from metricwatch.vocab import icon


def tables(console: Console, rep: IntegrityReport, lang: i18n.Lang = "en") -> list[RenderableType]:
    """The correspondence table, the checklist of every tag, and the orphan runs if any."""
    corr = correspondence_table(rep, lang, full_ids=True)
    out = [
        to_rich(console, i18n.t("report.correspondence", lang), corr, records=False),
        to_rich(console, i18n.t("report.checklist", lang), checklist_table(rep, lang),
                records=False, lines=True),
    ]  # fmt: skip
    if rep.stages:
        stages = stages_table(rep, lang)
        out.append(to_rich(console, i18n.t("integrity.stages", lang), stages, records=False))
    if rep.orphans:
        title = f"{i18n.t('integrity.orphans', lang)} ({rep.version_tag})"
        orphans = orphans_table(rep, lang, full_ids=True)
        out.append(to_rich(console, title, orphans, records=False))
    return out


def markdown(rep: IntegrityReport, lang: str = "en") -> str:
    """The seed's section 2: correspondence table and per-version checklist."""
    lg = i18n.lang_of(lang)
    lines = [to_markdown(correspondence_table(rep, lg, full_ids=True)).rstrip("\n")]
    for t in rep.tags:
        lines += ["", f"**{md_cell(t.tag)}** ({(t.commit or '')[:12]})", ""]
        for item in t.items:
            box = "x" if item.status == "ok" else " "
            label = i18n.label(f"integrity.item.{item.name}", lg, item.name)
            lines.append(f"- [{box}] {icon(item.status)} {label}: {md_cell(item.text(lg))}")
    if rep.stages:
        lines += ["", f"{i18n.t('integrity.stages', lg)}:", ""]
        lines += [
            f"- {md_cell(s.model)} {md_cell(s.stage)} → {md_cell(s.version or '—')} "
            f"({md_cell(s.tag)}): {icon(s.check.status)} {md_cell(s.check.text(lg))}"
            for s in rep.stages
        ]
    if rep.orphans:
        lines += ["", f"{i18n.t('integrity.orphans', lg)} ({md_cell(rep.version_tag)}):", ""]
        lines += [
            f"- {md_cell(o.run_id)} ({md_cell(o.run_name)}): {md_cell(o.version)}"
            for o in rep.orphans
        ]
    if rep.remarks:
        lines += ["", *[f"> {md_cell(words_text(n, lg))}" for n in rep.remarks]]
    return "\n".join(lines) + "\n"
