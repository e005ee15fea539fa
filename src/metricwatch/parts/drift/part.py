"""The drift part: data and concept drift of the current data vs the reference; its section is
the report's monitoring and alerts section (4), which also shows the thresholds' flags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.drift.collect import DRIFT, DriftReport
from metricwatch.parts.drift.rule_inputs import drift_rule_inputs

if TYPE_CHECKING:
    from metricwatch.i18n import Lang
    from metricwatch.report.blocks import Block
    from metricwatch.result import MonitoringResult


def collect(ctx: Context) -> DriftReport:
    from metricwatch.parts.drift.collect import run_drift

    return run_drift(ctx.cfg)


def _heading(lang: Lang) -> str:
    from metricwatch.i18n import t

    return t("report.s4", lang)


def _section(result: MonitoringResult, lang: Lang) -> list[Block]:
    from metricwatch.parts.drift.section import build

    return build(result, lang)


PART = Part(
    key=DRIFT,
    collect_fn=collect,
    rule_inputs_fn=drift_rule_inputs,
    sections=(SectionSpec("monitoring", _heading, _section),),
)
