"""The blocks a section shows in place of a part that has no data: a visible notice with the
reason the pipeline recorded (never an empty section, never ✅)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.doc.blocks import Block, Notice
from metricwatch.i18n import Lang, t
from metricwatch.i18n.words import text

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult


def part_missing(result: MonitoringResult, part: str, lang: Lang) -> list[Block]:
    """A notice saying why `part` has no data: its recorded error, or that it was not collected."""
    said = result.error_said(part)
    reason = text(said, lang) if said else t("report.not_collected", lang)
    return [Notice(f"{t('report.unavailable', lang)}: {reason}", "unknown")]
