"""The reproducibility part: `dvc repro` in an isolated clone, hashes vs dvc.lock (section 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.repro.model import REPRO, ReproReport
from metricwatch.parts.repro.rule_inputs import repro_rule_inputs

if TYPE_CHECKING:
    from metricwatch.i18n import Lang
    from metricwatch.report.blocks import Block
    from metricwatch.result import MonitoringResult


def collect(ctx: Context) -> ReproReport:
    from metricwatch.parts.repro.collect import check_repro

    return check_repro(ctx.cfg, rev=ctx.rev or ctx.cfg.repro.rev, force=ctx.force)


def _heading(lang: Lang) -> str:
    from metricwatch.i18n import t

    return t("report.s3", lang)


def _section(result: MonitoringResult, lang: Lang) -> list[Block]:
    from metricwatch.parts.repro.section import build

    return build(result, lang)


PART = Part(
    key=REPRO,
    collect_fn=collect,
    rule_inputs_fn=repro_rule_inputs,
    in_check=False,
    sections=(SectionSpec("repro", _heading, _section),),
)
