"""The toy part: collects lamps.txt, gives the rules one status item per lamp (a broken lamp
breaches its built-in status rule), and a numbered report section with a table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.config import Config
from metricwatch.doc.blocks import Block
from metricwatch.doc.table import Table
from metricwatch.errors import SourceError
from metricwatch.i18n.words import Words, plain
from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.missing import part_missing
from metricwatch.rules_model import PartRuleInputs, StatusInputs, StatusItem, StatusRule
from toy_part.model import TOY, ToyReport

if TYPE_CHECKING:
    from metricwatch.i18n import Lang
    from metricwatch.result import MonitoringResult

TOY_RULE = StatusRule(
    metric="toy",
    breach_on=("broken",),
    message={"en": "a lamp is broken"},
    action={"en": "change the bulb"},
)


def collect(ctx: Context) -> ToyReport:
    path = ctx.cfg.project_path / "lamps.txt"
    if not path.is_file():
        raise SourceError(f"{path} does not exist; write one 'lamp status' per line")
    pairs = (line.split() for line in path.read_text(encoding="utf-8").splitlines() if line)
    return ToyReport(lamps={lamp: status for lamp, status in pairs})


def rule_inputs(rep: ToyReport | None, reason: Words | None, cfg: Config) -> PartRuleInputs:
    if rep is None:
        return PartRuleInputs(statuses={"toy": StatusInputs(rule=TOY_RULE, why=reason or [])})
    items = [
        StatusItem(
            status=status,
            version=lamp,
            display=plain(status),
            reason=[plain(f"{lamp} is {status}")],
        )
        for lamp, status in rep.lamps.items()
    ]
    return PartRuleInputs(statuses={"toy": StatusInputs(rule=TOY_RULE, items=items)})


def section(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(TOY)
    if rep is None:
        return part_missing(result, "toy", lang)
    return [Table(["Lamp", "Status"], [[lamp, s] for lamp, s in rep.lamps.items()])]


PART = Part(
    key=TOY,
    collect_fn=collect,
    rule_inputs_fn=rule_inputs,
    sections=(SectionSpec("toy", lambda lang: "Lamps", section),),
)
