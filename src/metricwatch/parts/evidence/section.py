"""Section 5: evidence — the screenshots with captions and the manifest's hashes."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from metricwatch.doc.blocks import Block, Heading, Image, Notice, Paragraph
from metricwatch.doc.table import Table
from metricwatch.i18n import Lang, t
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.evidence.model import EVIDENCE, EvidenceReport
from metricwatch.parts.missing import part_missing

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_COLS = ("image", "status", "SHA-256", "source", "captured")


def provenance(rep: EvidenceReport, lang: Lang) -> str:
    """Whether the images were captured by this report or reused from an earlier one, and when."""
    when = rep.captured_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if rep.reused:
        return t("evidence.reused", lang, when=when)
    text = t("evidence.captured", lang, when=when, secs=rep.duration_s)
    return f"{text} {words_text(rep.reuse_why, lang)}" if rep.reuse_why else text


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(EVIDENCE)
    if rep is None:
        return part_missing(result, "evidence", lang)
    blocks: list[Block] = [Heading(t("report.screens", lang)), Paragraph(provenance(rep, lang))]
    blocks += [Notice(words_text(n, lang), "warn") for n in rep.remarks]
    for item in rep.items:
        shows = item.shows.text(lang)
        caption = f"{item.name} — {shows}"
        if item.status == "ok" and item.path and Path(item.path).is_file():
            blocks.append(Image(item.path, alt=shows, caption=caption, lang=lang))
        else:
            why = item.text(lang) or t("evidence.file_missing", lang)
            blocks.append(Notice(f"{caption}: {why}", "unknown"))
    rows = [
        [
            i.name,
            i.status,
            (i.sha256 or "—")[:16],
            i.source or "—",
            i.captured_at.strftime("%Y-%m-%d %H:%M:%S") if i.captured_at else "—",
        ]
        for i in rep.items
    ]
    cols = [c if c.isupper() else t(f"evidence.col.{c}", lang) for c in _COLS]
    blocks += [Heading(t("report.manifest", lang)), Table(cols, rows, "mw-table mw-small")]
    if rep.manifest_path:
        version = rep.mlflow_version or "—"
        where = t("evidence.where", lang, path=rep.manifest_path, version=version)
        blocks.append(Paragraph(where, "mw-small"))
    return blocks
