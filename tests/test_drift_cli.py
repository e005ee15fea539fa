"""`metricwatch drift` end to end on small CSV files: formats, exit codes, figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metricwatch.cli import main
from metricwatch.parts.drift.model import DriftReport
from metricwatch.parts.drift.text import definition_text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    n = 600
    ref = pd.DataFrame(
        {
            "a": rng.normal(0, 1, n),
            "b": rng.normal(0, 1, n),
            "kind": rng.choice(["x", "y", "z"], n, p=[0.6, 0.3, 0.1]),
            "label": rng.integers(0, 3, n),
        }
    )
    cur = ref.copy()
    cur["a"] = rng.normal(1.5, 1, n)
    cur["kind"] = rng.choice(["x", "y", "z", "new"], n, p=[0.1, 0.3, 0.3, 0.3])
    ref.to_csv(tmp_path / "ref.csv", index=False)
    cur.to_csv(tmp_path / "cur.csv", index=False)
    (tmp_path / "metricwatch.yaml").write_text(
        "drift:\n  reference: ref.csv\n  current: cur.csv\n  target: label\n", encoding="utf-8"
    )
    return tmp_path


def test_json_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        ["drift", "-c", str(project / "metricwatch.yaml"), "--format", "json", "--no-concept"]
    )
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert data["drifted_features"] == ["a", "kind"]
    assert data["dataset_drift_pct"] == pytest.approx(100 * 2 / 3)
    assert data["target"]["name"] == "label" and data["target"]["drifted"] is False
    kind = next(f for f in data["features"] if f["name"] == "kind")
    assert kind["distribution"]["labels"] == ["x", "y", "z", "unseen"]
    assert kind["distribution"]["current"][-1] == pytest.approx(0.3, abs=0.06)
    definition = definition_text(DriftReport.model_validate(data))  # worded from the JSON
    assert "2 of 3 comparable features that drift = 66.7 %" in definition
    assert data["concept"] is None


def test_markdown_and_table_outputs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = str(project / "metricwatch.yaml")
    assert main(["drift", "-c", cfg, "--format", "markdown", "--no-concept"]) == 0
    md = capsys.readouterr().out
    assert (
        "| feature | kind | PSI | KL | JS | test | p-value | adj. p | NaN ref/cur | verdict |" in md
    )
    assert "| a | numeric |" in md and "DRIFT" in md
    assert "- Dataset drift: 66.7 % (drifting: a, kind)" in md
    assert "Smoothing: bins empty on both sides are dropped" in md
    assert main(["drift", "-c", cfg, "--no-concept"]) == 0
    table = capsys.readouterr().out
    assert "Dataset drift: 66.7 %" in table


def test_reference_and_current_options_override_the_config(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(project / "metricwatch.yaml")
    rc = main(["drift", "-c", cfg, "--current", "ref.csv", "-f", "json", "--no-concept"])
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dataset_drift_pct"] == 0.0
    assert all(f["js"] == 0.0 for f in data["features"])


def test_concept_drift_without_tracking_uri_is_reported(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["drift", "-c", str(project / "metricwatch.yaml"), "-f", "json"])
    assert rc == 0
    concept = json.loads(capsys.readouterr().out)["concept"]
    assert concept["status"] == "unavailable"
    assert concept["reason"].startswith("no model run: ")
    assert "mlflow.tracking_uri is not set" in concept["reason"]


def test_no_comparable_feature_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "tiny.csv").write_text("a,b,kind,label\n1,2,x,0\n", encoding="utf-8")
    rc = main(
        [
            "drift",
            "-c",
            str(project / "metricwatch.yaml"),
            "--current",
            "tiny.csv",
            "--no-concept",
            "-f",
            "markdown",
        ]
    )
    assert rc == 2
    captured = capsys.readouterr()
    assert "no feature could be compared" in captured.err
    assert "no verdict: insufficient data (n=1 in the current, fewer than 10 bins)" in captured.out
    assert "- Dataset drift: undefined (drifting: none)" in captured.out


def test_bad_input_is_exit_1_with_the_file_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "latin.csv").write_bytes("a,kind\n1,é\n".encode("latin-1"))
    rc = main(["drift", "-c", str(project / "metricwatch.yaml"), "--current", "latin.csv"])
    assert rc == 1
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert "latin.csv: not valid UTF-8 (byte 0xe9 at offset 9, line 2)" in err


def test_figures_html(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "out" / "drift.html"
    rc = main(
        ["drift", "-c", str(project / "metricwatch.yaml"), "--no-concept", "--figures", str(out)]
    )
    assert rc == 0
    page = out.read_text(encoding="utf-8")
    assert "Drift score per feature (Jensen–Shannon distance)" in page
    assert "a (numeric): JS" in page and "label (categorical): JS" in page
    assert page.count("window.PlotlyConfig") == 1  # plotly.js embedded once for all figures
    assert f"figures written to {out}" in capsys.readouterr().err.replace("\n", "")
