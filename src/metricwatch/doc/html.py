"""Small HTML builders for the report (tables: doc.table_html). Every text goes through html.escape: user strings
(run names, params, tags, column and category names) can never become live markup. Texts longer
than a table cell (or a paragraph) can hold are cut in the middle, saying how much was cut, so a
10,000-character run name cannot stretch a table over pages."""

from __future__ import annotations

import html
from collections.abc import Iterable

from metricwatch.vocab import icon

CELL_MAX = 300  # characters shown in a table cell or heading
TEXT_MAX = 4000  # characters shown in a paragraph, list item or notice


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
