"""A `doc.table.Table` as an HTML table: every text escaped and cut to what a cell can hold
(doc.html), a cell's status as its `mw-<status>` class, its note as the hover title, the
strong rows bold, the footnotes after the table, column widths as a <colgroup>."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from metricwatch.doc.html import CELL_MAX, TEXT_MAX, clip, esc

if TYPE_CHECKING:
    from metricwatch.doc.table import Cell, Column, Table

WIDE_CELL = 40  # characters a column is sized for before its text wraps


def _text(value: str, limit: int) -> str:
    return esc(clip(value, limit))


def _attrs(css: str, title: str = "", align: str = "left") -> str:
    attrs = f' class="{esc(css)}"' if css else ""
    attrs += f' title="{_text(title, TEXT_MAX)}"' if title else ""
    return attrs + (f' style="text-align: {esc(align)}"' if align != "left" else "")


def _td(c: Cell, column: Column | None) -> str:
    css = " ".join(x for x in (c.css, f"mw-{c.status}" if c.status else "") if x)
    attrs = _attrs(css, c.note, column.align if column else "left")
    return f"<td{attrs}>{_text(c.text, CELL_MAX)}</td>"


def _th(column: Column) -> str:
    return f"<th{_attrs('', align=column.align)}>{_text(column.header, CELL_MAX)}</th>"


def column_widths(table: Table) -> list[float]:
    """Each column's share of the table width: room for its longest word, and for up to
    WIDE_CELL characters of its longest cell (longer cells wrap)."""
    texts = [[clip(h)] for h in table.headers()]
    for row in table.texts():
        for i, value in enumerate(row[: len(texts)]):
            texts[i].append(clip(value))
    weights = []
    for column in texts:
        word = max((len(w) for text in column for w in text.split()), default=1)
        weights.append(max(word, min(max(len(text) for text in column), WIDE_CELL), 2))
    return [w / sum(weights) for w in weights]


def to_html(table: Table, widths: Sequence[float] | None = None) -> str:
    """widths: fractions of the table width per column, written as a <colgroup>."""
    cols = "".join(f'<col style="width: {100 * w:.1f}%">' for w in widths or [])
    group = f"<colgroup>{cols}</colgroup>" if cols else ""
    columns = table.cols
    head = "".join(_th(c) for c in columns)
    body = ""
    for n, row in enumerate(table.cells):
        tds = "".join(_td(c, columns[i] if i < len(columns) else None) for i, c in enumerate(row))
        body += f'<tr class="mw-strong">{tds}</tr>' if n in table.strong else f"<tr>{tds}</tr>"
    notes = "".join(f'<p class="mw-small">{_text(n, TEXT_MAX)}</p>' for n in table.notes)
    return (
        f'<table class="{esc(table.css)}">{group}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>{notes}"
    )
