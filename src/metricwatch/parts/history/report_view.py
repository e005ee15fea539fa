"""What the History section shows, from the result alone: the stored renders the history part
collected, then this render (its snapshot made from the evaluated result, at the result's time,
its flags included). "Since the last render" compares this render with the newest stored one;
after three renders the third report shows three points.

A render records its own snapshot only after it is rendered (report/build.py), so the part's
stored renders are the earlier ones. Never raises: a database that could not be read is the
part's `problem`, and a bug here is reported the same way ("internal"); the run, its verdict and
its exit code never depend on history.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from metricwatch.parts.history.model import HISTORY, INTERNAL, HistoryReport, Problem
from metricwatch.parts.history.snapshot_of import snapshot_of
from metricwatch.parts.history.view import HistoryView, view_of
from metricwatch.redact import scrub

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

log = logging.getLogger("metricwatch")


class ReportHistory(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    enabled: bool = True
    view: HistoryView | None = None  # None: history is off, or could not be read (problem)
    problem: Problem | None = None
    detail: str | None = None  # the full message, for logs (the report words `problem`)


def _shown(part: HistoryReport, result: MonitoringResult) -> ReportHistory:
    try:
        at = result.meta.generated_at
        current = snapshot_of(result, result.flags, command="report", taken_at=at)
        view = view_of(part.stored, current)
    except Exception as exc:  # a bug here must not cost the report
        log.debug("history view failed:\n%s", scrub(traceback.format_exc()))
        detail = scrub(f"internal error: {type(exc).__name__}: {exc}")
        return ReportHistory(path=part.path, problem=INTERNAL, detail=detail)
    return ReportHistory(path=part.path, view=view)


def history_of(result: MonitoringResult) -> ReportHistory | None:
    """What the History section shows; None when the result has no history part (`--skip
    history`, or a result not made by a report)."""
    part = result.get(HISTORY)
    if part is None:
        return None
    if not part.enabled:
        return ReportHistory(path=part.path, enabled=False)
    if part.problem is not None:
        return ReportHistory(path=part.path, problem=part.problem, detail=part.detail)
    return _shown(part, result)
