"""User strings as plotly text: escaped (plotly.js reads a subset of HTML in titles, axis labels
and hover text) and cut in the middle, so no run, column or category name becomes markup or
swallows a plot. Domain-free: parts' figures and render.plot_pair use it."""

from __future__ import annotations

import html
from collections.abc import Sequence


def plot_text(value: object, limit: int = 80) -> str:
    """A user string (run, column or category name) as plotly text.

    plotly.js reads a subset of HTML in titles, axis labels and hover text (<b>, <br>,
    <a href=…>), so user text is escaped (plotly shows &lt; as "<"); long text is cut in the
    middle so a 10,000-character name cannot swallow the plot.
    """
    text = "" if value is None else str(value)
    if len(text) > limit:
        head = limit * 2 // 3
        text = f"{text[:head]}…{text[len(text) - (limit - head - 1) :]}"
    return html.escape(text, quote=False)


def plot_labels(values: Sequence[object], limit: int = 80) -> list[str]:
    """plot_text of each value, kept distinct (a categorical axis merges equal labels)."""
    seen: dict[str, int] = {}
    out = []
    for value in values:
        label = plot_text(value, limit)
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
