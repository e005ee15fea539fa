"""Thresholds → flags: a pure evaluation of the configured rules on numbers already collected.

Outcomes: "pass", "breach", "no data" (a missing, NaN or infinite value: never a pass) and
"no baseline" (a ratio/delta rule without a baseline value). Besides the configured
`thresholds`, two status rules are always on unless a rule on the same metric is configured:
`integrity` (any release tag ❌ → severity fail) and `repro` (a reproducibility verdict other
than identical/unavailable → severity fail). So a broken release fails `metricwatch check`
while the seed's four numeric rules warn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.config import Config, ThresholdRule
from metricwatch.vocab import (
    SEVERITY_RANK,
    STATUS_METRICS,
    VERDICT_STATUS,
    ItemStatus,
    Outcome,
    Severity,
    icon,
)

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


class RuleInputs(_Frozen):
    """Everything the rules read; built from the result model by rules_inputs.py."""

    versions: list[VersionInputs] = Field(default_factory=list)  # oldest first
    candidate: VersionInputs | None = None  # the newest run that is not the baseline
    baseline: VersionInputs | None = None
    dataset_drift_pct: float | None = None  # from the drift report, when it ran
    # tag → status; "unknown": some of the tag's checks could not be made (source unreachable)
    integrity: dict[str, ItemStatus] | None = None
    integrity_runs: dict[str, str | None] = Field(default_factory=dict)  # tag → run id
    integrity_reasons: dict[str, str] = Field(default_factory=dict)  # tag → first failing item
    repro_verdict: str | None = None
    repro_rev: str | None = None
    repro_message: str = ""  # the verdict with its facts (differing outputs, why unavailable)
    unavailable: dict[str, str] = Field(default_factory=dict)  # part → why it is missing


class Flag(_Frozen):
    rule: str
    metric: str
    kind: str
    severity: Severity
    outcome: Outcome
    value: float | None = None
    value_display: str = "—"
    threshold: float | None = None  # the effective bound, e.g. 1.10 × baseline
    threshold_display: str = "—"
    baseline: float | None = None
    version: str | None = None
    run_id: str | None = None
    run_url: str | None = None
    message: str = ""
    action: str = ""
    reason: str = ""

    @property
    def breached(self) -> bool:
        return self.outcome == "breach"


def builtin_rules() -> dict[str, ThresholdRule]:
    return {
        "integrity": ThresholdRule(
            metric="integrity",
            severity="fail",
            message={"en": "release integrity check failed", "es": "integridad de versión ❌"},
            action={
                "en": "tag the MLflow run, dvc push the outputs, or fix the release tag",
                "es": "etiquetar el run en MLflow, hacer dvc push o corregir el tag",
            },
        ),
        "repro": ThresholdRule(
            metric="repro",
            severity="fail",
            message={
                "en": "dvc repro did not reproduce identical outputs",
                "es": "dvc repro no reprodujo artefactos idénticos",
            },
            action={
                "en": "pin seeds, data and dependencies; see the reproducibility log",
                "es": "fijar semillas, datos y dependencias; ver el log de reproducibilidad",
            },
        ),
    }


def effective_rules(cfg: Config) -> dict[str, ThresholdRule]:
    """The configured rules plus the built-in status rules not overridden; disabled ones dropped."""
    rules = dict(cfg.thresholds)
    configured = {r.metric or name for name, r in rules.items()}
    for name, rule in builtin_rules().items():
        if rule.metric not in configured and name not in rules:
            rules[name] = rule
    return {name: r for name, r in rules.items() if r.enabled}


def fmt(x: float | None) -> str:
    if x is None:
        return "—"
    if x == 0 or 0.001 <= abs(x) < 1e6:
        return f"{x:.4g}" if abs(x) < 1000 else f"{x:.1f}"
    return f"{x:.3e}"


def _text(d: Mapping[Any, str], lang: str, fallback: str) -> str:
    return d.get(lang) or d.get("en") or d.get("es") or fallback


def _bound(rule: ThresholdRule, baseline: float | None) -> tuple[float | None, str]:
    kind, t = rule.kind, rule.value
    if kind == "max":
        return t, f"≤ {fmt(t)}"
    if kind == "min":
        return t, f"≥ {fmt(t)}"
    if baseline is None:
        return None, {
            "max_ratio_to_baseline": f"≤ {fmt(t)} × baseline",
            "min_ratio_to_baseline": f"≥ {fmt(t)} × baseline",
            "max_delta": f"≤ baseline + {fmt(t)}",
        }[kind]
    if kind == "max_ratio_to_baseline":
        return t * baseline, f"≤ {fmt(t * baseline)} ({fmt(t)} × {fmt(baseline)})"
    if kind == "min_ratio_to_baseline":
        return t * baseline, f"≥ {fmt(t * baseline)} ({fmt(t)} × {fmt(baseline)})"
    return baseline + t, f"≤ {fmt(baseline + t)} ({fmt(baseline)} + {fmt(t)})"


def _metric_flag(
    name: str,
    rule: ThresholdRule,
    metric: str,
    row: VersionInputs | None,
    inputs: RuleInputs,
    lang: str,
    *,
    use_drift_report: bool,
) -> Flag:
    mv = row.metric(metric) if row else MetricInput()
    if use_drift_report and metric == "drift_pct" and inputs.dataset_drift_pct is not None:
        mv = MetricInput(value=inputs.dataset_drift_pct, state="ok")
    base_mv = inputs.baseline.metric(metric) if inputs.baseline else MetricInput()
    base = base_mv.value if base_mv.state == "ok" else None
    bound, bound_text = _bound(rule, base)
    common: dict[str, Any] = {
        "rule": name,
        "metric": metric,
        "kind": rule.kind,
        "severity": rule.severity,
        "threshold": bound,
        "threshold_display": bound_text,
        "baseline": base,
        "version": row.version if row else None,
        "run_id": row.run_id if row else None,
        "run_url": row.run_url if row else None,
        "message": _text(rule.message, lang, f"{metric} {bound_text}"),
        "action": _text(rule.action, lang, ""),
    }
    if row is None:
        why = "; ".join(f"{k}: {v}" for k, v in inputs.unavailable.items()) or "no runs"
        return Flag(outcome="no data", reason=f"no candidate run ({why})", **common)
    if mv.state != "ok" or mv.value is None or not math.isfinite(mv.value):
        state = mv.state if mv.state != "ok" else "missing"
        return Flag(outcome="no data", value_display=state, reason=f"{metric} is {state}", **common)
    value = float(mv.value)
    if bound is None:
        reason = (
            "no baseline run"
            if inputs.baseline is None
            else f"baseline has no usable {metric} ({base_mv.state})"
        )
        return Flag(
            outcome="no baseline", value=value, value_display=fmt(value), reason=reason, **common
        )
    breach = value < bound if rule.kind in ("min", "min_ratio_to_baseline") else value > bound
    return Flag(
        outcome="breach" if breach else "pass", value=value, value_display=fmt(value), **common
    )


def status_text(metric: str, status: str) -> str:
    """A status as a reader says it: "✅ ok", "❌ fail", "✅ identical", "❌ differ"."""
    shown = VERDICT_STATUS.get(status, "fail") if metric == "repro" else status
    return f"{icon(shown)} {status}"


def _integrity_outcome(status: str, bad: list[str]) -> Outcome:
    """A tag breaches on its listed statuses ("unknown" also under "warn", as it used to be a
    warning); an unknown tag that does not breach is "no data", never a pass."""
    if status in bad or (status == "unknown" and "warn" in bad):
        return "breach"
    return "no data" if status == "unknown" else "pass"


def _status_flags(name: str, rule: ThresholdRule, inputs: RuleInputs, lang: str) -> list[Flag]:
    metric = rule.metric or name
    bad = rule.breach_statuses
    common: dict[str, Any] = {
        "rule": name,
        "metric": metric,
        "kind": "breach_on",
        "severity": rule.severity,
        "threshold_display": f"{icon('fail')} if " + " / ".join(bad),
        "message": _text(rule.message, lang, f"{metric} status"),
        "action": _text(rule.action, lang, ""),
    }
    if metric == "integrity":
        if inputs.integrity is None:
            why = inputs.unavailable.get("integrity", "the integrity check did not run")
            return [Flag(outcome="no data", reason=why, **common)]
        if not inputs.integrity:
            return [Flag(outcome="no data", reason="no release tags found", **common)]
        return [
            Flag(
                outcome=_integrity_outcome(status, bad),
                version=tag,
                run_id=inputs.integrity_runs.get(tag),
                value_display=status_text(metric, status),
                reason=inputs.integrity_reasons.get(tag, ""),
                **common,
            )
            for tag, status in inputs.integrity.items()
        ]
    verdict = inputs.repro_verdict
    if verdict is None or verdict == "unavailable":
        why = inputs.repro_message or inputs.unavailable.get(
            "repro", "the reproducibility check did not run"
        )
        return [
            Flag(
                outcome="no data",
                version=inputs.repro_rev,
                reason=why,
                value_display=status_text(metric, verdict) if verdict else "—",
                **common,
            )
        ]
    return [
        Flag(
            outcome="breach" if verdict in bad else "pass",
            version=inputs.repro_rev,
            value_display=status_text(metric, verdict),
            reason=inputs.repro_message if verdict in bad else "",
            **common,
        )
    ]


def evaluate(
    cfg: Config, inputs: RuleInputs, *, scope: Literal["candidate", "versions"] = "candidate"
) -> list[Flag]:
    """Flags for the latest candidate run ("candidate") or for every version ("versions").

    Status rules (integrity, repro) give one flag per tag / per verdict in both scopes.
    """
    lang = cfg.report.lang
    flags: list[Flag] = []
    for name, rule in effective_rules(cfg).items():
        metric = rule.metric or name
        if metric in STATUS_METRICS:
            flags.extend(_status_flags(name, rule, inputs, lang))
        elif scope == "candidate":
            flags.append(
                _metric_flag(
                    name, rule, metric, inputs.candidate, inputs, lang, use_drift_report=True
                )
            )
        else:
            rows: list[VersionInputs | None] = [*inputs.versions] or [None]
            newest = inputs.candidate.run_id if inputs.candidate else None
            for row in rows:
                use_report = row is not None and row.run_id == newest
                flags.append(
                    _metric_flag(name, rule, metric, row, inputs, lang, use_drift_report=use_report)
                )
    return flags


def worst_breach(flags: list[Flag]) -> Severity | None:
    breached: list[Severity] = [f.severity for f in flags if f.breached]
    if not breached:
        return None
    return max(breached, key=SEVERITY_RANK.__getitem__)


def exit_code(flags: list[Flag], fail_on: Severity = "fail", *, no_verdict: bool = False) -> int:
    """0 all pass, 1 a breach at or above fail_on, 2 no verdict possible (sources unreachable).

    2 wins over 1: a check that could not read its sources is incomplete, and a scheduler must
    tell "monitoring is broken" from "the model degraded"; the known breaches are still listed.
    """
    if no_verdict:
        return 2
    worst = worst_breach(flags)
    if worst is not None and SEVERITY_RANK[worst] >= SEVERITY_RANK[fail_on]:
        return 1
    return 0
