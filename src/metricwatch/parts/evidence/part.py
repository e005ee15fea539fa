"""The evidence part: MLflow screenshots and terminal captures (section 5); it needs repro, whose
transcript its `dvc repro` image shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.evidence.model import EVIDENCE, EvidenceReport
from metricwatch.parts.repro.model import REPRO

if TYPE_CHECKING:
    from metricwatch.i18n import Lang
    from metricwatch.report.blocks import Block
    from metricwatch.result import MonitoringResult


def collect(ctx: Context) -> EvidenceReport:
    from metricwatch.parts.evidence.capture import capture_evidence

    return capture_evidence(
        ctx.cfg,
        runs=ctx.runs.value,
        repro=ctx.result(REPRO),
        only=ctx.evidence_only,
        force=ctx.force,
    )


def _heading(lang: Lang) -> str:
    from metricwatch.i18n import t

    return t("report.s5", lang)


def _section(result: MonitoringResult, lang: Lang) -> list[Block]:
    from metricwatch.parts.evidence.section import build

    return build(result, lang)


PART = Part(
    key=EVIDENCE,
    collect_fn=collect,
    uses_runs=True,
    needs=("repro",),
    in_check=False,
    sections=(SectionSpec("evidence", _heading, _section),),
)
