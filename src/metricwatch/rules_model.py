"""The rules' model: what the parts give the rules engine (`RuleInputs`: metric values per
version, status items per part, why a part gave nothing) and what it returns (`Flag`, one rule's
verdict on one version). Pure data; `metricwatch.rules` evaluates.

A flag's reason and the value and threshold as shown are messages, worded by presenters in
their language; their English is kept as computed fields (`reason`, `value_display`,
`threshold_display`) for JSON and the CLI, and a flag saved before reads back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from metricwatch.i18n import Lang
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import DASH, Said, Words, from_text, plain
from metricwatch.i18n.words import text as words_text
from metricwatch.vocab import Outcome, Severity

ValueState = Literal["ok", "missing", "nan", "inf", "-inf"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class MetricInput(_Frozen):
    value: float | None = None
    state: ValueState = "missing"


class VersionInputs(_Frozen):
    """One run's canonical metric values (the newest run of a version, or the baseline)."""

    version: str | None = None
    run_id: str | None = None
    run_name: str | None = None
    start_time: datetime | None = None
    run_url: str | None = None
    values: dict[str, MetricInput] = Field(default_factory=dict)

    def metric(self, name: str) -> MetricInput:
        return self.values.get(name, MetricInput())


class StatusRule(_Frozen):
    """A part's built-in rule on its statuses (a configured rule on the same metric replaces it)."""

    metric: str
    breach_on: tuple[str, ...]  # the statuses that breach it
    severity: Severity = "fail"
    enabled: bool = True
    message: dict[str, str] = Field(default_factory=dict)
    action: dict[str, str] = Field(default_factory=dict)

    @property
    def breach_statuses(self) -> list[str]:
        return list(self.breach_on)


class StatusItem(_Frozen):
    """One status a status rule judges: a release tag's, a reproducibility verdict."""

    status: str
    version: str | None = None  # the tag or revision it is about
    run_id: str | None = None
    display: Msg = DASH  # the status as a reader says it: "✅ ok"
    reason: Words = Field(default_factory=list)  # shown when it breaches or has no verdict
    pass_reason: Words = Field(default_factory=list)  # shown when it passes
    breaches_on: tuple[str, ...] | None = None  # the statuses whose listing makes it breach
    unknown: bool = False  # no verdict could be made: "no data" unless listed in breach_on

    def outcome(self, bad: list[str]) -> Outcome:
        listed = (self.status,) if self.breaches_on is None else self.breaches_on
        if any(s in bad for s in listed):
            return "breach"
        return "no data" if self.unknown else "pass"


class StatusInputs(_Frozen):
    """A part's statuses; `items` None: the part gave none, `why` says why."""

    items: list[StatusItem] | None = None
    why: Words = Field(default_factory=list)  # a part's own reason (an error, a note)
    # the reason when items is an empty list
    empty: Msg = Field(default_factory=lambda: msg("rules.reason.nothing_to_check"))
    version: str | None = None  # what a "no data" flag is about
    rule: StatusRule | None = None  # the part's built-in rule on these statuses


class RuleInputs(_Frozen):
    """Everything the rules read; built from the parts' typed models by their rule_inputs.py."""

    versions: list[VersionInputs] = Field(default_factory=list)  # oldest first
    candidate: VersionInputs | None = None  # the newest run that is not the baseline
    baseline: VersionInputs | None = None
    dataset_drift_pct: float | None = None  # from the drift report, when it ran
    statuses: dict[str, StatusInputs] = Field(default_factory=dict)  # metric → its statuses
    unavailable: dict[str, Words] = Field(default_factory=dict)  # part → why it is missing

    def status(self, metric: str) -> StatusInputs | None:
        return self.statuses.get(metric)


class PartRuleInputs(_Frozen):
    """What one part gives the rules; the pipeline merges the parts' in registry order."""

    versions: list[VersionInputs] | None = None
    candidate: VersionInputs | None = None
    baseline: VersionInputs | None = None
    dataset_drift_pct: float | None = None
    statuses: dict[str, StatusInputs] = Field(default_factory=dict)
    unavailable: dict[str, Words] = Field(default_factory=dict)
    # collected, yet no verdict can rest on it (a shallow clone without the release tags)
    no_verdict: dict[str, Words] = Field(default_factory=dict)


def merge_inputs(
    parts: list[PartRuleInputs],
    errors: Mapping[str, str],
    not_run: Mapping[str, Words] | None = None,
) -> RuleInputs:
    """One RuleInputs from the parts' contributions. Why parts are unavailable, in this order:
    their errors (their own words), what the parts say, then the parts this command did not
    run."""
    fields: dict[str, object] = {}
    statuses: dict[str, StatusInputs] = {}
    unavailable: dict[str, Words] = {k: [plain(v)] for k, v in errors.items()}
    for part in parts:
        for name in ("versions", "candidate", "baseline", "dataset_drift_pct"):
            if name in part.model_fields_set:
                fields[name] = getattr(part, name)
        statuses.update(part.statuses)
        for key, why in part.unavailable.items():
            unavailable.setdefault(key, why)
    for key, why in (not_run or {}).items():
        unavailable.setdefault(key, why)
    if fields.get("versions") is None:
        fields.pop("versions", None)
    return RuleInputs(**fields, statuses=statuses, unavailable=unavailable)  # type: ignore[arg-type]


class Flag(_Frozen):
    """One rule's verdict on one version. Its reason and the value and threshold as shown are
    messages (`why`, `value_shown`, `threshold_shown`), worded by presenters in their language;
    `reason`, `value_display` and `threshold_display` are their English text."""

    rule: str
    metric: str
    kind: str
    severity: Severity
    outcome: Outcome
    value: float | None = None
    value_shown: Msg = DASH
    threshold: float | None = None  # the effective bound, e.g. 1.10 × baseline
    threshold_shown: Msg | Said = DASH  # Said: a status rule's "❌ if fail / differ"
    baseline: float | None = None
    version: str | None = None
    run_id: str | None = None
    run_url: str | None = None
    message: str = ""
    action: str = ""
    why: Words = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        """A flag saved before its words were messages (an older history database or alert
        state) keeps its English text as it was."""
        data = from_text(data, reason="why")
        for old in ("value_display", "threshold_display"):
            shown = old.replace("display", "shown")
            if isinstance(data, dict) and shown not in data and isinstance(data.get(old), str):
                data[shown] = plain(data[old])
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value_display(self) -> str:
        return self.value_shown.text("en")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def threshold_display(self) -> str:
        return self.threshold_shown.text("en")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str:
        return words_text(self.why)

    def reason_in(self, lang: Lang) -> str:
        """The reason in lang ("" when there is none)."""
        return words_text(self.why, lang)

    @property
    def breached(self) -> bool:
        return self.outcome == "breach"
