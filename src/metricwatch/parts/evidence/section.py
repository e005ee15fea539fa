"""Section 5: evidence — the screenshots with captions and the manifest's hashes."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from metricwatch.parts.evidence.model import EVIDENCE, EvidenceReport
from metricwatch.report.blocks import Block, Heading, Image, Notice, Paragraph, Table, part_missing
from metricwatch.report.i18n import Lang, t

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_CAPTURED = {
    "en": "Images captured now ({when} UTC, {secs:.0f} s).",
    "es": "Capturas tomadas ahora ({when} UTC, {secs:.0f} s).",
}
_REUSED = {
    "en": "Images reused from the capture of {when} UTC: the tracking store, the pages, the "
    "terminal output, the config and the tool and browser versions are unchanged since "
    "(`metricwatch report --force` captures them again).",
    "es": "Capturas reutilizadas de la toma del {when} UTC: el tracking store, las páginas, la "
    "salida de terminal, la configuración y las versiones de las herramientas y del navegador "
    "no han cambiado desde entonces (`metricwatch report --force` las vuelve a tomar).",
}


def provenance(rep: EvidenceReport, lang: Lang) -> str:
    """Whether the images were captured by this report or reused from an earlier one, and when."""
    when = rep.captured_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if rep.reused:
        return _REUSED[lang].format(when=when)
    text = _CAPTURED[lang].format(when=when, secs=rep.duration_s)
    return f"{text} {rep.reuse_note}" if rep.reuse_note else text


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(EVIDENCE)
    if rep is None:
        return part_missing(result, "evidence", lang)
    blocks: list[Block] = [Heading(t("screens", lang)), Paragraph(provenance(rep, lang))]
    blocks += [Notice(n, "warn") for n in rep.notes]
    for item in rep.items:
        caption = f"{item.name} — {item.shows}"
        if item.status == "ok" and item.path and Path(item.path).is_file():
            blocks.append(Image(item.path, alt=item.shows, caption=caption))
        else:
            why = item.reason or "image file missing"
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
    cols = ["Image", "Status", "SHA-256", "URL / command", "Captured"]
    blocks += [Heading(t("manifest", lang)), Table(cols, rows, "mw-table mw-small")]
    if rep.manifest_path:
        where = f"manifest: {rep.manifest_path}; MLflow {rep.mlflow_version or '—'}"
        blocks.append(Paragraph(where, "mw-small"))
    return blocks
