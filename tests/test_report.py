"""`metricwatch report` end to end on the embedded demo: HTML + PDF with the real facts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from metricwatch.cli import main
from metricwatch.render.lock import output_lock

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

EN_HEADINGS = [
    "1. Project KPIs",
    "2. Version integrity — DVC + MLflow",
    "3. End-to-end reproducibility",
    "4. Continuous monitoring and alerts",
    "5. Evidence for delivery",
    "6. Appendix A — Instrumentation snippets",
    "7. Appendix B — DVC metrics and plots declaration",
    "8. Appendix C — Seeds and environments",
]
ES_HEADINGS = [
    "1. KPIs del proyecto",
    "2. Integridad de versiones — DVC + MLflow",
    "3. Reproducibilidad de extremo a extremo",
    "4. Plan de monitoreo continuo y alertas",
    "5. Evidencia para entrega (PDF)",
    "6. Apéndice A — Snippets para instrumentación",
    "7. Apéndice B — Declaración de metrics y plots en DVC",
    "8. Apéndice C — Recomendaciones de seeds y entornos",
]


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def full_report(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-en")
    assert main(["report", "-c", str(demo_dir / "metricwatch.yaml"), "-o", str(out)]) == 0
    return out


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


def test_spanish_report_uses_the_seed_headings(demo_dir: Path, tmp_path: Path) -> None:
    args = ["report", "-c", str(demo_dir / "metricwatch.yaml"), "-o", str(tmp_path), "--lang", "es"]
    assert main([*args, "--skip", "repro", "--skip", "evidence"]) == 0
    html = (tmp_path / "metrics_monitoring.html").read_text(encoding="utf-8")
    text = " ".join(pdf_text(tmp_path / "metrics_monitoring.pdf").split())
    for heading in ES_HEADINGS:
        assert heading in html
        assert heading in text
    assert "Tabla de correspondencia" in html


def test_hostile_run_name_is_escaped(demo_dir: Path, tmp_path: Path) -> None:
    import mlflow

    copy = tmp_path / "demo"
    shutil.copytree(demo_dir, copy, symlinks=True)
    client = mlflow.MlflowClient(f"sqlite:///{copy / 'mlflow.db'}")
    exp = client.get_experiment_by_name("student-performance")
    run = client.search_runs([exp.experiment_id], "tags.version = 'v1.0.1'")[0]
    hostile = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
    client.set_tag(run.info.run_id, "mlflow.runName", hostile)
    out = tmp_path / "out"
    args = ["report", "-c", str(copy / "metricwatch.yaml"), "-o", str(out), "--renderer", "builtin"]
    assert main([*args, "--skip", "repro", "--skip", "evidence", "--skip", "drift"]) == 0
    html = (out / "metrics_monitoring.html").read_text(encoding="utf-8")
    assert '<script>alert("pwned")' not in html and "<img src=x" not in html
    # shown as text (the HTML post-processing may write the quotes literally in text nodes)
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_second_report_on_the_same_folder_exits_2(demo_dir: Path, tmp_path: Path) -> None:
    with output_lock(tmp_path):
        proc = subprocess.run(
            [sys.executable, "-m", "metricwatch", "report", "-c", str(demo_dir / "metricwatch.yaml"),
             "-o", str(tmp_path)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "already running" in proc.stderr
