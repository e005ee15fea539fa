"""The integrity tables, built once for the report's section 2 and `metricwatch integrity`
(terminal and Markdown): the correspondence table (tag ↔ MLflow run, one status per tag), the
checklist (one row per item, for one tag or for all), the GTO stages (the version in each
stage, with its release's verdict), and the orphan runs.

A tag's status is its verdict: ❓ when it fails nothing but some items could not be checked, with
how many are unknown; its first failing reason follows the glyph. The report cuts run ids to 12
characters (the full id on hover); the CLI shows them whole.
"""

from __future__ import annotations

from metricwatch.doc.table import Cell, Column, Table, status_badge
from metricwatch.i18n import Lang, label, t
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.integrity.model import IntegrityReport, TagIntegrity

MISSING = "—"


def _cols(keys: tuple[str, ...], lang: Lang) -> list[Column]:
    return [Column(t(f"integrity.col.{k}", lang), key=k) for k in keys]


def _run_id(run_id: str | None, full: bool) -> Cell:
    if not run_id:
        return Cell(MISSING)
    return Cell(run_id if full else run_id[:12], note="" if full else run_id)


def tag_status(tag: TagIntegrity, lang: Lang) -> Cell:
    """The tag's verdict glyph, its first reason unless ok, and how many items are unknown."""
    status = tag.verdict
    text = "" if status == "ok" else words_text(tag.why, lang)
    if tag.unknown_count and status != "unknown":
        text += f" ({t('integrity.unknown_count', lang, n=tag.unknown_count)})"
    return status_badge(status, text.strip())


def correspondence_table(rep: IntegrityReport, lang: Lang, *, full_ids: bool = False) -> Table:
    rows = [
        [tag.tag, _run_id(tag.run_id, full_ids), tag.experiment or MISSING, tag_status(tag, lang)]
        for tag in rep.tags
    ]
    return Table(_cols(("tag", "run_id", "experiment", "status"), lang), rows)


def checklist_table(rep: IntegrityReport, lang: Lang, tag: TagIntegrity | None = None) -> Table:
    """The items of one tag, or of every tag with the tag named on its first row."""
    tags = [tag] if tag is not None else rep.tags
    keys = (
        ("check", "status", "reason") if tag is not None else ("tag", "check", "status", "reason")
    )
    rows: list[list[object]] = []
    for tg in tags:
        for n, item in enumerate(tg.items):
            lead = [] if tag is not None else [tg.tag if n == 0 else ""]
            name = label(f"integrity.item.{item.name}", lang, item.name)
            rows.append([*lead, name, status_badge(item.status), item.text(lang)])
    return Table(_cols(keys, lang), rows, "mw-table mw-check")


def orphans_table(rep: IntegrityReport, lang: Lang, *, full_ids: bool = False) -> Table:
    """Runs whose version tag names no git tag."""
    keys = ("kpis.col.run_id", "integrity.orphan_col.run_name", "integrity.col.experiment",
            "integrity.orphan_col.version")  # fmt: skip
    rows = [[_run_id(o.run_id, full_ids), o.run_name, o.experiment, o.version] for o in rep.orphans]
    return Table([t(k, lang) for k in keys], rows)


def stages_table(rep: IntegrityReport, lang: Lang) -> Table:
    """GTO stages: per model, each stage, the version in it and its release's integrity."""
    keys = ("model", "stage", "version", "tag", "check")
    rows = [
        [
            s.model,
            s.stage,
            s.version or MISSING,
            s.tag,
            status_badge(s.check.status, s.check.text(lang)),
        ]
        for s in rep.stages
    ]
    cols = [Column(t(f"integrity.stage_col.{k}", lang), key=k) for k in keys]
    return Table(cols, rows, "mw-table mw-stages")
