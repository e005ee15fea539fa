"""What the rules read of the reproducibility part: its verdict as one status item."""

from __future__ import annotations

from metricwatch.config import STATUS_DEFAULTS, Config
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words, plain
from metricwatch.parts.repro.model import ReproReport
from metricwatch.rules import status_text
from metricwatch.rules_model import PartRuleInputs, StatusInputs, StatusItem, StatusRule

# the built-in status rule, on unless a configured rule names metric "repro"
REPRO_RULE = StatusRule(
    metric="repro",
    breach_on=tuple(STATUS_DEFAULTS["repro"]),
    severity="fail",
    message={
        "en": "dvc repro did not reproduce identical outputs",
        "es": "dvc repro no reprodujo artefactos idénticos",
    },
    action={
        "en": "pin seeds, data and dependencies; see the reproducibility log",
        "es": "fijar semillas, datos y dependencias; ver el log de reproducibilidad",
    },
)


def verdict_status(
    verdict: str | None, rev: str | None = None, message: str = "", reason: Words | None = None
) -> StatusInputs:
    """The verdict as the rules see it; None (not run): `reason` says why."""
    why = [plain(message)] if message else reason or [msg("repro.rules.not_run")]
    if verdict is None:
        return StatusInputs(rule=REPRO_RULE, why=why)
    if verdict == "unavailable":  # no verdict: "no data", whatever breach_on lists
        item = StatusItem(
            status=verdict,
            version=rev,
            display=status_text(verdict, verdict=True),
            reason=why,
            breaches_on=(),
            unknown=True,
        )
    else:
        item = StatusItem(
            status=verdict,
            version=rev,
            display=status_text(verdict, verdict=True),
            reason=[plain(message)] if message else [],
        )
    return StatusInputs(rule=REPRO_RULE, items=[item])


def repro_rule_inputs(
    rep: ReproReport | None, reason: Words | None, cfg: Config | None
) -> PartRuleInputs:
    if rep is None:
        return PartRuleInputs(statuses={"repro": verdict_status(None, reason=reason)})
    status = verdict_status(rep.verdict, rep.rev, rep.message, reason)
    return PartRuleInputs(statuses={"repro": status})
