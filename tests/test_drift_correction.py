"""Honest multiple testing: adjusted p-values (known answers) and the effect floor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import false_discovery_control

from metricwatch.config import DriftConfig
from metricwatch.errors import CheckError
from metricwatch.parts.drift.collect import frames_report
from metricwatch.stats.correction import (
    CORRECTIONS,
    benjamini_hochberg,
    bonferroni,
    get_correction,
)
from metricwatch.stats.feature_drift import FeatureDrift
from metricwatch.stats.verdicts import Rule, decide

# Benjamini & Hochberg (1995), section 4: 15 p-values; at q = 0.05 the four smallest are rejected.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
           0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip


def test_bh_rejects_exactly_what_the_1995_paper_rejects() -> None:
    adjusted = benjamini_hochberg(BH_1995)
    assert [p < 0.05 for p in adjusted] == [True] * 4 + [False] * 11
    # step-up by hand: p_(i) · m / i, then the running minimum from the largest p down
    assert adjusted[3] == pytest.approx(0.0095 * 15 / 4)  # 0.035625 < 0.05
    assert adjusted[4] == pytest.approx(0.0201 * 15 / 5)  # 0.0603: the first one kept
    assert adjusted[5] == adjusted[6] == pytest.approx(0.0298 * 15 / 7)  # p_(6) takes p_(7)'s
    assert adjusted[-1] == 1.0


@pytest.mark.parametrize(
    ("p", "bh", "bonf"),
    [
        ([0.01, 0.02, 0.03, 0.04, 0.05], [0.05] * 5, [0.05, 0.1, 0.15, 0.2, 0.25]),
        ([0.04, 0.01, 0.5], [0.06, 0.03, 0.5], [0.12, 0.03, 1.0]),  # order kept
        ([0.2], [0.2], [0.2]),
        ([], [], []),
    ],
)
def test_bh_and_bonferroni_known_answers(
    p: list[float], bh: list[float], bonf: list[float]
) -> None:
    assert benjamini_hochberg(p) == pytest.approx(bh)
    assert bonferroni(p) == pytest.approx(bonf)
    assert get_correction("none")(p) == p


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=40))
def test_bh_equals_scipy(p: list[float]) -> None:
    assert benjamini_hochberg(p) == pytest.approx(list(false_discovery_control(p)), abs=1e-12)


def test_unknown_correction_lists_the_valid_names() -> None:
    assert set(CORRECTIONS) == {"bh", "bonferroni", "none"}
    with pytest.raises(CheckError, match="valid names: bh, bonferroni, none"):
        get_correction("holm")


def _f(name: str, p: float, js: float, status: str = "ok") -> FeatureDrift:
    return FeatureDrift(name=name, kind="numeric", js=js, p_value=p, status=status)  # type: ignore[arg-type]


def test_a_feature_drifts_on_adjusted_p_and_the_effect_floor() -> None:
    feats = [
        _f("a", 0.01, 0.3),
        _f("b", 0.03, 0.3),
        _f("c", 1e-9, 0.05),
        _f("d", 0.001, 0.5, "low sample size"),
    ]
    out = {f.name: f for f in decide(feats, Rule(p_value=0.05, js_threshold=0.1))}
    # 3 tested (d has no verdict): BH gives a 0.015, b 0.03, c 3e-9
    assert out["a"].p_adjusted == pytest.approx(0.015) and out["a"].drifted is True
    assert out["b"].p_adjusted == pytest.approx(0.03) and out["b"].drifted is True
    assert out["c"].drifted is False  # tiny p, tiny effect: below the floor
    assert out["d"].drifted is None and out["d"].p_adjusted is None
    strict = {f.name: f for f in decide(feats, Rule(0.05, 0.1, "bonferroni"))}
    assert strict["b"].p_adjusted == pytest.approx(0.09) and strict["b"].drifted is False


def test_half_a_percent_mean_shift_at_five_million_rows_is_not_flagged() -> None:
    rng = np.random.default_rng(5)
    n = 5_000_000
    ref = pd.DataFrame({"x": rng.normal(100.0, 10.0, n)})
    cur = pd.DataFrame({"x": rng.normal(100.5, 10.0, n)})  # +0.5 % of the mean
    report = frames_report(ref, cur, DriftConfig())
    (x,) = report.features
    assert x.p_value is not None and x.p_value < 1e-100  # the test sees it
    assert x.js is not None and x.js < 0.05  # the effect is negligible
    assert x.drifted is False and report.dataset_drift_pct == 0.0
    assert report.correction == "bh" and report.n_tests == 1 and report.js_threshold == 0.1
