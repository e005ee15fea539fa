"""The reproducibility part: `dvc repro` in an isolated clone, hashes vs dvc.lock (section 3)."""

from __future__ import annotations

from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.repro.model import REPRO, ReproReport
from metricwatch.parts.repro.rule_inputs import repro_rule_inputs


def collect(ctx: Context) -> ReproReport:
    from metricwatch.parts.repro.collect import check_repro

    return check_repro(ctx.cfg, rev=ctx.rev or ctx.cfg.repro.rev, force=ctx.force)


PART = Part(
    key=REPRO,
    collect_fn=collect,
    rule_inputs_fn=repro_rule_inputs,
    in_check=False,
    sections=(SectionSpec.of("repro", "report.s3", "metricwatch.parts.repro.section"),),
)
