"""The integrity part: each release tag ↔ its MLflow run ↔ its data on the DVC remote (section 2)."""

from __future__ import annotations

from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.integrity.model import INTEGRITY, IntegrityReport
from metricwatch.parts.integrity.rule_inputs import integrity_rule_inputs


def collect(ctx: Context) -> IntegrityReport:
    """Git and DVC are still checked without runs; the run items then say why they are unknown
    (without waiting a second time for a tracking server that already failed)."""
    from metricwatch.parts.integrity.collect import check_integrity

    if ctx.runs.value is None:
        return check_integrity(ctx.cfg, runs=None, runs_error=ctx.runs.reason)
    return check_integrity(ctx.cfg, runs=ctx.runs.value)


PART = Part(
    key=INTEGRITY,
    collect_fn=collect,
    uses_runs=True,
    rule_inputs_fn=integrity_rule_inputs,
    essential=True,
    sections=(SectionSpec.of("integrity", "report.s2", "metricwatch.parts.integrity.section"),),
)
