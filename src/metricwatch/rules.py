"""Thresholds → flags: a pure evaluation of the configured rules on numbers already collected.

Outcomes: "pass", "breach", "no data" (a missing, NaN or infinite value: never a pass) and
"no baseline" (a ratio/delta rule without a baseline value). Besides the configured
`thresholds`, each part's built-in status rules (integrity: any release tag ❌ → severity
fail; repro: a reproducibility verdict other than identical/unavailable → severity fail) are
on unless a rule on the same metric is configured. So a broken release fails
`metricwatch check` while the seed's four numeric rules warn. A status rule reads the
`StatusInputs` its part gave (one item per tag / verdict); no part is special-cased here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from metricwatch.config import Config, ThresholdRule
from metricwatch.i18n import catalogue, lang_of
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words, joined, plain, said
from metricwatch.rules_model import Flag, MetricInput, RuleInputs, StatusRule, VersionInputs
from metricwatch.vocab import (
    SEVERITY_RANK,
    STATUS_METRICS,
    VERDICT_STATUS,
    Outcome,
    Severity,
    icon,
)


def effective_rules(cfg: Config, inputs: RuleInputs) -> dict[str, ThresholdRule | StatusRule]:
    """The configured rules plus the parts' built-in status rules not overridden; disabled ones
    dropped."""
    rules: dict[str, ThresholdRule | StatusRule] = dict(cfg.thresholds)
    configured = {r.metric or name for name, r in rules.items()}
    builtin = {m: s.rule for m, s in inputs.statuses.items() if s.rule is not None}
    for name, rule in builtin.items():
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


def _bound(rule: ThresholdRule, baseline: float | None) -> tuple[float | None, Msg]:
    kind, t = rule.kind, rule.value
    if kind == "max":
        return t, plain(f"≤ {fmt(t)}")
    if kind == "min":
        return t, plain(f"≥ {fmt(t)}")
    if baseline is None:  # the bound in words: "≤ 1.1 × baseline"
        return None, msg(f"rules.bound.{kind}", t=fmt(t))
    if kind == "max_ratio_to_baseline":
        return t * baseline, plain(f"≤ {fmt(t * baseline)} ({fmt(t)} × {fmt(baseline)})")
    if kind == "min_ratio_to_baseline":
        return t * baseline, plain(f"≥ {fmt(t * baseline)} ({fmt(t)} × {fmt(baseline)})")
    return baseline + t, plain(f"≤ {fmt(baseline + t)} ({fmt(baseline)} + {fmt(t)})")


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
        "threshold_shown": bound_text,
        "baseline": base,
        "version": row.version if row else None,
        "run_id": row.run_id if row else None,
        "run_url": row.run_url if row else None,
        "message": _text(rule.message, lang, f"{metric} {bound_text.text(lang_of(lang))}"),
        "action": _text(rule.action, lang, ""),
    }
    if row is None:
        return Flag(outcome="no data", why=_no_candidate(inputs.unavailable), **common)
    if mv.state != "ok" or mv.value is None or not math.isfinite(mv.value):
        state = mv.state if mv.state != "ok" else "missing"
        return Flag(
            outcome="no data",
            value_shown=msg(f"rules.state.{state}"),
            why=[msg(f"rules.reason.metric_{state}", metric=metric)],
            **common,
        )
    value = float(mv.value)
    if bound is None:
        reason = (
            msg("rules.reason.no_baseline_run")
            if inputs.baseline is None
            else msg(f"rules.reason.baseline_{base_mv.state}", metric=metric)
        )
        return Flag(
            outcome="no baseline",
            value=value,
            value_shown=plain(fmt(value)),
            why=[reason],
            **common,
        )
    breach = value < bound if rule.kind in ("min", "min_ratio_to_baseline") else value > bound
    outcome: Outcome = "breach" if breach else "pass"
    return Flag(outcome=outcome, value=value, value_shown=plain(fmt(value)), **common)


def _no_candidate(unavailable: Mapping[str, Words]) -> Words:
    """ "no candidate run (kpis: why; drift: why)", or "no runs" when no part says why."""
    if not unavailable:
        return [msg("rules.reason.no_runs")]
    said = joined([[plain(f"{k}: "), *why] for k, why in unavailable.items()])
    return [msg("rules.reason.no_candidate_lead"), plain(" ("), *said, plain(")")]


def status_text(status: str, *, verdict: bool = False) -> Msg:
    """A status as a reader says it: "✅ ok", "❌ fail"; a reproducibility verdict
    (`verdict=True`) by the status it shows as: "✅ identical", "❌ differ", "❓ error"."""
    shown = VERDICT_STATUS.get(status, "fail") if verdict else status
    key = f"rules.status.{status}"
    if key not in catalogue("en"):  # a status of a newer part: shown as it is
        return plain(f"{icon(shown)} {status}")
    return msg(key, icon=icon(shown))


def status_word(status: str) -> Msg:
    """A status or verdict as a word of the reader's language ("fail": "falla"); a status of a
    newer part as it is."""
    key = f"rules.word.{status}"
    return msg(key) if key in catalogue("en") else plain(status)


def _status_flags(
    name: str, rule: ThresholdRule | StatusRule, inputs: RuleInputs, lang: str
) -> list[Flag]:
    metric = rule.metric or name
    bad = rule.breach_statuses
    common: dict[str, Any] = {
        "rule": name,
        "metric": metric,
        "kind": "breach_on",
        "severity": rule.severity,
        "threshold_shown": said(
            "rules.breach_if_any", [status_word(s) for s in bad], sep=" / ", icon=icon("fail")
        ),
        "message": _text(rule.message, lang, f"{metric} status"),
        "action": _text(rule.action, lang, ""),
    }
    given = inputs.status(metric)
    if given is None or given.items is None:
        why = inputs.unavailable.get(metric) or (given.why if given else [])
        version = given.version if given else None
        reason = why or [msg("rules.reason.did_not_run", metric=metric)]
        return [Flag(outcome="no data", version=version, why=reason, **common)]
    if not given.items:
        return [Flag(outcome="no data", why=[given.empty], **common)]
    flags = []
    for item in given.items:
        outcome = item.outcome(bad)
        flags.append(
            Flag(
                outcome=outcome,
                version=item.version,
                run_id=item.run_id,
                value_shown=item.display,
                why=item.pass_reason if outcome == "pass" else item.reason,
                **common,
            )
        )
    return flags


def evaluate(
    cfg: Config, inputs: RuleInputs, *, scope: Literal["candidate", "versions"] = "candidate"
) -> list[Flag]:
    """Flags for the latest candidate run ("candidate") or for every version ("versions").

    Status rules give one flag per status item (tag, verdict) in both scopes.
    """
    lang = cfg.report.lang
    flags: list[Flag] = []
    for name, rule in effective_rules(cfg, inputs).items():
        metric = rule.metric or name
        if isinstance(rule, StatusRule) or metric in STATUS_METRICS:
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
