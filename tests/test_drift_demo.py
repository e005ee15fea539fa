"""`metricwatch drift` on the embedded demo: exactly the two drifted features and the target."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from metricwatch.cli import main
from metricwatch.demo.data import DRIFTED_FEATURES, TARGET


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
