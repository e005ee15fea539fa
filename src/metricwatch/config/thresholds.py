"""The `thresholds` section: one rule per metric (a bound, a ratio or delta to the baseline, or
the statuses that breach a status rule), and the seed template's four default rules."""

from __future__ import annotations

from pydantic import Field, model_validator

from metricwatch.config.sections import Section
from metricwatch.i18n import Lang
from metricwatch.vocab import STATUS_METRICS, STATUS_VALUES, Severity

RULE_KINDS = ("max", "min", "max_ratio_to_baseline", "min_ratio_to_baseline", "max_delta")
# Rules over a check's status rather than a number: `metric: integrity` (tag statuses) and
# `metric: repro` (reproducibility verdicts), with `breach_on` listing the statuses that breach.
STATUS_DEFAULTS: dict[str, list[str]] = {
    "integrity": ["fail"],
    "repro": ["differ", "failed", "timed_out", "error"],
}


class ThresholdRule(Section):
    metric: str | None = None
    max: float | None = None
    min: float | None = None
    max_ratio_to_baseline: float | None = Field(default=None, gt=0)
    min_ratio_to_baseline: float | None = Field(default=None, gt=0)
    max_delta: float | None = None
    breach_on: list[str] | None = None
    severity: Severity = "warn"
    enabled: bool = True
    message: dict[Lang, str] = Field(default_factory=dict)
    action: dict[Lang, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> ThresholdRule:
        kinds = [k for k in RULE_KINDS if getattr(self, k) is not None]
        if self.metric in STATUS_METRICS:
            if kinds:
                raise ValueError(
                    f"metric {self.metric!r} is a status rule: use breach_on (a list of "
                    f"{', '.join(STATUS_VALUES[self.metric])}), not {', '.join(kinds)}"
                )
            bad = [v for v in self.breach_on or [] if v not in STATUS_VALUES[self.metric]]
            if bad:
                raise ValueError(
                    f"breach_on: unknown {self.metric} status {', '.join(map(repr, bad))}; "
                    f"valid: {', '.join(STATUS_VALUES[self.metric])}"
                )
            return self
        if self.breach_on is not None:
            raise ValueError(
                f"breach_on applies only to metric {' or '.join(STATUS_METRICS)}; "
                f"give one of {', '.join(RULE_KINDS)} instead"
            )
        if len(kinds) != 1:
            raise ValueError(
                f"a rule needs exactly one of {', '.join(RULE_KINDS)} (got {', '.join(kinds) or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        if self.metric in STATUS_METRICS:
            return "breach_on"
        return next(k for k in RULE_KINDS if getattr(self, k) is not None)

    @property
    def value(self) -> float:
        if self.kind == "breach_on":
            raise ValueError(f"status rule on {self.metric!r} has no numeric threshold")
        return float(getattr(self, self.kind))

    @property
    def breach_statuses(self) -> list[str]:
        """For a status rule: the statuses that breach it (configured or the default)."""
        if self.metric not in STATUS_METRICS:
            return []
        return list(self.breach_on or STATUS_DEFAULTS[self.metric])


def default_thresholds() -> dict[str, ThresholdRule]:
    """The seed template's four example thresholds."""
    return {
        "rmse": ThresholdRule(
            max_ratio_to_baseline=1.10,
            message={"en": "RMSE above 1.10 × baseline", "es": "RMSE > 1.10 × RMSE_baseline"},
            action={"en": "review data / feature store", "es": "revisar datos/feature store"},
        ),
        "qwk": ThresholdRule(
            min=0.70,
            message={"en": "QWK below 0.70", "es": "QWK < 0.70"},
            action={"en": "consistency degradation", "es": "degradación de consistencia"},
        ),
        "drift_pct": ThresholdRule(
            max=5.0,
            message={"en": "data drift above 5 %", "es": "Drift > 5 %"},
            action={"en": "evaluate retraining", "es": "evaluar retraining"},
        ),
        "train_time_s": ThresholdRule(
            max_ratio_to_baseline=1.25,
            message={
                "en": "train time above 1.25 × baseline",
                "es": "train_time_s > 1.25 × baseline",
            },
            action={
                "en": "review resources / hyperparameters",
                "es": "revisar recursos/hiperparámetros",
            },
        ),
    }
