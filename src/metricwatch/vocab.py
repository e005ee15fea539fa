"""The vocabulary of metricwatch (ground floor): the words results store, written once.

Statuses of a checked item or a table cell, reproducibility verdicts, rule severities and
outcomes, the ONE icon table (one glyph per status in the CLI, the report and the alerts; the
baseline marker too) and the names of the MLflow tags `metricwatch.track` writes and the
integrity check reads. Standard library only: training code imports it through `track`.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

# --- statuses -------------------------------------------------------------------------------
# "unknown": a check could not be made (a source was unreachable); never shown as ok.
Status = Literal["ok", "warn", "fail", "unknown", "skipped"]
ItemStatus = Literal["ok", "warn", "fail", "unknown"]  # one integrity item; a release tag
TagStatus = Literal["ok", "warn", "fail"]  # a release tag's verdict
ITEM_STATUSES: Final[tuple[ItemStatus, ...]] = get_args(ItemStatus)

# --- reproducibility verdicts ---------------------------------------------------------------
Verdict = Literal["identical", "differ", "unavailable", "failed", "timed_out", "error"]
VERDICTS: Final[tuple[Verdict, ...]] = get_args(Verdict)
# verdicts that depend on the commit alone (kept in the verdict cache); "unavailable" and
# "error" depend on the remote and the machine
COMMIT_VERDICTS: Final[frozenset[Verdict]] = frozenset(
    {"identical", "differ", "failed", "timed_out"}
)
# the status a verdict shows as: ❌ against the commit, ❓ when no verdict was possible
VERDICT_STATUS: Final[dict[str, Status]] = {  # keyed by Verdict
    "identical": "ok",
    "differ": "fail",
    "unavailable": "unknown",
    "failed": "fail",
    "timed_out": "fail",
    "error": "unknown",
}

# --- rules ----------------------------------------------------------------------------------
Severity = Literal["warn", "fail"]
SEVERITIES: Final[tuple[Severity, ...]] = get_args(Severity)
SEVERITY_RANK: Final[dict[Severity, int]] = {"warn": 1, "fail": 2}
Outcome = Literal["pass", "breach", "no data", "no baseline"]
OUTCOMES: Final[tuple[Outcome, ...]] = get_args(Outcome)
NO_VERDICT_OUTCOMES: Final[tuple[Outcome, ...]] = ("no data", "no baseline")
OUTCOME_STATUS: Final[dict[str, Status]] = {  # keyed by Outcome
    "pass": "ok",
    "breach": "fail",
    "no data": "unknown",
    "no baseline": "unknown",
}
# the statuses a status rule (`metric: integrity` / `metric: repro`) can breach on
STATUS_METRICS: Final[tuple[str, ...]] = ("integrity", "repro")
STATUS_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "integrity": ITEM_STATUSES,
    "repro": VERDICTS,
}

# --- the one icon table ---------------------------------------------------------------------
# warn is U+26A0 without the emoji selector: terminals and rich agree on its width (one cell)
ICON: Final[dict[str, str]] = {  # keyed by Status
    "ok": "✅",
    "warn": "⚠",
    "fail": "❌",
    "unknown": "❓",
    "skipped": "⏭️",
}
BASELINE_MARK: Final = "★"  # the baseline run, in every KPI table
BREACH_MARK: Final = "▲"  # a value that breaches a rule, in every KPI table
# the terminal colour of a status (rich style), beside its glyph
STYLE: Final[dict[str, str]] = {  # keyed by Status
    "ok": "green",
    "warn": "yellow",
    "fail": "red",
    "unknown": "magenta",
    "skipped": "dim",
}


def icon(status: str) -> str:
    """The glyph of a status; an unknown word shows as unknown, never as ok."""
    return ICON.get(status, ICON["unknown"])


def severity_icon(severity: str) -> str:
    """A breached rule's glyph: ❌ for fail, ⚠ for warn."""
    return icon("fail" if severity == "fail" else "warn")


# --- lineage tags (written by metricwatch.track, read by the integrity check) ---------------
TAG_VERSION_DEFAULT: Final = "version"
TAG_COMMIT: Final = "mlflow.source.git.commit"
TAG_DIRTY: Final = "metricwatch.git.dirty"
TAG_PARAMS_HASH: Final = "metricwatch.params_hash"
TAG_OUTS: Final = "metricwatch.lineage.outs"
TAG_DEPS: Final = "metricwatch.lineage.deps"
