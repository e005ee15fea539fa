"""Collect the history part: the last `history.points - 1` stored renders, read-only.

Never raises: a database that is locked, corrupt, from a newer metricwatch (HistoryError), or a
bug while reading, is a `problem` in the result that the History section words; the file is
only opened for reading and is never written here (the pipeline records this run's snapshot
after evaluation, pipeline/record.py).
"""

from __future__ import annotations

import logging
import traceback

from metricwatch.config import Config
from metricwatch.errors import HistoryError
from metricwatch.parts.history.model import INTERNAL, HistoryReport, problem_of
from metricwatch.parts.history.view import stored_snapshots
from metricwatch.redact import scrub
from metricwatch.sources.history_db.db import history_path

log = logging.getLogger("metricwatch")


def collect_history(cfg: Config) -> HistoryReport:
    path = str(history_path(cfg))
    if not cfg.history.enabled:
        return HistoryReport(path=path, enabled=False)
    try:  # the section shows `history.points` renders, this one included
        stored = stored_snapshots(cfg, last=cfg.history.points - 1)
    except HistoryError as exc:
        problem, detail = problem_of(exc.kind), str(exc)
    except Exception as exc:  # a bug here must not cost the report
        log.debug("history read failed:\n%s", scrub(traceback.format_exc()))
        problem, detail = INTERNAL, f"internal error: {type(exc).__name__}: {exc}"
    else:
        return HistoryReport(path=path, stored=stored)
    log.debug("history not shown: %s", scrub(detail))
    return HistoryReport(path=path, problem=problem, detail=scrub(detail))
