"""The history part: the report over time (section 9, after the seed's eight).

Its collect step reads the renders stored before this one (read-only); its section compares
them with this render's evaluated result. It gives the rules nothing (no status rule, no
"unavailable" reason), is not essential and not collected by `check`: history never changes a
run's status or exit code. Recording this run's snapshot is the pipeline's (pipeline/record.py).
"""

from __future__ import annotations

from metricwatch.config import Config
from metricwatch.i18n.words import Words
from metricwatch.parts.contract import Context, Part, SectionSpec
from metricwatch.parts.history.model import HISTORY, HistoryReport
from metricwatch.rules_model import PartRuleInputs


def collect(ctx: Context) -> HistoryReport:
    from metricwatch.parts.history.collect import collect_history

    return collect_history(ctx.cfg)


def no_rule_inputs(
    rep: HistoryReport | None, reason: Words | None, cfg: Config | None
) -> PartRuleInputs:
    """Nothing for the rules, collected or not: history cannot breach or leave a verdict open."""
    return PartRuleInputs()


PART = Part(
    key=HISTORY,
    collect_fn=collect,
    rule_inputs_fn=no_rule_inputs,
    essential=False,
    in_check=False,
    sections=(
        SectionSpec.of(
            "history",
            "report.s_history",
            "metricwatch.parts.history.section",
            at_end=True,
            only_collected=True,
        ),
    ),
)
