"""The KPI part: the runs' metrics per version, the baseline, trends (section 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.errors import MetricwatchError
from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.kpis.collect import KPIS, KpiReport
from metricwatch.parts.kpis.rule_inputs import kpi_rule_inputs

if TYPE_CHECKING:
    from metricwatch.i18n import Lang
    from metricwatch.report.blocks import Block
    from metricwatch.result import MonitoringResult


def collect(ctx: Context) -> KpiReport:
    from metricwatch.parts.kpis.collect import build_kpis

    if ctx.runs.value is None:
        raise MetricwatchError(ctx.runs.reason or "the MLflow runs were not loaded")
    return build_kpis(ctx.cfg, runs=ctx.runs.value)


def _heading(lang: Lang) -> str:
    from metricwatch.i18n import t

    return t("report.s1", lang)


def _section(result: MonitoringResult, lang: Lang) -> list[Block]:
    from metricwatch.parts.kpis.section import build

    return build(result, lang)


PART = Part(
    key=KPIS,
    collect_fn=collect,
    uses_runs=True,
    rule_inputs_fn=kpi_rule_inputs,
    essential=True,
    sections=(SectionSpec("kpis", _heading, _section),),
)
