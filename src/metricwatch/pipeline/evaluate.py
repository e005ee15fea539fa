"""Evaluate the rules on a collected result: every registered part gives its rule inputs
(parts/rule_inputs.py: from its typed result, or None with the reason), the rules turn them
into flags."""

from __future__ import annotations

from typing import Literal

from metricwatch.config import Config
from metricwatch.i18n.words import Words
from metricwatch.parts.registry import all_parts
from metricwatch.parts.rule_inputs import part_inputs
from metricwatch.result import MonitoringResult
from metricwatch.rules import evaluate
from metricwatch.rules_model import RuleInputs, merge_inputs

Scope = Literal["candidate", "versions"]


def evaluated(
    result: MonitoringResult, cfg: Config, collected: tuple[str, ...], scope: Scope
) -> tuple[MonitoringResult, RuleInputs]:
    """The result with its flags and its no-verdict facts, and the inputs the rules read.

    No verdict rests on an essential part this command collected that failed, or that says
    itself no verdict can rest on it (a shallow clone without the release tags)."""
    given = part_inputs(result, cfg)
    inputs = merge_inputs([g for _, g in given], result.errors, result.not_run)
    essential = {p.name for p in all_parts() if p.essential and p.name in collected}
    no_verdict: dict[str, Words] = {}
    for name, g in given:
        why = result.error_said(name) or g.no_verdict.get(name)
        if name in essential and why:
            no_verdict[name] = why
    flags = evaluate(cfg, inputs, scope=scope)
    return result.model_copy(update={"flags": flags, "no_verdict": no_verdict}), inputs
