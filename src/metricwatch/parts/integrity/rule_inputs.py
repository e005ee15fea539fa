"""What the rules read of the integrity part: one status item per release tag.

A tag whose checks could not all be made is "unknown" to the rules, never a pass; a shallow
clone without the release tags gives no verdict at all (the first note says why).
"""

from __future__ import annotations

from metricwatch.config import STATUS_DEFAULTS, Config
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words
from metricwatch.parts.integrity.model import IntegrityReport, TagIntegrity
from metricwatch.rules import status_text
from metricwatch.rules_model import PartRuleInputs, StatusInputs, StatusItem, StatusRule

# the built-in status rule, on unless a configured rule names metric "integrity"
INTEGRITY_RULE = StatusRule(
    metric="integrity",
    breach_on=tuple(STATUS_DEFAULTS["integrity"]),
    severity="fail",
    message={"en": "release integrity check failed", "es": "integridad de versión ❌"},
    action={
        "en": "tag the MLflow run, dvc push the outputs, or fix the release tag",
        "es": "etiquetar el run en MLflow, hacer dvc push o corregir el tag",
    },
)


def _rule_status(status: str, unknown_count: int) -> str:
    """A tag whose checks could not all be made is "unknown" to the rules, never a pass."""
    return "unknown" if status == "warn" and unknown_count else status


def tag_item(
    tag: str, status: str, run_id: str | None = None, reason: Words | None = None
) -> StatusItem:
    """One tag as the rules see it; `status` is the rule status (see `_rule_status`)."""
    unknown = status == "unknown"  # breaches under "unknown", and under "warn" as it used to
    return StatusItem(
        status=status,
        version=tag,
        run_id=run_id,
        display=status_text(status),
        reason=reason or [],
        pass_reason=reason or [],
        breaches_on=("unknown", "warn") if unknown else None,
        unknown=unknown,
    )


def tag_statuses(items: list[StatusItem] | None, why: Words | None = None) -> StatusInputs:
    """The integrity statuses: one item per tag, or None with why there are none."""
    empty = msg("rules.reason.no_release_tags")
    return StatusInputs(rule=INTEGRITY_RULE, items=items, why=why or [], empty=empty)


def _item(tag: TagIntegrity) -> StatusItem:
    status = _rule_status(tag.status, tag.unknown_count)
    return tag_item(tag.tag, status, tag.run_id, tag.why if tag.status != "ok" else [])


def integrity_rule_inputs(
    rep: IntegrityReport | None, reason: Words | None, cfg: Config | None
) -> PartRuleInputs:
    if rep is not None and rep.tags_unavailable:  # a shallow clone: no verdict, not "ok"
        why = rep.remarks[0] if rep.remarks else [msg("integrity.note.no_tags")]
        return PartRuleInputs(
            statuses={"integrity": tag_statuses(None, why)},
            unavailable={"integrity": why},
            no_verdict={"integrity": why},
        )
    if rep is None:
        # no reason: the rules say "the integrity check did not run"
        return PartRuleInputs(statuses={"integrity": tag_statuses(None, reason)})
    return PartRuleInputs(statuses={"integrity": tag_statuses([_item(t) for t in rep.tags])})
