"""Small HTML builders for the report. Every text goes through html.escape: user strings
(run names, params, tags, column and category names) can never become live markup. Texts longer
than a table cell (or a paragraph) can hold are cut in the middle, saying how much was cut, so a
10,000-character run name cannot stretch a table over pages."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from metricwatch.vocab import icon

CELL_MAX = 300  # characters shown in a table cell or heading
TEXT_MAX = 4000  # characters shown in a paragraph, list item or notice
WIDE_CELL = 40  # characters a column is sized for before its text wraps


@dataclass(frozen=True)
class Cell:
    text: str
    css: str = ""
    title: str = ""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def clip(text: str, limit: int = CELL_MAX) -> str:
    """text, or its head and tail around a note of how many characters were cut."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head
    return f"{text[:head]} … [{len(text) - limit:,} characters cut] … {text[len(text) - tail :]}"


def _text(value: object, limit: int) -> str:
    return esc(clip("" if value is None else str(value), limit))


def status_badge(status: str, text: str = "") -> Cell:
    return Cell(f"{icon(status)} {text}".strip(), css=f"mw-{status}")


def _cell(value: object, tag: str) -> str:
    if isinstance(value, Cell):
        attrs = f' class="{esc(value.css)}"' if value.css else ""
        attrs += f' title="{_text(value.title, TEXT_MAX)}"' if value.title else ""
        return f"<{tag}{attrs}>{_text(value.text, CELL_MAX)}</{tag}>"
    return f"<{tag}>{_text(value, CELL_MAX)}</{tag}>"


def cell_text(value: object) -> str:
    """What a cell shows, as plain text (cut like the HTML cell)."""
    return clip(value.text if isinstance(value, Cell) else "" if value is None else str(value))


def column_widths(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> list[float]:
    """Each column's share of the table width: room for its longest word, and for up to
    WIDE_CELL characters of its longest cell (longer cells wrap)."""
    texts = [[cell_text(c)] for c in columns]
    for row in rows:
        for i, value in enumerate(list(row)[: len(texts)]):
            texts[i].append(cell_text(value))
    weights = []
    for column in texts:
        word = max((len(w) for text in column for w in text.split()), default=1)
        weights.append(max(word, min(max(len(text) for text in column), WIDE_CELL), 2))
    return [w / sum(weights) for w in weights]


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    css: str = "mw-table",
    widths: Sequence[float] | None = None,
) -> str:
    """widths: fractions of the table width per column, written as a <colgroup>."""
    cols = "".join(f'<col style="width: {100 * w:.1f}%">' for w in widths or [])
    group = f"<colgroup>{cols}</colgroup>" if cols else ""
    head = "".join(_cell(c, "th") for c in columns)
    body = "".join("<tr>" + "".join(_cell(v, "td") for v in row) + "</tr>" for row in rows)
    return (
        f'<table class="{esc(css)}">{group}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def para(text: str, css: str = "") -> str:
    cls = f' class="{esc(css)}"' if css else ""
    return f"<p{cls}>{_text(text, TEXT_MAX)}</p>"


def heading(text: str, level: int = 3) -> str:
    return f"<h{level}>{_text(text, CELL_MAX)}</h{level}>"


def bullets(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{_text(i, TEXT_MAX)}</li>" for i in items) + "</ul>"


def code(text: str, lang: str = "") -> str:
    cls = f' class="language-{esc(lang)}"' if lang else ""
    return f"<pre><code{cls}>{esc(text)}</code></pre>"


def notice(text: str, status: str = "unknown") -> str:
    """A visible box saying why something is missing or failed."""
    return f'<div class="mw-notice mw-{esc(status)}">{icon(status)} {_text(text, TEXT_MAX)}</div>'
