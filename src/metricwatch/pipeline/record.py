"""The one call `report` and `check` make after evaluation: record this run's snapshot in the
history database, never failing the run.

`record_snapshot(cfg, result, flags, command=...)` builds the snapshot, writes it (retention
included) and returns what happened; `taken_at` (default: now): a report passes its result's
time, the time its History section showed for it. A database that is locked past
`history.timeout_s`, corrupt, from a newer metricwatch or unwritable is a warning on stderr
naming the file and what to do; the run goes on without history and its exit code does not
change.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from metricwatch.config import Config
from metricwatch.errors import HistoryError
from metricwatch.parts.history.snapshot_of import snapshot_of
from metricwatch.redact import scrub
from metricwatch.result import MonitoringResult
from metricwatch.rules_model import Flag
from metricwatch.sources.history_db.db import history_path, opened
from metricwatch.sources.history_db.snapshot import Command
from metricwatch.sources.history_db.store import write_snapshot

log = logging.getLogger("metricwatch")


@dataclass(frozen=True)
class Recorded:
    path: Path
    snapshot_id: int | None  # None: not recorded (see warning), or history disabled
    warning: str | None = None


def record_snapshot(
    cfg: Config,
    result: MonitoringResult,
    flags: list[Flag],
    *,
    command: Command,
    exit_code: int | None = None,
    timings: dict[str, float] | None = None,
    taken_at: datetime | None = None,
) -> Recorded:
    path = history_path(cfg)
    if not cfg.history.enabled:
        return Recorded(path, None)
    try:
        snap = snapshot_of(
            result, flags, command=command, exit_code=exit_code, timings=timings,
            taken_at=taken_at,
        )  # fmt: skip
        with opened(path, timeout_s=cfg.history.timeout_s, source=cfg.source, write=True) as db:
            sid = write_snapshot(db, snap, cfg.history.keep)
    except HistoryError as exc:
        why = f"history not recorded: {exc}"
    except Exception as exc:  # a bug here must not cost the run its verdict
        log.debug("history failed:\n%s", scrub(traceback.format_exc()))
        why = f"history not recorded in {path}: internal error: {type(exc).__name__}: {exc}"
    else:
        return Recorded(path, sid)
    why = scrub(why)
    log.warning("warning: %s", why)
    return Recorded(path, None, why)
