"""`metricwatch report` end to end on the embedded demo: HTML + PDF with the real facts."""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from support.delivered import EXPECTED_CODES, HOOK_SECRET, SECRETS, Delivered
from support.report_text import (
    EN_HEADINGS,
    ES_HEADINGS,
    ISSUE_PHRASES,
    REPRO_PHRASES,
    english_headings,
)

from metricwatch.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def delivered(delivered: Delivered) -> Delivered:
    """The run-wide deliverable (support/delivered.py), its commands exited as documented."""
    assert delivered.codes == EXPECTED_CODES, delivered.streams
    return delivered


@pytest.fixture(scope="module")
def full_report(delivered: Delivered) -> Path:
    return delivered.out


def test_report_has_every_section_and_the_facts(full_report: Path) -> None:
    result = json.loads((full_report / "metrics.json").read_text())
    assert result["errors"] == {}
    html = (full_report / "metrics_monitoring.html").read_text(encoding="utf-8")
    text = pdf_text(full_report / "metrics_monitoring.pdf")
    for heading in EN_HEADINGS:
        assert heading in html
        assert heading in " ".join(text.split())
    rows = {r["version"]: r for r in result["kpis"]["rows"]}
    assert set(rows) == {"v1.0.0", "v1.0.1", "v1.0.3"}
    for version in ("v1.0.0", "v1.0.1", "v1.0.3"):
        assert rows[version]["run_id_short"] in html
        assert rows[version]["run_id_short"] in text
    tags = {t["tag"]: t for t in result["integrity"]["tags"]}
    assert [tags[v]["status"] for v in ("v1.0.0", "v1.0.1", "v1.0.2", "v1.0.3")] == [
        "ok", "ok", "fail", "fail",
    ]  # fmt: skip
    assert "missing run" in tags["v1.0.2"]["summary"]
    assert "missing run" in html
    pct = result["drift"]["dataset_drift_pct"]
    assert f"{pct:.1f} %" in html
    assert result["repro"]["verdict"] == "identical"
    assert "reproduced: identical" in html
    assert 'http-equiv="Content-Security-Policy"' in html
    assert '<script src="http' not in html
    breached = {(f["rule"], f["version"]) for f in result["flags"] if f["outcome"] == "breach"}
    assert {("rmse", "v1.0.3"), ("train_time_s", "v1.0.3"), ("integrity", "v1.0.2")} <= breached
    imgs = [i for i in result["evidence"]["items"] if i["status"] == "ok"]
    assert {"mlflow_runs.png", "dvc_repro_ok.png"} <= {i["name"] for i in imgs}
    assert html.count("data:image/png;base64,") >= len(imgs)


@dataclass
class Rerender:
    """The English deliverable's metrics.json rendered again in Spanish (`--from-result`)."""

    out: Path  # its own report folder
    stream: str  # what the command printed


@pytest.fixture(scope="module")
def rerender(delivered: Delivered, tmp_path_factory: pytest.TempPathFactory) -> Rerender:
    """`make report REPORT_ARGS='--lang es --from-result … -o …'` with the deliverable's config:
    the result already collected is worded in Spanish (results store messages), so this costs
    a render (notebook, HTML, PDF), not a collection, as a user's second language would."""
    base = tmp_path_factory.mktemp("spanish")
    out, result = base / "reports", delivered.out / "metrics.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(base / "cache"), "COLUMNS": "200"}
    argv = ["make", "-s", "-C", str(REPO_ROOT), "report", f"CONFIG={delivered.config}",
            f"REPORT_ARGS=--lang es --from-result {result} -o {out}"]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Rerender(out, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def spanish(rerender: Rerender) -> Path:
    return rerender.out


def visible_text(html: str) -> str:
    """What a reader sees in the HTML: no scripts (plotly.js), styles or tags; entities decoded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def data_values(result: dict) -> list[str]:
    """The data a report quotes as it is: features, runs, experiments, tags, paths, DVC keys."""
    values = [f["name"] for f in result["drift"]["features"]]
    values += [r["run_name"] for r in result["kpis"]["rows"]] + result["kpis"]["experiments"]
    values += [t["tag"] for t in result["integrity"]["tags"]]
    for rev in result["kpis"]["dvc_metrics"]["diffs"]:
        values += [rev["path"], rev["key"]]
    values += [i["name"] for i in result["evidence"]["items"]]
    return sorted({v for v in values if v}, key=len, reverse=True)


def english_left(text: str, phrases: list[str], values: list[str]) -> list[str]:
    for value in values:
        text = text.replace(value, " ")
    found = []
    for phrase in phrases:
        if re.search(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", text):
            found.append(phrase)
    return found


# what the demo's integrity checklist and rules table said in English before their reasons were
# catalogue messages (the Spanish report must word them all)
REASON_PHRASES = [
    "annotated tag",
    "committed",
    "stage(s) locked",
    "output(s) on the remote",
    "not on the remote",
    "directory manifest",
    "matches",
    "param(s) equal to",
    "data/model hash(es) equal to",
    "metric(s) and",
    "artifact(s) present",
    "missing run",
    "no MLflow run to check",
    "no MLflow run to look up",
    "dataset(s) = the tag's data",
    "all checks pass",
    "❌ if",
]


def test_spanish_report_has_no_english_sentences_or_headings(spanish: Path) -> None:
    result = json.loads((spanish / "metrics.json").read_text())
    assert result["errors"] == {} and result["meta"]["lang"] == "es"
    html = (spanish / "metrics_monitoring.html").read_text(encoding="utf-8")
    texts = {"html": visible_text(html),
             "pdf": " ".join(pdf_text(spanish / "metrics_monitoring.pdf").split())}  # fmt: skip
    english = english_headings()
    sections = [h for h in english if re.match(r"\d\. ", h)]
    assert sections == EN_HEADINGS  # the seed's eight, then History, from the catalogue
    values = data_values(result)
    for name, text in texts.items():
        assert [h for h in ES_HEADINGS if h not in text] == [], name  # the seed's, unchanged
        assert english_left(text, [*ISSUE_PHRASES, *REASON_PHRASES, *sections], values) == [], name
    assert "Tabla de correspondencia" in html
    # every heading and table heading of the HTML is worded in Spanish
    cells = re.findall(r"<(h[1-6]|th)\b[^>]*>(.*?)</\1>", html, flags=re.S)
    shown = {visible_text(inner) for _, inner in cells}
    assert len(shown) > 40
    assert sorted(shown & set(english)) == []
    # the drift part's words, translated: its verdicts, kinds and chart titles
    assert "sin drift" in texts["html"] and "numérica" in texts["html"]
    assert "Puntuación de drift por variable" in html


def test_from_result_renders_the_collected_result_and_collects_nothing(
    delivered: Delivered, rerender: Rerender, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report --from-result`: the earlier result as it was (only `meta.lang` is the new
    language), no part collected, no history snapshot; misuse is a ConfigError naming the fix."""
    english = json.loads((delivered.out / "metrics.json").read_text())
    spanish = json.loads((rerender.out / "metrics.json").read_text())
    assert english["meta"].pop("lang") == "en" and spanish["meta"].pop("lang") == "es"
    assert spanish == english
    result = delivered.out / "metrics.json"
    said = " ".join(rerender.stream.split())
    assert f"metricwatch report: result {result} → {rerender.out}" in said
    assert "collect: kpis" in delivered.streams["make report"]
    assert "collect" not in said  # neither a part nor the stage
    config = str(delivered.config)
    assert main(["history", "-c", config, "--format", "json"]) == 0
    assert [s["command"] for s in json.loads(capsys.readouterr().out)] == ["report", "check"]
    bad = tmp_path / "metrics.json"
    bad.write_text('{"meta": {"project": "p"}}', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", "-c", config, "-o", str(out), "--from-result", str(bad)]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert f"--from-result: {bad} is not a metrics.json written by metricwatch report" in said
    assert not out.exists()  # refused before the output folder was touched
    args = ["report", "-c", config, "-o", str(out), "--from-result", str(result), "--skip", "drift"]
    assert main(args) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "--skip, --force and --rev apply only to a collection" in said


HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


@dataclass
class Variant:
    """One HTML-only report of a demo copy with an extra metric (`mae`) logged on every run and
    a hostile run name on v1.0.1's run (kpis and integrity only; the PDF is the deliverable's)."""

    result: dict
    html: str
    logged: dict[str, float]  # run id → the logged mae


@pytest.fixture(scope="module")
def variant(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Variant:
    import mlflow

    base = tmp_path_factory.mktemp("variant")
    copy = base / "demo"
    shutil.copytree(demo_dir, copy, symlinks=True)
    client = mlflow.MlflowClient(f"sqlite:///{copy / 'mlflow.db'}")
    exp = client.get_experiment_by_name("student-performance")
    logged = {}
    for i, run in enumerate(client.search_runs([exp.experiment_id])):
        logged[run.info.run_id] = 0.4321 + i / 10
        client.log_metric(run.info.run_id, "mean_abs_err", logged[run.info.run_id])
    run = client.search_runs([exp.experiment_id], "tags.version = 'v1.0.1'")[0]
    client.set_tag(run.info.run_id, "mlflow.runName", HOSTILE)
    cfg = yaml.safe_load((copy / "metricwatch.yaml").read_text(encoding="utf-8"))
    cfg["mlflow"]["metrics"] = {"mae": ["mean_abs_err"]}
    (copy / "metricwatch.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    out = base / "out"
    args = ["report", "-c", str(copy / "metricwatch.yaml"), "-o", str(out), "--renderer", "builtin"]
    skip = ["--skip", "repro", "--skip", "evidence", "--skip", "drift", "--no-pdf"]
    assert main([*args, *skip]) == 0
    assert not (out / "metrics_monitoring.pdf").exists()
    result = json.loads((out / "metrics.json").read_text())
    return Variant(result, (out / "metrics_monitoring.html").read_text(encoding="utf-8"), logged)


def test_an_extra_metric_in_the_config_is_a_kpi_column_and_a_trend(variant: Variant) -> None:
    result, html = variant.result, variant.html
    table = re.search(r'<table class="mw-table mw-kpis">.*?</table>', html, flags=re.S)
    assert table is not None
    heads = [visible_text(h) for h in re.findall(r"<th\b[^>]*>(.*?)</th>", table.group(0))]
    assert heads[4:9] == ["RMSE", "QWK", "Time (s)", "Drift (%)", "mae"]  # config order
    rows = {r["run_id"]: r for r in result["kpis"]["rows"]}
    for run_id, value in variant.logged.items():
        assert rows[run_id]["values"]["mae"]["value"] == pytest.approx(value)
        assert f"<td>{rows[run_id]['values']['mae']['display']}</td>" in table.group(0)
    # the trend plots: a fifth subplot titled "mae" whose trace carries the logged values
    assert '"text":"mae"' in html and '"name":"mae"' in html
    points = [p for p in result["kpis"]["trends"]["mae"] if p["value"] is not None]
    assert {round(p["value"], 4) for p in points} == {round(v, 4) for v in variant.logged.values()}
    assert "Also followed (mlflow.metrics in metricwatch.yaml): mae." in visible_text(html)


def test_hostile_run_name_is_escaped(variant: Variant) -> None:
    html = variant.html
    assert HOSTILE in {r["run_name"] for r in variant.result["kpis"]["rows"]}
    assert '<script>alert("pwned")' not in html and "<img src=x" not in html
    # shown as text (the HTML post-processing may write the quotes literally in text nodes)
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# the documented outputs: the report folder (its logs/reproducibility.log too), the .prom file
DOCUMENTED_OUTPUTS = ("reports/", "metrics/")


def test_nothing_in_the_users_project_store_or_remote_changed(delivered: Delivered) -> None:
    before, after = delivered.before, delivered.after
    changed = {p for p in before.keys() & after.keys() if before[p] != after[p]}
    removed = before.keys() - after.keys()
    added = after.keys() - before.keys()
    assert not removed, f"files removed: {sorted(removed)}"
    assert not changed, f"files changed: {sorted(changed)}"
    unexpected = sorted(p for p in added if not p.startswith(DOCUMENTED_OUTPUTS))
    assert not unexpected, f"files written outside the documented outputs: {unexpected}"
    # the parts the issue names are each non-empty and identical before and after
    for area in ("project/.git/refs/", "project/.dvc/cache/", "remote/", "mlartifacts/"):
        assert any(p.startswith(area) for p in before), area
    assert before["mlflow.db"] == after["mlflow.db"]
    assert {"reports/metrics_monitoring.html", "reports/metrics_monitoring.pdf",
            "reports/logs/reproducibility.log", "metrics/metricwatch.prom"} <= added  # fmt: skip


def _texts(delivered: Delivered) -> dict[str, str]:
    """Every file the commands wrote (as text; PDFs through pdftotext) and their streams."""
    texts = {f"stream: {k}": v for k, v in delivered.streams.items()}
    written = [delivered.root / p for p in delivered.after.keys() - delivered.before.keys()]
    written += [p for p in delivered.cache.rglob("*") if p.is_file()]
    for path in written:
        if path.suffix == ".pdf":
            texts[str(path)] = pdf_text(path)
        else:
            texts[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


def test_no_secret_appears_in_any_output(delivered: Delivered) -> None:
    assert delivered.hook_requests >= 1  # the webhook URL was really used
    texts = _texts(delivered)
    kinds = {Path(name).suffix for name in texts}
    assert {".html", ".pdf", ".json", ".ipynb", ".log", ".prom"} <= kinds, kinds
    assert any(name.endswith("manifest.json") for name in texts), "no evidence manifest searched"
    needles = [*SECRETS.values(), HOOK_SECRET]
    hits = [(name, n) for name, text in texts.items() for n in needles if n in text]
    assert hits == [], f"secrets found in outputs: {hits}"


def test_history_lists_the_report_and_the_check(
    delivered: Delivered, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["history", "-c", str(delivered.root / "metricwatch.yaml"), "--format", "json"])
    snaps = json.loads(capsys.readouterr().out)
    assert code == 0 and [s["command"] for s in snaps] == ["report", "check"]
    report, check = snaps
    assert report["tags"] == {"v1.0.0": "ok", "v1.0.1": "ok", "v1.0.2": "fail", "v1.0.3": "fail"}
    assert report["repro_verdict"] == "identical" and check["repro_verdict"] is None
    assert report["candidate"] == check["candidate"] == "v1.0.3"
    assert report["dataset_drift_pct"] == check["dataset_drift_pct"] == 20.0
    assert {("integrity", "v1.0.2"), ("rmse", "v1.0.3")} <= {
        (b["rule"], b["version"]) for b in check["breaches"]
    }
    assert check["exit_code"] == 1 and report["exit_code"] is None
    assert {"kpis", "collect", "publish"} <= report["timings"].keys()  # per part, then per stage


def test_the_repro_section_words_the_stored_verdict_in_the_reports_language(
    delivered: Delivered,
) -> None:
    """metrics.json read back into the models (as the notebook does): the verdict and its facts
    are catalogue messages with parameters, so one result reads in English and in Spanish."""
    from metricwatch.doc.blocks import Image, Notice, Paragraph
    from metricwatch.i18n import Lang
    from metricwatch.parts.repro.section import build
    from metricwatch.result import MonitoringResult

    result = MonitoringResult.read(delivered.out / "metrics.json")

    def shown(lang: Lang) -> str:
        kinds = (Notice, Paragraph)
        blocks = build(result, lang)
        return " ".join([b.text for b in blocks if isinstance(b, kinds)] +
                        [b.caption for b in blocks if isinstance(b, Image)])  # fmt: skip

    english, spanish = shown("en"), shown("es")
    assert "reproduced: identical (volatile keys differ as expected: " in english
    assert "reproducido: idéntico (claves volátiles difieren, como se espera: " in spanish
    assert "reports/metrics.json:train_time_s" in spanish  # the parameters, kept as they are
    assert english_left(spanish, REPRO_PHRASES, []) == []
