"""The report's History data: computed once by `metricwatch report` before it renders, carried in
the result (`result.history`, as JSON) so the report notebook reads nothing else.

A render records its own snapshot only after it is rendered (report/build.py), so while the
report is built the database holds the earlier renders. The current render's snapshot is made
here from the evaluated result (at the result's time) and ends the view: "since the last render"
compares it with the newest stored render, and after three renders the third report shows
three points. Never raises: a database that cannot be read (locked, corrupt, newer, …) gives a
one-word `problem` (HistoryError.kind) that the report words in its language; the run, its
verdict and its exit code never depend on history.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from metricwatch.config import Config
from metricwatch.errors import HistoryError
from metricwatch.history.db import history_path
from metricwatch.history.snapshot import snapshot_of
from metricwatch.history.view import HistoryView, history_view
from metricwatch.redact import scrub

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

log = logging.getLogger("metricwatch")
INTERNAL = "internal"  # a bug while reading: reported like an unreadable database


class ReportHistory(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    enabled: bool = True
    view: HistoryView | None = None  # None: history is off, or could not be read (problem)
    problem: str | None = None  # HistoryError.kind (locked, corrupt, newer, …) or "internal"
    detail: str | None = None  # the full message, for logs (the report words `problem`)


def report_history(cfg: Config, result: MonitoringResult) -> ReportHistory:
    """The last `history.points` renders, ending with this one (never raises)."""
    path = history_path(cfg)
    if not cfg.history.enabled:
        return ReportHistory(path=str(path), enabled=False)
    try:
        current = snapshot_of(
            cfg, result, result.flags, command="report", taken_at=result.meta.generated_at
        )
        view = history_view(cfg, last=cfg.history.points, current=current)
    except HistoryError as exc:
        problem, detail = exc.kind, str(exc)
    except Exception as exc:  # a bug here must not cost the report
        log.debug("history view failed:\n%s", scrub(traceback.format_exc()))
        problem, detail = INTERNAL, f"internal error: {type(exc).__name__}: {exc}"
    else:
        return ReportHistory(path=str(path), view=view)
    log.debug("history not shown: %s", scrub(detail))
    return ReportHistory(path=str(path), problem=problem, detail=scrub(detail))


def with_history(cfg: Config, result: MonitoringResult) -> MonitoringResult:
    """The result carrying its History data (what the report's History section shows)."""
    data = report_history(cfg, result).model_dump(mode="json")
    return result.model_copy(update={"history": data})


def history_of(result: MonitoringResult) -> ReportHistory | None:
    """The History data a result carries; None when it has none (not made by a report)."""
    if result.history is None:
        return None
    try:
        return ReportHistory.model_validate(result.history)
    except ValidationError:  # a metrics.json from another metricwatch: shown as none
        return None
