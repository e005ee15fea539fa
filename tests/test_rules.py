from __future__ import annotations

from pathlib import Path

import pytest
from support.configs import make_config
from support.rule_statuses import statuses

from metricwatch.config import parse_config
from metricwatch.errors import ConfigError
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import plain
from metricwatch.i18n.words import text as words_text
from metricwatch.rules import effective_rules, evaluate, exit_code
from metricwatch.rules_model import MetricInput, RuleInputs, VersionInputs


def cfg(data: dict | None = None, lang: str = "en"):
    return make_config(Path("."), {"report": {"lang": lang}}, source="m.yaml", **(data or {}))


def row(version: str, run_id: str, **values: float | str | None) -> VersionInputs:
    vals = {}
    for k, v in values.items():
        if isinstance(v, str):
            vals[k] = MetricInput(value=None, state=v)
        else:
            vals[k] = MetricInput(value=v, state="ok" if v is not None else "missing")
    return VersionInputs(version=version, run_id=run_id, values=vals)


BASE = row("v1.0.0", "r0", rmse=1.0, qwk=0.8, train_time_s=100.0, drift_pct=0.5)
GOOD = row("v1.0.1", "r1", rmse=1.05, qwk=0.75, train_time_s=110.0, drift_pct=1.0)
BAD = row("v1.0.3", "r3", rmse=1.2, qwk=0.6, train_time_s=130.0, drift_pct=2.0)


def inputs(
    candidate,
    integrity: dict[str, str] | None = None,
    integrity_reasons: dict[str, str] | None = None,
    repro_verdict: str | None = "identical",
    repro_rev: str | None = None,
    repro_message: str = "",
    **kw,
) -> RuleInputs:
    kw.setdefault("baseline", BASE)
    kw.setdefault("versions", [BASE, GOOD, candidate] if candidate else [BASE, GOOD])
    kw["statuses"] = statuses(
        integrity if integrity is not None else {"v1.0.0": "ok", "v1.0.1": "ok"},
        repro_verdict,
        reasons=integrity_reasons,
        rev=repro_rev,
        message=repro_message,
    )
    return RuleInputs(candidate=candidate, **kw)


def by_rule(flags):
    return {f.rule: f for f in flags if f.metric not in ("integrity", "repro")}


def test_default_rules_all_pass_on_a_good_candidate() -> None:
    flags = evaluate(cfg(), inputs(GOOD))
    assert {f.rule: f.outcome for f in flags if f.rule != "integrity"} == {
        "rmse": "pass",
        "qwk": "pass",
        "drift_pct": "pass",
        "train_time_s": "pass",
        "repro": "pass",
    }
    assert [f.outcome for f in flags if f.rule == "integrity"] == ["pass", "pass"]
    assert exit_code(flags) == 0
    assert exit_code(flags, "warn") == 0


def test_default_rules_flag_the_bad_candidate_with_effective_bounds() -> None:
    flags = by_rule(evaluate(cfg(), inputs(BAD, dataset_drift_pct=7.5)))
    rmse = flags["rmse"]
    assert (rmse.outcome, rmse.value, rmse.baseline) == ("breach", 1.2, 1.0)
    assert rmse.threshold == pytest.approx(1.10)
    assert rmse.threshold_display == "≤ 1.1 (1.1 × 1)"
    assert (rmse.version, rmse.run_id, rmse.severity) == ("v1.0.3", "r3", "warn")
    assert rmse.action == "review data / feature store"
    assert flags["qwk"].outcome == "breach" and flags["qwk"].threshold == 0.70
    tt = flags["train_time_s"]
    assert tt.outcome == "breach" and tt.threshold == pytest.approx(125.0)
    # the drift report's dataset drift % wins over the run's logged value for the candidate
    assert (flags["drift_pct"].outcome, flags["drift_pct"].value) == ("breach", 7.5)


def test_seed_rules_only_warn_so_exit_code_depends_on_fail_on() -> None:
    flags = evaluate(cfg(), inputs(BAD))
    assert exit_code(flags) == 0
    assert exit_code(flags, "warn") == 1


def test_integrity_fail_is_a_fail_rule_by_default() -> None:
    flags = evaluate(cfg(), inputs(GOOD, integrity={"v1.0.1": "ok", "v1.0.2": "fail"}))
    integ = [f for f in flags if f.rule == "integrity"]
    assert [(f.version, f.outcome, f.severity) for f in integ] == [
        ("v1.0.1", "pass", "fail"),
        ("v1.0.2", "breach", "fail"),
    ]
    assert exit_code(flags) == 1


def test_status_flags_read_as_icon_status_and_reason() -> None:
    flags = evaluate(
        cfg(),
        inputs(
            GOOD,
            integrity={"v1.0.1": "ok", "v1.0.2": "fail"},
            integrity_reasons={"v1.0.2": "missing run"},
            repro_verdict="differ",
            repro_rev="v1.0.1",
        ),
    )
    shown = {(f.rule, f.version): (f.value_display, f.threshold_display) for f in flags}
    assert shown[("integrity", "v1.0.1")] == ("✅ ok", "❌ if fail")
    assert shown[("integrity", "v1.0.2")] == ("❌ fail", "❌ if fail")
    assert shown[("repro", "v1.0.1")] == ("❌ differ", "❌ if differ / failed / timed_out / error")


@pytest.mark.parametrize(
    ("verdict", "outcome"),
    [
        ("identical", "pass"),
        ("differ", "breach"),
        ("failed", "breach"),
        ("timed_out", "breach"),
        ("unavailable", "no data"),
        (None, "no data"),
    ],
)
def test_repro_verdicts(verdict: str | None, outcome: str) -> None:
    msg = f"verdict {verdict}: facts"
    flags = evaluate(
        cfg(), inputs(GOOD, repro_verdict=verdict, repro_rev="HEAD", repro_message=msg)
    )
    (repro,) = [f for f in flags if f.rule == "repro"]
    assert repro.outcome == outcome
    assert repro.reason == ("" if outcome == "pass" else msg)


@pytest.mark.parametrize("state", ["nan", "inf", "-inf", "missing"])
def test_missing_or_non_finite_value_is_no_data_never_pass(state: str) -> None:
    cand = row("v1.0.3", "r3", rmse=state, qwk=state, train_time_s=state, drift_pct=state)
    flags = by_rule(evaluate(cfg(), inputs(cand)))
    assert {f.outcome for f in flags.values()} == {"no data"}
    assert flags["rmse"].reason == f"rmse is {state}"
    assert flags["rmse"].value is None


def test_ratio_rule_without_baseline_is_no_baseline() -> None:
    flags = by_rule(evaluate(cfg(), inputs(BAD, baseline=None)))
    assert flags["rmse"].outcome == "no baseline"
    assert flags["rmse"].reason == "no baseline run"
    assert flags["rmse"].threshold_display == "≤ 1.1 × baseline"
    assert flags["qwk"].outcome == "breach"  # absolute rules do not need a baseline
    nan_base = row("v1.0.0", "r0", rmse="nan", train_time_s=100.0)
    flags = by_rule(evaluate(cfg(), inputs(BAD, baseline=nan_base)))
    assert flags["rmse"].outcome == "no baseline"
    assert flags["rmse"].reason == "baseline has no usable rmse (nan)"
    assert flags["train_time_s"].outcome == "breach"


def test_no_candidate_run_is_no_data_with_the_reason() -> None:
    ri = inputs(None, unavailable={"kpis": [plain("MLflow at http://127.0.0.1:1 is unreachable")]})
    flags = by_rule(evaluate(cfg(), ri))
    assert flags["rmse"].outcome == "no data"
    assert "unreachable" in flags["rmse"].reason
    assert exit_code(evaluate(cfg(), ri), no_verdict=True) == 2
    broken = inputs(None, integrity={"v1": "fail"})
    assert exit_code(evaluate(cfg(), broken)) == 1
    assert exit_code(evaluate(cfg(), broken), no_verdict=True) == 2  # incomplete wins


@pytest.mark.parametrize(
    ("rule", "value", "outcome", "bound"),
    [
        ({"max": 1.1}, 1.1, "pass", 1.1),
        ({"max": 1.1}, 1.1000001, "breach", 1.1),
        ({"min": 0.7}, 0.7, "pass", 0.7),
        ({"min": 0.7}, 0.69, "breach", 0.7),
        ({"max_ratio_to_baseline": 2.0}, 2.0, "pass", 2.0),
        ({"min_ratio_to_baseline": 0.9}, 0.8, "breach", 0.9),
        ({"max_delta": 0.25}, 1.3, "breach", 1.25),
        ({"max_delta": 0.25}, 1.2, "pass", 1.25),
    ],
)
def test_rule_kinds_known_answers(rule: dict, value: float, outcome: str, bound: float) -> None:
    c = cfg({"thresholds": {"r": {"metric": "rmse", "severity": "fail", **rule}}})
    flags = by_rule(evaluate(c, inputs(row("v2", "r9", rmse=value))))
    assert flags["r"].outcome == outcome
    assert flags["r"].threshold == pytest.approx(bound)
    assert exit_code(list(flags.values())) == (1 if outcome == "breach" else 0)


def test_every_version_scope_evaluates_each_version() -> None:
    flags = evaluate(cfg(), inputs(BAD, dataset_drift_pct=9.0), scope="versions")
    rmse = [(f.version, f.outcome) for f in flags if f.rule == "rmse"]
    assert rmse == [("v1.0.0", "pass"), ("v1.0.1", "pass"), ("v1.0.3", "breach")]
    drift = [(f.version, f.value) for f in flags if f.rule == "drift_pct"]
    assert drift == [("v1.0.0", 0.5), ("v1.0.1", 1.0), ("v1.0.3", 9.0)]


def test_spanish_messages() -> None:
    flags = by_rule(evaluate(cfg(lang="es"), inputs(BAD)))
    assert flags["rmse"].message == "RMSE > 1.10 × RMSE_baseline"
    assert flags["rmse"].action == "revisar datos/feature store"


def test_builtin_status_rules_can_be_overridden_or_disabled() -> None:
    assert set(effective_rules(cfg(), inputs(GOOD))) == {
        "rmse",
        "qwk",
        "drift_pct",
        "train_time_s",
        "integrity",
        "repro",
    }
    c = cfg({"thresholds": {"integrity": {"metric": "integrity", "enabled": False}}})
    rules = effective_rules(c, inputs(GOOD))
    assert "integrity" not in rules and "repro" in rules
    c = cfg({"thresholds": {"i": {"metric": "integrity", "breach_on": ["warn", "fail"]}}})
    flags = evaluate(c, inputs(GOOD, integrity={"v1": "warn"}))
    (integ,) = [f for f in flags if f.metric == "integrity"]
    assert (integ.rule, integ.outcome, integ.severity) == ("i", "breach", "warn")
    flags = evaluate(c, inputs(GOOD, integrity={"v1": "unknown"}))
    assert [f.outcome for f in flags if f.metric == "integrity"] == ["breach"]


def test_an_integrity_tag_with_unknown_checks_is_no_data_never_a_pass() -> None:
    flags = evaluate(
        cfg(),
        inputs(
            GOOD,
            integrity={"v1.0.0": "unknown", "v1.0.1": "warn"},
            integrity_reasons={"v1.0.0": "4 item(s) unknown: tracking server unreachable"},
        ),
    )
    integ = {f.version: f for f in flags if f.metric == "integrity"}
    assert integ["v1.0.0"].outcome == "no data"
    assert integ["v1.0.0"].value_display == "❓ unknown"
    assert "tracking server unreachable" in integ["v1.0.0"].reason
    assert integ["v1.0.1"].outcome == "pass"  # a real warning (all checks made) is not a breach


def test_rule_inputs_call_a_warn_with_unknown_items_unknown() -> None:
    from metricwatch.parts.integrity.rule_inputs import _rule_status

    assert _rule_status("warn", 4) == "unknown"
    assert _rule_status("warn", 0) == "warn"
    assert _rule_status("fail", 2) == "fail"
    assert _rule_status("ok", 0) == "ok"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"thresholds": {"latency": {"max": 1}}},
            "m.yaml: thresholds: latency.metric: metric 'latency' has no aliases in mlflow.metrics;",
        ),
        (
            {"thresholds": {"r": {"metric": "rmse", "within": 1}}},
            "m.yaml: thresholds.r.within: unknown key; valid keys: metric, max, min,",
        ),
        (
            {"thresholds": {"r": {"metric": "rmse", "max_ratio_to_baseline": -1.1}}},
            "m.yaml: thresholds.r.max_ratio_to_baseline: expected a number > 0, got -1.1",
        ),
        (
            {"thresholds": {"i": {"metric": "repro", "breach_on": ["broken"]}}},
            "m.yaml: thresholds.i: breach_on: unknown repro status 'broken'; valid: identical,",
        ),
        (
            {"thresholds": {"i": {"metric": "integrity", "max": 1}}},
            "m.yaml: thresholds.i: metric 'integrity' is a status rule: use breach_on",
        ),
    ],
)
def test_malformed_rules_are_config_errors_naming_the_key(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config(data, "m.yaml", Path("."))
    assert str(exc.value).startswith(message)


def test_custom_metric_with_alias_is_accepted() -> None:
    c = cfg(
        {
            "mlflow": {"metrics": {"latency_ms": ["p95_ms"]}},
            "thresholds": {"latency_ms": {"max": 5}},
        }
    )
    flags = by_rule(evaluate(c, inputs(row("v2", "r9", latency_ms=7.0))))
    assert flags["latency_ms"].outcome == "breach"


@pytest.mark.parametrize(
    ("uri", "base"),
    [
        ("http://user:pw@127.0.0.1:5000/?token=x", "http://127.0.0.1:5000"),
        ("https://mlflow.example.org/prefix/", "https://mlflow.example.org/prefix"),
        ("sqlite:////tmp/mlflow.db", None),
        ("file:///tmp/mlruns", None),
    ],
)
def test_run_links_only_for_http_servers_and_without_credentials(
    uri: str, base: str | None
) -> None:
    from metricwatch.parts.kpis.rule_inputs import run_url, tracking_ui_base

    c = cfg({"mlflow": {"tracking_uri": uri}})
    assert tracking_ui_base(c) == base
    if base:
        assert run_url(base, "abc", "3") == f"{base}/#/experiments/3/runs/abc"
        assert run_url(base, "abc") == f"{base}/#/runs/abc"
    assert run_url(None, "abc") is None


def test_summary_line_of_a_status_rule_says_why_not_fail_vs_not_fail() -> None:
    from metricwatch.report.sec_summary import _breach_line

    flags = evaluate(
        cfg(),
        inputs(
            BAD,
            integrity={"v1.0.2": "fail"},
            integrity_reasons={"v1.0.2": "missing run (version=v1.0.2)"},
        ),
    )
    lines = {f.rule: _breach_line(f) for f in flags if f.breached}
    assert lines["integrity"] == (
        "integrity [fail] v1.0.2: ❌ fail (missing run (version=v1.0.2)) — tag the MLflow run, "
        "dvc push the outputs, or fix the release tag"
    )
    assert lines["rmse"].startswith("rmse [warn] v1.0.3: 1.2 vs ≤ 1.1")


def test_merged_inputs_say_errors_then_the_parts_then_what_was_not_run() -> None:
    from metricwatch.rules_model import PartRuleInputs, merge_inputs

    merged = merge_inputs(
        [
            PartRuleInputs(
                versions=[GOOD],
                candidate=GOOD,
                unavailable={"kpis": [msg("rules.reason.no_runs_in_store")]},
            ),
            PartRuleInputs(
                dataset_drift_pct=3.0, unavailable={"drift": [plain("ignored: errors win")]}
            ),
        ],
        {"drift": "drift.reference is not set"},
        {"repro": [msg("check.repro_not_run")]},
    )
    assert {k: words_text(v) for k, v in merged.unavailable.items()} == {
        "drift": "drift.reference is not set",
        "kpis": "no runs in the tracking store",
        "repro": "not run by this check (add --repro; `metricwatch repro` runs it on its own)",
    }
    assert list(merged.unavailable) == ["drift", "kpis", "repro"]
    assert (merged.candidate, merged.dataset_drift_pct, merged.versions) == (GOOD, 3.0, [GOOD])
    flag = by_rule(evaluate(cfg(), merged.model_copy(update={"candidate": None})))["rmse"]
    assert flag.reason == (
        "no candidate run (drift: drift.reference is not set; kpis: no runs in the tracking "
        "store; "
        "repro: not run by this check (add --repro; `metricwatch repro` runs it on its own))"
    )
    assert flag.reason_in("es") == (
        "no hay run candidato (drift: drift.reference is not set; kpis: no hay runs en el "
        "tracking store; "
        "repro: no ejecutado por esta comprobación (añadir --repro; `metricwatch repro` lo "
        "ejecuta por sí solo))"
    )
