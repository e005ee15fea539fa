"""The check shared by `check`, `alert`, `export` and `serve`: the parts `check` collects (the
registry's, repro only with --repro), evaluated on the candidate (or every version)."""

from __future__ import annotations

from collections.abc import Callable

from metricwatch.config import Config
from metricwatch.i18n.message import msg
from metricwatch.parts.registry import check_parts
from metricwatch.pipeline.evaluate import Scope
from metricwatch.pipeline.run import Outcome, run_pipeline


def run_check(
    cfg: Config,
    *,
    repro: bool = False,
    scope: Scope = "candidate",
    progress: Callable[[str], None] = lambda _msg: None,
) -> Outcome:
    parts = check_parts(("repro",) if repro else ())
    not_run = {} if repro else {"repro": [msg("check.repro_not_run")]}
    return run_pipeline(cfg, parts, scope=scope, not_run=not_run, progress=progress)
