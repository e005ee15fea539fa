"""Text forms of the integrity report for the CLI: rich tables and a Markdown section."""

from __future__ import annotations

import html

from rich.markup import escape
from rich.table import Table

from metricwatch import i18n
from metricwatch.parts.integrity.model import IntegrityReport
from metricwatch.vocab import icon


def status_text(status: str, summary: str, unknown: int) -> str:
    """A tag's cell: its verdict icon (❓ when it fails nothing but some checks could not be
    made), the first reason, and how many items are unknown."""
    if status == "warn" and unknown:
        status = "unknown"
    extra = f" ({unknown} unknown)" if unknown and status != "unknown" else ""
    if status == "ok":
        return f"{icon(status)}{extra}"
    return f"{icon(status)} {summary}{extra}"


def correspondence_table(rep: IntegrityReport) -> Table:
    table = Table(title="Tag ↔ MLflow run", title_justify="left")
    for col in ("Tag", "MLflow Run ID", "Experiment", "Status"):
        table.add_column(col, overflow="fold")
    for t in rep.tags:
        table.add_row(
            escape(t.tag),
            escape(t.run_id or "—"),
            escape(t.experiment or "—"),
            escape(status_text(t.status, t.summary, t.unknown_count)),
        )
    return table


def checklist_table(rep: IntegrityReport) -> Table:
    table = Table(title="Checklist per version", title_justify="left", show_lines=True)
    table.add_column("Tag", overflow="fold")
    table.add_column("Check")
    table.add_column("", width=2)
    table.add_column("Reason", overflow="fold")
    for t in rep.tags:
        for n, item in enumerate(t.items):
            table.add_row(
                escape(t.tag) if n == 0 else "",
                i18n.label(f"integrity.item.{item.name}", "en", item.name),
                icon(item.status),
                escape(item.reason),
            )
    return table


def stages_table(rep: IntegrityReport) -> Table:
    """GTO stages: per model, each stage, the version in it and its release's integrity."""
    table = Table(title="GTO stages (the version in prod must be ✅)", title_justify="left")
    for col in ("Model", "Stage", "Version", "Stage tag", "", "Integrity of its release"):
        table.add_column(col, overflow="fold")
    for s in rep.stages:
        table.add_row(
            escape(s.model),
            escape(s.stage),
            escape(s.version or "—"),
            escape(s.tag),
            icon(s.check.status),
            escape(s.check.reason),
        )
    return table


def orphans_table(rep: IntegrityReport) -> Table:
    table = Table(title=f"Orphan runs ({rep.version_tag} names no git tag)", title_justify="left")
    for col in ("Run ID", "Run name", "Experiment", rep.version_tag):
        table.add_column(col, overflow="fold")
    for o in rep.orphans:
        table.add_row(escape(o.run_id), escape(o.run_name), escape(o.experiment), escape(o.version))
    return table


def _cell(text: str) -> str:
    """One Markdown table cell / list item: pipes and backslashes escaped, and `<`, `>`, `&` as
    entities, since Markdown renderers pass inline HTML through (a tag named `v<b>9`)."""
    text = html.escape(text, quote=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown(rep: IntegrityReport, lang: str = "en") -> str:
    """The seed's section 2: correspondence table and per-version checklist."""
    lines = [
        "| DVC/Git Tag | MLflow Run ID | Experiment | Status |",
        "|---|---|---|---|",
    ]
    for t in rep.tags:
        lines.append(
            f"| {_cell(t.tag)} | {_cell(t.run_id or '—')} | {_cell(t.experiment or '—')} | "
            f"{_cell(status_text(t.status, t.summary, t.unknown_count))} |"
        )
    for t in rep.tags:
        lines += ["", f"**{_cell(t.tag)}** ({(t.commit or '')[:12]})", ""]
        for item in t.items:
            box = "x" if item.status == "ok" else " "
            label = i18n.label(f"integrity.item.{item.name}", i18n.lang_of(lang), item.name)
            lines.append(f"- [{box}] {icon(item.status)} {label}: {_cell(item.reason)}")
    if rep.stages:
        lines += ["", "GTO stages:", ""]
        lines += [
            f"- {_cell(s.model)} {_cell(s.stage)} → {_cell(s.version or '—')} "
            f"({_cell(s.tag)}): {icon(s.check.status)} {_cell(s.check.reason)}"
            for s in rep.stages
        ]
    if rep.orphans:
        lines += ["", f"Orphan runs ({rep.version_tag} names no git tag):", ""]
        lines += [
            f"- {_cell(o.run_id)} ({_cell(o.run_name)}): {_cell(o.version)}" for o in rep.orphans
        ]
    if rep.notes:
        lines += ["", *[f"> {_cell(n)}" for n in rep.notes]]
    return "\n".join(lines) + "\n"
