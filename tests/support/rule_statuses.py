"""The status part of RuleInputs for rule tests: built by the parts' own rule-input functions
from tag → status and a repro verdict, as the pipeline builds it from their typed results."""

from __future__ import annotations

from metricwatch.i18n.words import plain
from metricwatch.parts.integrity.rule_inputs import tag_item, tag_statuses
from metricwatch.parts.repro.rule_inputs import verdict_status
from metricwatch.rules_model import StatusInputs


def statuses(
    integrity: dict[str, str] | None,
    repro: str | None,
    *,
    reasons: dict[str, str] | None = None,
    runs: dict[str, str | None] | None = None,
    rev: str | None = None,
    message: str = "",
    repro_reason: str | None = None,
) -> dict[str, StatusInputs]:
    """integrity: tag → rule status ("unknown" for a tag whose checks could not all be made)."""
    tags = (
        [
            tag_item(
                t, s, (runs or {}).get(t), [plain(r)] if (r := (reasons or {}).get(t)) else None
            )
            for t, s in integrity.items()
        ]
        if integrity is not None
        else None
    )
    return {
        "integrity": tag_statuses(
            tags, None if tags is not None else [plain("the integrity check did not run")]
        ),
        "repro": verdict_status(
            repro, rev, message, [plain(repro_reason)] if repro_reason else None
        ),
    }
