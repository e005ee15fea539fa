"""The evidence part: MLflow screenshots and terminal captures (section 5); it needs repro, whose
transcript its `dvc repro` image shows."""

from __future__ import annotations

from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.evidence.model import EVIDENCE, EvidenceReport
from metricwatch.parts.repro.model import REPRO


def collect(ctx: Context) -> EvidenceReport:
    from metricwatch.parts.evidence.capture import capture_evidence

    return capture_evidence(
        ctx.cfg,
        runs=ctx.runs.value,
        repro=ctx.result(REPRO),
        only=ctx.evidence_only,
        force=ctx.force,
    )


PART = Part(
    key=EVIDENCE,
    collect_fn=collect,
    uses_runs=True,
    needs=("repro",),
    in_check=False,
    sections=(SectionSpec.of("evidence", "report.s5", "metricwatch.parts.evidence.section"),),
)
