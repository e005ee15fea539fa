"""Section 2: version integrity — the checklist per version and the correspondence table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.parts.integrity.model import INTEGRITY
from metricwatch.report import html as h
from metricwatch.report.blocks import Block, Heading, Notice, Paragraph, Table, part_missing
from metricwatch.report.i18n import Lang, t

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_RULE = {
    "en": "Rule: every version tag (Git/DVC) must have an associated MLflow run with the same "
    "inputs and artifacts.",
    "es": "Regla: todo tag de versión (Git/DVC) debe tener un run asociado en MLflow con las "
    "mismas entradas/artefactos.",
}
_COLS = {
    "en": ["DVC/Git Tag", "MLflow Run ID", "Experiment", "Status"],
    "es": ["DVC/Git Tag", "MLflow Run ID", "Experimento", "Estado"],
}
_CHECK_COLS = {"en": ["Check", "Status", "Reason"], "es": ["Verificación", "Estado", "Motivo"]}


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    from metricwatch.parts.integrity.model import ITEM_LABELS

    rep = result.get(INTEGRITY)
    if rep is None:
        return part_missing(result, "integrity", lang)
    blocks: list[Block] = [Paragraph(_RULE[lang])]
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
    blocks += [Heading(t("correspondence", lang)), Table(_COLS[lang], rows)]
    blocks.append(Heading(t("checklist", lang)))
    for tag in rep.tags:
        when = tag.date.date().isoformat() if tag.date else "—"
        title = f"{tag.tag} — {(tag.commit or '—')[:10]} — {when}"
        if tag.unknown_count:
            title += f" — {tag.unknown_count} unknown"
        items = [
            [ITEM_LABELS.get(i.name, {}).get(lang, i.name), h.status_badge(i.status), i.reason]
            for i in tag.items
        ]
        blocks += [Heading(title, 4), Table(_CHECK_COLS[lang], items, "mw-table mw-check")]
    if rep.orphans:
        blocks.append(Heading({"en": "Orphan runs", "es": "Runs huérfanos"}[lang], 4))
        blocks.append(
            Table(
                ["Run ID", "Run name", "Experiment", "version"],
                [[o.run_id[:12], o.run_name, o.experiment, o.version] for o in rep.orphans],
            )
        )
    return blocks
