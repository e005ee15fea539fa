"""`metricwatch drift` on the embedded demo: exactly the two drifted features and the target,
and the week the drift starts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from metricwatch.cli import main
from metricwatch.demo.data import DRIFT_SINCE, DRIFT_WEEK, DRIFTED_FEATURES, TARGET, TIME_COLUMN


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
    assert f"2 of {n} comparable features that drift" in data["definition"]
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
