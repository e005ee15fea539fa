"""Gather every part of the result once: runs, KPIs, integrity, drift, reproducibility, evidence.

A part that fails with a known error is None in the result with its reason in `errors[part]`;
the other parts are still computed. The run source is read once and shared.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError, SourceError
from metricwatch.redact import scrub
from metricwatch.result import PART_NAMES, MonitoringResult
from metricwatch.runfacts import ReportMeta, dvc_declared, git_facts, now_utc, tool_versions

Progress = Callable[[str], None]
log = logging.getLogger("metricwatch")


@dataclass
class Context:
    cfg: Config
    rev: str | None = None
    force: bool = False
    evidence_only: str | None = None
    results: dict[str, Any] = field(default_factory=dict)
    _runs: Any = None
    _runs_error: str | None = None
    _runs_loaded: bool = False

    def runs(self) -> Any:
        """The RunSet, loaded once; raises the same error for every part that needs it.

        A tracking store that is not there (URI unset, a local store not pulled) is said once,
        with the fix, before MLflow is asked anything."""
        if not self._runs_loaded:
            from metricwatch.sources.mlflow_runs import load_runs
            from metricwatch.sources.store_presence import missing_store

            self._runs_loaded = True
            missing = missing_store(self.cfg)
            try:
                if missing is not None:
                    raise SourceError(missing.message)
                self._runs = load_runs(self.cfg)
            except MetricwatchError as exc:
                self._runs_error = scrub(str(exc))
        if self._runs_error:
            raise MetricwatchError(self._runs_error)
        return self._runs


def _kpis(ctx: Context) -> Any:
    from metricwatch.checks.kpis import build_kpis

    return build_kpis(ctx.cfg, runs=ctx.runs())


def _integrity(ctx: Context) -> Any:
    from metricwatch.checks.integrity import check_integrity

    try:
        runs = ctx.runs()
    except MetricwatchError as exc:
        # integrity still checks git and DVC and says why the run items are unknown, without
        # waiting a second time for a tracking server that already failed
        return check_integrity(ctx.cfg, runs=None, runs_error=str(exc))
    return check_integrity(ctx.cfg, runs=runs)


def _drift(ctx: Context) -> Any:
    from metricwatch.checks.drift_report import run_drift

    return run_drift(ctx.cfg)


def _repro(ctx: Context) -> Any:
    from metricwatch.checks.repro import check_repro

    return check_repro(ctx.cfg, rev=ctx.rev or ctx.cfg.repro.rev, force=ctx.force)


def _evidence(ctx: Context) -> Any:
    from metricwatch.evidence.capture import capture_evidence

    try:
        runs = ctx.runs()
    except MetricwatchError:
        runs = None
    return capture_evidence(
        ctx.cfg, runs=runs, repro=ctx.results.get("repro"), only=ctx.evidence_only, force=ctx.force
    )


PARTS: dict[str, Callable[[Context], Any]] = {
    "kpis": _kpis,
    "integrity": _integrity,
    "drift": _drift,
    "repro": _repro,
    "evidence": _evidence,
}


def build_meta(cfg: Config) -> ReportMeta:
    commit, describe = git_facts(cfg.project_path)
    try:
        uri: str | None = cfg.redacted_tracking_uri()
    except MetricwatchError:
        uri = None
    return ReportMeta(
        project=cfg.project_name,
        project_path=str(cfg.project_path),
        commit=commit,
        describe=describe,
        generated_at=now_utc(),
        lang=cfg.report.lang,
        title=cfg.report.title,
        timezone=cfg.report.timezone,
        tool_versions=tool_versions(),
        tracking_uri=uri,
        config=cfg.redacted(),
        dvc_declared=dvc_declared(cfg.project_path),
    )


def collect(
    cfg: Config,
    parts: Sequence[str] = PART_NAMES,
    *,
    rev: str | None = None,
    force: bool = False,
    evidence_only: str | None = None,
    progress: Progress | None = None,
) -> MonitoringResult:
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        raise ValueError(f"unknown part(s) {', '.join(unknown)}; valid: {', '.join(PARTS)}")
    say = progress or (lambda _msg: None)
    ctx = Context(cfg, rev=rev, force=force, evidence_only=evidence_only)
    errors: dict[str, str] = {}
    timings: dict[str, float] = {}
    for name in PART_NAMES:  # a fixed order: evidence uses the repro transcript
        if name not in parts:
            continue
        say(name)
        start = time.monotonic()
        try:
            ctx.results[name] = PARTS[name](ctx)
        except MetricwatchError as exc:
            errors[name] = scrub(str(exc))
        except Exception as exc:  # a bug in one part must not hide the others
            errors[name] = scrub(f"internal error: {type(exc).__name__}: {exc}")
            log.warning("part %s failed:\n%s", name, scrub(traceback.format_exc()))
        timings[name] = round(time.monotonic() - start, 3)
    return MonitoringResult(meta=build_meta(cfg), errors=errors, timings=timings, **ctx.results)
