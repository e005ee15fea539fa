from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from support.rule_statuses import statuses

from metricwatch.alerts.formats import to_json, to_junit, to_markdown
from metricwatch.config import parse_config
from metricwatch.i18n.words import plain
from metricwatch.rules import evaluate, exit_code
from metricwatch.rules_model import MetricInput, RuleInputs, VersionInputs


def vi(version: str, run_id: str, **vals: float | str) -> VersionInputs:
    values = {
        k: MetricInput(value=v, state="ok") if isinstance(v, float) else MetricInput(state=v)
        for k, v in vals.items()
    }
    return VersionInputs(
        version=version,
        run_id=run_id,
        values=values,
        run_url=f"http://127.0.0.1:5000/#/runs/{run_id}",
    )


BASE = vi("v1.0.0", "aaaa1111", rmse=1.0, qwk=0.8, train_time_s=100.0, drift_pct=1.0)
CAND = vi("v1.0.3", "bbbb2222", rmse=1.5, qwk="nan", train_time_s=101.0, drift_pct=2.0)
INPUTS = RuleInputs(
    versions=[BASE, CAND],
    candidate=CAND,
    baseline=BASE,
    statuses=statuses({"v1.0.0": "ok", "v1.0.2": "fail"}, None),
    unavailable={"repro": [plain("not requested (run with --repro)")]},
)
CFG = parse_config({}, "m.yaml", Path("."))
FLAGS = evaluate(CFG, INPUTS)
ERRORS = {"drift": "drift.reference is not set in m.yaml"}


def test_junit_is_one_testcase_per_rule_and_version() -> None:
    xml = to_junit(FLAGS, project="demo | x", errors=ERRORS)
    assert xml.startswith("<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(xml.split("\n", 1)[1])
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(len(cases)) == str(len(FLAGS) + 1)
    names = [c.get("name") for c in cases]
    assert names == [
        "rmse [v1.0.3]",
        "qwk [v1.0.3]",
        "drift_pct [v1.0.3]",
        "train_time_s [v1.0.3]",
        "integrity [v1.0.0]",
        "integrity [v1.0.2]",
        "repro [latest]",
        "drift",
    ]
    by_name = {c.get("name"): c for c in cases}
    fail = by_name["rmse [v1.0.3]"].find("failure")
    assert fail is not None and fail.get("type") == "warn"
    assert "rmse = 1.5, threshold ≤ 1.1 (1.1 × 1), baseline 1, run bbbb2222" in (fail.text or "")
    assert by_name["integrity [v1.0.2]"].find("failure").get("type") == "fail"
    assert by_name["qwk [v1.0.3]"].find("skipped").get("message") == "no data: qwk is nan"
    assert by_name["repro [latest]"].find("skipped") is not None
    assert by_name["train_time_s [v1.0.3]"].find("failure") is None
    assert by_name["train_time_s [v1.0.3]"].find("skipped") is None
    assert by_name["drift"].find("error").get("message") == ERRORS["drift"]
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("2", "1", "2")
    for c in cases:
        assert set(c.attrib) == {"classname", "name", "time"}


def test_markdown_summary_table() -> None:
    md = to_markdown(FLAGS, project="demo", exit_code=exit_code(FLAGS), errors=ERRORS)
    lines = md.splitlines()
    assert lines[0] == "## metricwatch check: demo — ❌ breached"
    table = [ln for ln in lines if ln.startswith("|")]
    assert len(table) == 2 + len(FLAGS)
    assert all(ln.count("|") == 11 for ln in table)
    rmse = next(ln for ln in table if "| rmse |" in ln)
    assert "[bbbb2222](http://127.0.0.1:5000/#/runs/bbbb2222)" in rmse
    assert "review data / feature store" in rmse
    assert "- **drift**: drift.reference is not set in m.yaml" in lines


def test_markdown_summary_in_spanish_words_every_heading() -> None:
    args = {"project": "demo", "exit_code": exit_code(FLAGS), "errors": ERRORS}
    en, es = (to_markdown(FLAGS, **args, lang=lang).splitlines() for lang in ("en", "es"))
    assert en[2] == "3 pass · 2 breached · 2 no data" and "### Thresholds" in en
    assert es[2] == "3 cumplen · 2 incumplidas · 2 sin datos" and "### Umbrales de alerta" in es
    assert (
        es[6]
        == "| | regla | severidad | versión | run | valor | umbral | baseline | mensaje | acción |"
    )
    assert (
        en[6]
        == "| | rule | severity | version | run | value | threshold | baseline | message | action |"
    )
    assert "### No calculado" in es and "### Not computed" in en
    # the rows keep the data and the rules' own words; the statuses are worded in each language
    es_rows = [ln for ln in es if ln.startswith("| ❌")]
    en_rows = [ln for ln in en if ln.startswith("| ❌")]
    assert any(
        "| integrity | fallo |" in ln and "| ❌ falla | ❌ si falla |" in ln for ln in es_rows
    )
    worded = [
        ln.replace("❌ si falla", "❌ if fail")
        .replace("❌ falla", "❌ fail")
        .replace("| fallo |", "| fail |")
        for ln in es_rows
    ]
    assert worded == en_rows
    no_data = [ln for ln in es if ln.startswith("| ❓")]
    assert no_data and all("| aviso |" in ln or "| fallo |" in ln for ln in no_data)
    assert all("sin datos: " in ln and "no data" not in ln for ln in no_data)
    assert any("| ❌ si difiere / falló / tiempo agotado / con errores |" in ln for ln in no_data)


def test_json_is_strict_and_complete() -> None:
    text = to_json(FLAGS, project="demo", exit_code=1, errors=ERRORS, fail_on="fail")
    doc = json.loads(text)
    assert doc["summary"] == {"pass": 3, "breach": 2, "no data": 2, "no baseline": 0}
    assert len(doc["flags"]) == len(FLAGS)
    assert doc["flags"][0]["rule"] == "rmse" and doc["flags"][0]["outcome"] == "breach"
    assert "NaN" not in text and "Infinity" not in text


def test_hostile_version_tag_stays_text_in_slack_and_teams() -> None:
    from metricwatch.alerts import slack, teams
    from metricwatch.alerts.text import AlertContext

    hostile = "<!channel> [open](https://evil.invalid) & <img src=x>"
    cand = vi(hostile, "bbbb2222", rmse=1.5, qwk=0.8, train_time_s=101.0, drift_pct=2.0)
    inputs = INPUTS.model_copy(update={"versions": [BASE, cand], "candidate": cand})
    flags = [f for f in evaluate(CFG, inputs) if f.breached]
    from metricwatch.alerts.lifecycle import Notice
    from metricwatch.sources.history_db.fingerprint import fingerprint

    ctx = AlertContext(project="demo")
    notices = [Notice("firing", fingerprint(f), f, datetime(2026, 1, 1, tzinfo=UTC)) for f in flags]
    sent = json.dumps(slack.build_payload(ctx, notices))
    assert (
        "<!channel>" not in sent and "&lt;!channel&gt; [open](https://evil.invalid) &amp;" in sent
    )
    card = teams.build_payload(ctx, notices)["attachments"][0]["content"]
    body = json.dumps(card["body"], ensure_ascii=False)  # Markdown; button titles are plain
    assert "[open](https" not in body and "[open]\u200b(https://evil.invalid)" in body
