"""Small HTML builders for the report. Every text goes through html.escape: user strings
(run names, params, tags, column and category names) can never become live markup. Texts longer
than a table cell (or a paragraph) can hold are cut in the middle, saying how much was cut, so a
10,000-character run name cannot stretch a table over pages."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CELL_MAX = 300  # characters shown in a table cell or heading
TEXT_MAX = 4000  # characters shown in a paragraph, list item or notice
STATUS_ICON = {"ok": "✅", "warn": "⚠️", "fail": "❌", "unknown": "❓", "skipped": "⏭️"}


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
    icon = STATUS_ICON.get(status, "❓")
    return Cell(f"{icon} {text}".strip(), css=f"mw-{status}")


def _cell(value: object, tag: str) -> str:
    if isinstance(value, Cell):
        attrs = f' class="{esc(value.css)}"' if value.css else ""
        attrs += f' title="{_text(value.title, TEXT_MAX)}"' if value.title else ""
        return f"<{tag}{attrs}>{_text(value.text, CELL_MAX)}</{tag}>"
    return f"<{tag}>{_text(value, CELL_MAX)}</{tag}>"


def table(columns: Sequence[str], rows: Iterable[Sequence[object]], css: str = "mw-table") -> str:
    head = "".join(_cell(c, "th") for c in columns)
    body = "".join("<tr>" + "".join(_cell(v, "td") for v in row) + "</tr>" for row in rows)
    return f'<table class="{esc(css)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


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
    icon = STATUS_ICON.get(status, "❓")
    return f'<div class="mw-notice mw-{esc(status)}">{icon} {_text(text, TEXT_MAX)}</div>'
