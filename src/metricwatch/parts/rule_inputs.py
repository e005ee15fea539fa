"""What the rules read of a result: every registered part's rule inputs (from its typed result,
or None with the reason it is missing), merged. On the parts floor so that a part (history's
snapshot of this run) reads the same inputs the pipeline evaluates.
"""

from __future__ import annotations

from metricwatch.config import Config
from metricwatch.parts.registry import all_parts
from metricwatch.result import MonitoringResult
from metricwatch.rules_model import PartRuleInputs, RuleInputs, merge_inputs


def part_inputs(result: MonitoringResult, cfg: Config | None) -> list[tuple[str, PartRuleInputs]]:
    """Each registered part's rule inputs; `cfg` None: no config at hand (links left out)."""
    given = []
    for part in all_parts():
        reason = result.error_said(part.name) or result.not_run.get(part.name)
        given.append((part.name, part.rule_inputs(result.parts.get(part.name), reason, cfg)))
    return given


def rule_inputs_of(result: MonitoringResult, cfg: Config | None) -> RuleInputs:
    """What the rules read of a result (also what its history snapshot records)."""
    given = [g for _, g in part_inputs(result, cfg)]
    return merge_inputs(given, result.errors, result.not_run)
