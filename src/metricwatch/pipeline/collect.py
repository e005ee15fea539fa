"""Collect the named parts once, in registry order (each after the parts it `needs`).

A part that fails with a known error is absent from the result with its reason in
`errors[part]` (in English; as message pieces in `error_words[part]` when the part said it so);
the other parts are still computed. The runs are loaded once, just before the
first part that uses them, and every such part reads the same value or reason.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.i18n.message import Param
from metricwatch.i18n.words import Words
from metricwatch.parts.contract import Context, Part, PartUnavailable
from metricwatch.parts.registry import in_collect_order
from metricwatch.pipeline.meta import build_meta
from metricwatch.pipeline.runs import load_runs_once
from metricwatch.redact import scrub
from metricwatch.result import MonitoringResult

Progress = Callable[[str], None]
log = logging.getLogger("metricwatch")


def _scrubbed(value: Param) -> Param:
    return scrub(value) if isinstance(value, str) else value


def _collect_one(
    part: Part[Any], ctx: Context, errors: dict[str, str], said: dict[str, Words]
) -> None:
    try:
        ctx.results[part.name] = part.collect(ctx)
    except PartUnavailable as exc:
        errors[part.name] = scrub(str(exc))
        said[part.name] = [
            m.model_copy(update={"params": {k: _scrubbed(v) for k, v in m.params.items()}})
            for m in exc.said
        ]
    except MetricwatchError as exc:
        errors[part.name] = scrub(str(exc))
    except Exception as exc:  # a bug in one part must not hide the others
        errors[part.name] = scrub(f"internal error: {type(exc).__name__}: {exc}")
        log.warning("part %s failed:\n%s", part.name, scrub(traceback.format_exc()))


def collect(
    cfg: Config,
    parts: Iterable[str],
    *,
    rev: str | None = None,
    force: bool = False,
    evidence_only: str | None = None,
    not_run: Mapping[str, Words] | None = None,
    progress: Progress | None = None,
) -> MonitoringResult:
    """The result of the named parts; `not_run`: parts left out on purpose, and why."""
    say = progress or (lambda _msg: None)
    ctx = Context(cfg, rev=rev, force=force, evidence_only=evidence_only)
    errors: dict[str, str] = {}
    said: dict[str, Words] = {}
    timings: dict[str, float] = {}
    runs_loaded = False
    for part in in_collect_order(parts):
        say(part.name)
        start = time.monotonic()
        if part.uses_runs and not runs_loaded:  # in the first such part's time, as before
            ctx.runs, runs_loaded = load_runs_once(cfg), True
        _collect_one(part, ctx, errors, said)
        timings[part.name] = round(time.monotonic() - start, 3)
    return MonitoringResult(
        meta=build_meta(cfg),
        parts=dict(ctx.results),
        errors=errors,
        error_words=said,
        timings=timings,
        not_run=dict(not_run or {}),
    )
