"""The KPI part: the runs' metrics per version, the baseline, trends (section 1)."""

from __future__ import annotations

from metricwatch.errors import MetricwatchError
from metricwatch.parts.contract import Context, Part, PartUnavailable, SectionSpec
from metricwatch.parts.kpis.collect import KPIS, KpiReport
from metricwatch.parts.kpis.rule_inputs import kpi_rule_inputs


def collect(ctx: Context) -> KpiReport:
    from metricwatch.parts.kpis.collect import build_kpis

    if ctx.runs.value is None and ctx.runs.said:  # the store is missing: worded in the report
        raise PartUnavailable(ctx.runs.reason or "", ctx.runs.said)
    if ctx.runs.value is None:
        raise MetricwatchError(ctx.runs.reason or "the MLflow runs were not loaded")
    return build_kpis(ctx.cfg, runs=ctx.runs.value)


PART = Part(
    key=KPIS,
    collect_fn=collect,
    uses_runs=True,
    rule_inputs_fn=kpi_rule_inputs,
    essential=True,
    sections=(SectionSpec.of("kpis", "report.s1", "metricwatch.parts.kpis.section"),),
)
