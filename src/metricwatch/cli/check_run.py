"""One check shared by `check`, `alert`, `export` and `serve`: collect the result once, build the
rule inputs, evaluate the rules. Heavy imports happen inside the functions."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from metricwatch.config import Config
from metricwatch.rules import Flag, RuleInputs

if TYPE_CHECKING:
    from metricwatch.alerts.prometheus import Snapshot
    from metricwatch.result import MonitoringResult

# Parts whose failure leaves no verdict at all (exit 2): the runs and the release tags.
ESSENTIAL_PARTS = ("kpis", "integrity")
BASE_PARTS = ("kpis", "integrity", "drift")


@dataclass(frozen=True)
class CheckRun:
    result: MonitoringResult
    inputs: RuleInputs
    flags: list[Flag]
    parts: tuple[str, ...]
    checked_at: datetime
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def no_verdict(self) -> bool:
        return any(p in self.errors for p in ESSENTIAL_PARTS if p in self.parts)

    def exit_code(self, fail_on: Literal["warn", "fail"] = "fail") -> int:
        from metricwatch.rules import exit_code

        return exit_code(self.flags, fail_on, no_verdict=self.no_verdict)


def run_check(
    cfg: Config,
    *,
    repro: bool = False,
    scope: Literal["candidate", "versions"] = "candidate",
    progress: Callable[[str], None] = lambda _msg: None,
) -> CheckRun:
    from metricwatch.collect import collect
    from metricwatch.rules import evaluate
    from metricwatch.rules_inputs import rule_inputs_from_result

    parts = (*BASE_PARTS, "repro") if repro else BASE_PARTS
    progress(f"collecting {', '.join(parts)}")
    result = collect(cfg, list(parts))
    errors = dict(getattr(result, "errors", None) or {})
    integrity = getattr(result, "integrity", None)
    if integrity is not None and integrity.tags_unavailable:  # shallow clone: tags not read
        errors.setdefault("integrity", integrity.notes[0] if integrity.notes else "no tags")
    if not repro:
        errors.pop("repro", None)
    inputs = rule_inputs_from_result(result, cfg)
    if not repro and "repro" not in inputs.unavailable:
        why = "not run by this check (add --repro; `metricwatch repro` runs it on its own)"
        inputs = inputs.model_copy(update={"unavailable": {**inputs.unavailable, "repro": why}})
    progress("evaluating rules")
    flags = evaluate(cfg, inputs, scope=scope)
    return CheckRun(result, inputs, flags, parts, datetime.now(UTC), errors)


def snapshot_of(run: CheckRun) -> Snapshot:
    """The Prometheus snapshot of a check (last-success only when a verdict was possible)."""
    from metricwatch.alerts.prometheus import snapshot_from
    from metricwatch.rules_inputs import feature_js, parts_up

    return snapshot_from(
        run.inputs,
        run.flags,
        feature_js=feature_js(run.result),
        parts=parts_up(run.result, list(run.parts)),
        last_success=None if run.no_verdict else time.time(),
    )
