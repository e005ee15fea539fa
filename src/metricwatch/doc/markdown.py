"""Markdown that Pandoc (so Quarto), CommonMark and JupyterLab read alike, user text kept plain.

Every ASCII punctuation character of a text is backslash-escaped, so no user string can become
markup (emphasis, links, raw HTML, math, citations, headings, list markers); control characters
and line/paragraph separators become spaces (a heading or a table cell stays on one line).
Fences are made longer than any backtick run of what they hold, so the content cannot close them.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_BACKTICKS = re.compile(r"`+")
_INFO = re.compile(r"[^A-Za-z0-9_+-]")


def _one_line(text: str) -> str:
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)


def literal(text: str) -> str:
    """text as one line of Markdown that renders as exactly that text."""
    return _PUNCT.sub(r"\\\1", _one_line(text))


def literal_lines(text: str) -> str:
    """Multi-line text as one paragraph: each line literal, joined by hard line breaks.

    Blank lines are dropped (they would start a new block), trailing spaces too (two make a
    line break) and leading spaces are kept as no-break spaces (four start a code block)."""
    lines = []
    for line in text.splitlines():
        if line.strip():
            indent = len(line) - len(line.lstrip(" "))
            lines.append("\u00a0" * indent + literal(line.strip(" ")))
    return "\\\n".join(lines)


def fence(text: str, info: str = "", marker: str = "`") -> str:
    """A fenced block holding text verbatim (info: a language name, or `{=html}`)."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    bar = marker * max(3, longest + 1)
    return f"{bar}{info}\n{text.rstrip(chr(10))}\n{bar}"


def code(text: str, lang: str = "") -> str:
    return fence(text, _INFO.sub("", lang))


def raw_html(html: str) -> str:
    """HTML passed through to HTML outputs; Quarto reads a <table> in it into a real table for
    every format (Typst too)."""
    return fence(html, "{=html}")


def attribute(value: str) -> str:
    """A double-quoted Pandoc attribute value (stripped: Pandoc does not read `" "`)."""
    flat = _one_line(value).strip()
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def image(data_uri: str, *, alt: str, caption: str = "", width: str = "100%") -> str:
    """An image (a figure when it has a caption) with its alt text, as wide as the page."""
    return f"![{literal(caption)}]({data_uri}){{fig-alt={attribute(alt)} width={attribute(width)}}}"
