"""The drift report: dataset drift % and its definition, weights, column selection and typing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metricwatch.config import DriftConfig
from metricwatch.parts.drift.collect import frames_report
from metricwatch.parts.drift.text import definition_text, smoothing_text
from metricwatch.stats.feature_drift import FeatureDrift
from metricwatch.stats.verdicts import drift_pct


def _frames(n: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(11)
    ref = pd.DataFrame(
        {
            "moved": rng.normal(0, 1, n),
            "same": rng.normal(0, 1, n),
            "grade": rng.choice(["low", "mid", "high"], n),
            "small_int": rng.integers(0, 5, n),
            "label": rng.integers(0, 3, n),
        }
    )
    cur = ref.copy()
    cur["moved"] = rng.normal(2, 1, n)
    cur["same"] = rng.normal(0, 1, n)
    cur["label"] = rng.choice([0, 1, 2], n, p=[0.7, 0.2, 0.1])
    return ref, cur


def _f(name: str, drifted: bool | None, weight: float = 1.0) -> FeatureDrift:
    status = "ok" if drifted is not None else "constant"
    return FeatureDrift(name=name, kind="numeric", drifted=drifted, status=status, weight=weight)


def test_drift_pct_counts_only_comparable_features_and_uses_weights() -> None:
    feats = [_f("a", True), _f("b", False), _f("c", False), _f("d", None)]
    assert drift_pct(feats) == (pytest.approx(100 / 3), ["a"], 3)
    weighted = [_f("a", True, 3.0), _f("b", False, 1.0), _f("d", None, 5.0)]
    assert drift_pct(weighted)[0] == pytest.approx(75.0)
    assert drift_pct([_f("d", None)]) == (None, [], 0)


def test_report_definition_target_and_typing() -> None:
    ref, cur = _frames()
    dcfg = DriftConfig(target="label", ordinal={"grade": ["low", "mid", "high"]})
    report = frames_report(ref, cur, dcfg)
    feats = {f.name: f for f in report.features}
    assert set(feats) == {"moved", "same", "grade", "small_int"}  # target apart
    assert feats["small_int"].kind == "categorical"  # ≤ 20 whole values
    assert feats["grade"].distribution is not None
    assert feats["grade"].distribution.labels == ["low", "mid", "high", "unseen"]
    assert report.drifted_features == ["moved"]
    assert report.dataset_drift_pct == 25.0
    assert definition_text(report) == (
        "A feature drifts when its Jensen–Shannon distance ≥ 0.1 (the effect floor) AND its "
        "test p-value adjusted across the 4 tested feature(s) (Benjamini–Hochberg) < 0.05 "
        "(Kolmogorov–Smirnov for numeric, chi-square for categorical features). Dataset drift % "
        "= 1 of 4 comparable features that drift = 25.0 %. The target is reported apart (label "
        "drift) and not counted; 0 feature(s) without a verdict (insufficient data, constant, "
        "missing, type mismatch…) are left out of both counts."
    )
    assert report.target is not None and report.target.drifted is True
    assert "ε = 0.0001" in smoothing_text()
    assert "Y el p-valor de su prueba ajustado entre las 4" in definition_text(report, "es")
    dumped = report.model_dump(mode="json")  # JSON-safe: no NaN/inf anywhere
    assert "NaN" not in pd.Series([str(dumped)]).iloc[0]


def test_overrides_include_exclude_and_weights() -> None:
    ref, cur = _frames()
    dcfg = DriftConfig(
        include=["moved", "same", "small_int"],
        exclude=["same"],
        numeric=["small_int"],
        weights={"moved": 1.0, "small_int": 3.0},
        js_threshold=0.5,
    )
    report = frames_report(ref, cur, dcfg)
    feats = {f.name: f for f in report.features}
    assert set(feats) == {"moved", "small_int"}
    assert feats["small_int"].kind == "numeric"
    assert feats["moved"].js is not None and feats["moved"].js > 0.5
    assert report.dataset_drift_pct == 25.0  # weight 1 of 4
    assert "the weighted share (drift.weights) of comparable features" in definition_text(report)
    assert "JS distance ≥ 0.5" in definition_text(report).replace(
        "Jensen–Shannon distance", "JS distance"
    )
