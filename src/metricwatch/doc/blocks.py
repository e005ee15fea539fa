"""What a section builder returns: small typed blocks, each with an HTML and a Markdown form.

The notebook displays every block with both forms (and plain text): JupyterLab and the built-in
renderer show the HTML; Quarto reads the Markdown, so its HTML and its PDF (Typst) get real
headings, paragraphs, lists, tables and images. User text is escaped in both forms (doc.html,
doc.markdown). Plotly figures are `Figure`s, displayed by render.figures. Domain-free: a part's
section builds them (parts.missing says why a part has no data).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metricwatch.doc import html as h
from metricwatch.doc import markdown as md
from metricwatch.doc.table import Table
from metricwatch.i18n import Lang, t
from metricwatch.vocab import icon

MAX_INLINE_IMAGE = 8 * 1024 * 1024


@dataclass(frozen=True)
class Title:
    """The document's title: HTML only (Markdown documents carry it in their metadata)."""

    text: str

    def html(self) -> str:
        return f"<h1>{h.esc(h.clip(self.text))}</h1>"

    def markdown(self) -> str:
        return ""

    def plain(self) -> str:
        return self.text


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 3

    def html(self) -> str:
        return h.heading(self.text, self.level)

    def markdown(self) -> str:
        return f"{'#' * self.level} {md.literal(h.clip(self.text))}"

    def plain(self) -> str:
        return self.text


@dataclass(frozen=True)
class Paragraph:
    text: str
    css: str = ""  # "mw-small", "mw-purpose", "mw-footer"

    def html(self) -> str:
        return h.para(self.text, self.css)

    def markdown(self) -> str:
        return md.literal_lines(h.clip(self.text, h.TEXT_MAX))

    def plain(self) -> str:
        return self.text


@dataclass(frozen=True)
class Notice:
    """A visible line saying why something is missing or failed, led by its status icon."""

    text: str
    status: str = "unknown"

    def html(self) -> str:
        return h.notice(self.text, self.status)

    def markdown(self) -> str:
        body = md.literal_lines(h.clip(self.text, h.TEXT_MAX)).replace("\n", "\n> ")
        return f"> {icon(self.status)} {body}"

    def plain(self) -> str:
        return f"{icon(self.status)} {self.text}"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]

    def html(self) -> str:
        return h.bullets(self.items)

    def markdown(self) -> str:
        lines = [md.literal_lines(h.clip(i, h.TEXT_MAX)).replace("\n", "\n  ") for i in self.items]
        return "\n".join(f"- {line}" for line in lines)

    def plain(self) -> str:
        return "\n".join(f"- {i}" for i in self.items)


@dataclass(frozen=True)
class Code:
    text: str
    lang: str = ""

    def html(self) -> str:
        return h.code(self.text, self.lang)

    def markdown(self) -> str:
        return md.code(self.text, self.lang)

    def plain(self) -> str:
        return self.text


@dataclass(frozen=True)
class Image:
    """A PNG on disk (a screenshot), inlined, with its alt text and caption."""

    path: str
    alt: str
    caption: str
    lang: Lang = "en"

    def _data_uri(self) -> str | None:
        data = Path(self.path).read_bytes()
        if len(data) > MAX_INLINE_IMAGE:
            return None
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii")

    def _too_large(self) -> Notice:
        text = t("report.image_too_large", self.lang, name=Path(self.path).name, path=self.path)
        return Notice(text, "warn")

    def html(self) -> str:
        uri = self._data_uri()
        if uri is None:
            return self._too_large().html()
        img = f'<img class="mw-evidence" alt="{h.esc(self.alt)}" src="{uri}">'
        caption = f"<figcaption>{h.esc(self.caption)}</figcaption>"
        return f'<figure class="mw-figure-evidence">{img}{caption}</figure>'

    def markdown(self) -> str:
        uri = self._data_uri()
        if uri is None:
            return self._too_large().markdown()
        return md.image(uri, alt=self.alt, caption=h.clip(self.caption))

    def plain(self) -> str:
        return f"[{self.caption}]"


@dataclass(frozen=True)
class Figure:
    figure: Any  # a plotly Figure
    alt: str = ""


Text = Title | Heading | Paragraph | Notice | Bullets | Code | Table | Image  # has both forms
Block = Text | Figure


def fmt_num(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}"
