"""What a section builder returns: HTML fragments (already escaped) and plotly figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metricwatch.report import html as h
from metricwatch.report.i18n import Lang, t


@dataclass(frozen=True)
class Html:
    text: str


@dataclass(frozen=True)
class Figure:
    figure: Any  # a plotly Figure
    alt: str = ""


Block = Html | Figure


def part_missing(result: Any, part: str, lang: Lang) -> list[Block]:
    """A visible notice saying why a part has no data (never an empty section)."""
    reason = (getattr(result, "errors", {}) or {}).get(part) or {
        "en": "this part was not collected in this run",
        "es": "esta parte no se recopiló en esta ejecución",
    }[lang]
    return [Html(h.notice(f"{t('unavailable', lang)}: {reason}", "unknown"))]


def fmt_num(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}"
