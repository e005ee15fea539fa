"""`metricwatch drift` on the embedded demo: exactly the two drifted features and the target,
and the week the drift starts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from metricwatch.cli import main
from metricwatch.demo.data import DRIFT_SINCE, DRIFT_WEEK, DRIFTED_FEATURES, TARGET, TIME_COLUMN
from metricwatch.parts.drift.model import DriftReport
from metricwatch.parts.drift.text import definition_text


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_demo_drift_flags_the_two_features_the_target_and_scores_v101(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = demo_dir / "mlflow.db"
    before = _hash(db)
    cfg = str(demo_dir / "metricwatch.yaml")
    rc = main(["drift", "-c", cfg, "--model-run", "v1.0.1", "--format", "json"])
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data["drifted_features"]) == sorted(DRIFTED_FEATURES)
    n = data["n_comparable"]
    assert data["dataset_drift_pct"] == pytest.approx(100 * 2 / n)
    definition = definition_text(DriftReport.model_validate(data))  # worded from the JSON
    assert f"2 of {n} comparable features that drift" in definition
    assert data["target"]["name"] == TARGET and data["target"]["drifted"] is True
    concept = data["concept"]
    assert concept["status"] == "ok", concept["reason"]
    assert concept["version"] == "v1.0.1"
    assert concept["rmse_current"] > concept["rmse_reference"]
    assert _hash(db) == before
    # honest multiple testing: BH across the features, the effect floor stated
    assert data["correction"] == "bh" and data["n_tests"] == n and data["js_threshold"] == 0.1
    assert data["bin_spec"]["hash"].startswith("sha256:") and not data["bin_spec"]["frozen"]
    # windowed drift names the week the drift starts, and the time column is no feature
    windows = data["windows"]
    assert windows["status"] == "ok" and windows["time_column"] == TIME_COLUMN
    assert TIME_COLUMN not in [f["name"] for f in data["features"]]
    assert windows["first_drift"] == dict.fromkeys(DRIFTED_FEATURES, DRIFT_SINCE)
    before_drift = windows["windows"][: DRIFT_WEEK - 1]
    assert len(windows["windows"]) == 8 and all(w["drifted_features"] == [] for w in before_drift)
    assert all(sorted(w["drifted_features"]) == sorted(DRIFTED_FEATURES)
               for w in windows["windows"][DRIFT_WEEK - 1 :])  # fmt: skip


def _drift_section(html: str) -> str:
    """The report's drift section as visible text (figures' random element ids left out)."""
    import html as html_lib
    import re

    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    text = " ".join(html_lib.unescape(re.sub(r"(?s)<[^>]+>", " ", text)).split())
    start = text.index("Dataset drift:")
    return text[start : text.index("Concept drift", start)]


@pytest.mark.slow
def test_two_renders_on_a_frozen_spec_give_the_same_drift_section(
    demo_dir: Path, tmp_path: Path
) -> None:
    import shutil

    demo = tmp_path / "demo"
    shutil.copytree(demo_dir, demo, symlinks=True)
    cfg = demo / "metricwatch.yaml"
    assert main(["drift", "-c", str(cfg), "--freeze", str(demo / "spec.json")]) == 0
    cfg.write_text(
        cfg.read_text("utf-8").replace("  window: 7D", "  window: 7D\n  bin_spec: spec.json"),
        "utf-8",
    )
    sections, drift = [], []
    for out in (tmp_path / "a", tmp_path / "b"):
        args = ["report", "-c", str(cfg), "-o", str(out), "--no-pdf", "--renderer", "builtin"]
        assert main([*args, "--skip", "kpis", "--skip", "integrity", "--skip", "repro",
                     "--skip", "evidence"]) == 0  # fmt: skip
        sections.append(_drift_section((out / "metrics_monitoring.html").read_text("utf-8")))
        drift.append(json.loads((out / "metrics.json").read_text("utf-8"))["drift"])
    assert sections[0] == sections[1] and drift[0] == drift[1]
    spec_hash = json.loads((demo / "spec.json").read_text("utf-8"))["hash"]
    assert drift[0]["bin_spec"]["hash"] == spec_hash and drift[0]["bin_spec"]["frozen"]
    assert f"bin spec {spec_hash} (frozen in" in sections[0]
    assert "adjusted across the 10 tested feature(s) (Benjamini–Hochberg)" in sections[0]
