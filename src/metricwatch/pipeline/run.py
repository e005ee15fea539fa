"""One pipeline run: collect → evaluate → an Outcome carrying the result (flags included).

`check`, `alert`, `export` and `serve` evaluate the candidate; `report` every version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from metricwatch.config import Config
from metricwatch.i18n.words import Words
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.registry import in_collect_order
from metricwatch.pipeline.collect import collect
from metricwatch.pipeline.evaluate import Scope, evaluated
from metricwatch.pipeline.plots import collect_plots
from metricwatch.result import MonitoringResult
from metricwatch.rules import exit_code
from metricwatch.rules_model import Flag, RuleInputs


@dataclass(frozen=True)
class Outcome:
    result: MonitoringResult  # with its flags and no-verdict facts
    inputs: RuleInputs
    parts: tuple[str, ...]  # the parts this run collected
    checked_at: datetime

    @property
    def flags(self) -> list[Flag]:
        return self.result.flags

    @property
    def no_verdict(self) -> bool:
        return bool(self.result.no_verdict)

    @property
    def errors(self) -> dict[str, str]:
        """Why parts are missing: their errors, then why no verdict rests on a part."""
        extra = {
            k: words_text(v)
            for k, v in self.result.no_verdict.items()
            if k not in self.result.errors
        }
        return {**self.result.errors, **extra}

    def exit_code(self, fail_on: Literal["warn", "fail"] = "fail") -> int:
        return exit_code(self.flags, fail_on, no_verdict=self.no_verdict)


def run_pipeline(
    cfg: Config,
    parts: Iterable[str],
    *,
    scope: Scope = "candidate",
    rev: str | None = None,
    force: bool = False,
    not_run: Mapping[str, Words] | None = None,
    progress: Callable[[str], None] | None = None,
    part_progress: Callable[[str], None] | None = None,
    plots: bool = False,
) -> Outcome:
    """Collect the named parts, evaluate the rules; `not_run`: parts left out, and why.

    `progress` hears the steps ("collecting kpis, drift", "evaluating rules"), `part_progress`
    each part's name as its collection starts. `plots`: also read the project's DVC plots at
    the baseline tag and the newest release (the report's Appendix B)."""
    say = progress or (lambda _msg: None)
    collected = tuple(p.name for p in in_collect_order(parts))
    say(f"collecting {', '.join(collected)}")
    result = collect(cfg, collected, rev=rev, force=force, not_run=not_run, progress=part_progress)
    if plots:
        say("reading the DVC plots")
        result = result.model_copy(update={"plots": collect_plots(cfg, result.parts)})
    say("evaluating rules")
    result, inputs = evaluated(result, cfg, collected, scope)
    return Outcome(result, inputs, collected, datetime.now(UTC))
