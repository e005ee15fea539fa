"""The drift part: data and concept drift of the current data vs the reference; its section is
the report's monitoring and alerts section (4), which also shows the thresholds' flags."""

from __future__ import annotations

from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.drift.model import DRIFT, DriftReport
from metricwatch.parts.drift.rule_inputs import drift_rule_inputs


def collect(ctx: Context) -> DriftReport:
    from metricwatch.parts.drift.collect import run_drift

    return run_drift(ctx.cfg, runs=ctx.runs)


PART = Part(
    key=DRIFT,
    collect_fn=collect,
    rule_inputs_fn=drift_rule_inputs,
    uses_runs=True,  # concept drift scores the baseline run's model
    sections=(SectionSpec.of("monitoring", "report.s4", "metricwatch.parts.drift.section"),),
)
