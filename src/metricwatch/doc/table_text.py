"""A `doc.table.Table` as text for files and pipes: CSV (the cells' texts, one row per line) and
a Markdown pipe table in which no cell can become markup or break the table (`<`, `>`, `&` as
entities, since Markdown renderers pass inline HTML through; backslashes and pipes escaped;
newlines as spaces)."""

from __future__ import annotations

import csv
import html
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metricwatch.doc.table import Table


def to_csv(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.headers())
    writer.writerows(table.texts())
    return buf.getvalue()


def md_cell(text: str) -> str:
    """One Markdown table cell or list item, kept as text."""
    text = html.escape(text, quote=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def to_markdown(table: Table) -> str:
    """A pipe table, then the table's notes as a quote."""
    lines = ["| " + " | ".join(map(md_cell, table.headers())) + " |"]
    lines.append("|" + "---|" * len(table.cols))
    lines += ["| " + " | ".join(map(md_cell, row)) + " |" for row in table.texts()]
    lines += [f"\n> {md_cell(n)}" for n in table.notes]
    return "\n".join(lines) + "\n"
