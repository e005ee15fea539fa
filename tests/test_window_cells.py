"""The windowed comparison's fast path equals `compare` + `decide` run window by window."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from metricwatch.config import DriftConfig
from metricwatch.sources.drift_engines.local_count import count, tasks_of
from metricwatch.sources.drift_engines.local_freeze import freeze_frame
from metricwatch.stats.bin_spec import CategoricalBins, NumericBins
from metricwatch.stats.counts import CategoryCounts, NumericCounts
from metricwatch.stats.feature_drift import MIN_ROWS_PER_BIN, compare
from metricwatch.stats.spec_drift import rule_of
from metricwatch.stats.tests import chi2_p_values, chi2_statistic, ks_p_values
from metricwatch.stats.verdicts import decide, drift_pct
from metricwatch.stats.windows import window_drift
from metricwatch.window_spec import parse_window

DCFG = DriftConfig(reference="r", current="c", time_column="t", window="1D", bins=5)
DAY_US = 86_400_000_000


def _frame(rng: np.random.Generator, n: int, shift: float) -> pd.DataFrame:
    lo = rng.normal(shift, 1.0, n)
    lo[rng.random(n) < 0.05] = np.nan
    lo[rng.random(n) < 0.002] = np.inf
    return pd.DataFrame(
        {
            "x": lo,
            "y": rng.lognormal(shift / 2, 0.6, n),
            "k": rng.integers(0, 4, n).astype(float),  # few distinct values: merged edges
            "one": np.full(n, 7.0),  # constant in the reference
            "c": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "d": rng.choice(["u", "v"], n),
        }
    )


def _current(seed: int) -> pd.DataFrame:
    """Days of varied sizes: empty, too few rows, low sample size, a column all missing, drift."""
    rng = np.random.default_rng(seed)
    parts = []
    for day, n in enumerate([400, 20, 0, 26, 600, 120, 0, 0, 300, 12, 800]):
        if n == 0:
            continue
        f = _frame(rng, n, shift=0.4 * (day >= 4))
        if day == 3:
            f.loc[:5, "x"] = np.nan  # 20 values left: low sample size
        if day == 5:
            f["x"] = np.nan  # all missing in this window
        if day == 8:
            f["c"] = rng.choice(["a", "z", "new"], n)  # unseen categories
            f.loc[: n // 2, "d"] = None
        f["t"] = np.datetime64("2026-03-02") + (day * DAY_US + rng.integers(0, DAY_US, n)).astype(
            "timedelta64[us]"
        )
        parts.append(f)
    return pd.concat(parts, ignore_index=True)


def _per_window(spec, counts, rows, dcfg: DriftConfig, names: list[str]):
    """The straightforward path: one `compare` per (window, feature), `decide` per window."""
    cols = [c for c in spec.columns if c.name in names]
    out = {}
    for w, n in rows.items():
        if n < MIN_ROWS_PER_BIN * dcfg.bins:
            continue
        feats = []
        for c in cols:
            zero = (
                NumericCounts.zeros(len(c.fine_edges) + 1)
                if isinstance(c, NumericBins)
                else CategoryCounts()
            )
            cur = counts.get(w, {}).get(c.name) or zero
            weight = float(dcfg.weights.get(c.name, 1.0))
            feats.append(compare(c, c.reference_counts(), cur, bins=dcfg.bins, weight=weight))
        out[w] = decide(feats, rule_of(dcfg))
    return out


@pytest.mark.parametrize(("seed", "ordered"), [(0, False), (1, False), (2, True)])
def test_fast_windows_equal_the_per_window_comparison(seed: int, ordered: bool) -> None:
    dcfg = DCFG.model_copy(update={"weights": {"y": 2.0}, "js_threshold": 0.05})
    spec = freeze_frame(_frame(np.random.default_rng(100 + seed), 3000, 0.0), dcfg, label="ref")
    cur = _current(seed).sort_values("t") if ordered else _current(seed)  # ordered: no gather
    counted = count([cur], tasks_of(spec), window=parse_window("1D"), time_column="t")
    wc = counted.windows
    assert wc is not None and wc.problem is None
    fast = window_drift(spec, wc.counts, wc.rows, wc.spec, dcfg, skip=set(), notes=[])
    assert fast.features == ["x", "y", "k", "one", "c", "d"]
    assert all(isinstance(c, (NumericBins, CategoricalBins)) for c in spec.columns)
    slow = _per_window(spec, wc.counts, wc.rows, dcfg, fast.features)
    statuses = {w.status for w in fast.windows}
    assert statuses == {"ok", "empty", "too few rows"}
    seen = set()
    for j, win in enumerate(fast.windows):
        if win.status != "ok":
            assert win.window not in slow
            assert all(fast.js[i][j] is None for i in range(len(fast.features)))
            continue
        feats = slow[win.window]
        seen |= {f.status for f in feats}
        assert [fast.js[i][j] for i in range(len(feats))] == [f.js for f in feats]
        assert [fast.p_adjusted[i][j] for i in range(len(feats))] == [f.p_adjusted for f in feats]
        assert [fast.drifted[i][j] for i in range(len(feats))] == [f.drifted for f in feats]
        pct, names, tested = drift_pct(feats)
        assert (win.dataset_drift_pct, win.drifted_features, win.n_tested) == (pct, names, tested)
    # the cases the fast path decides on its own are all exercised
    assert {"ok", "low sample size", "all missing", "constant"} <= seen
    assert any(any(row) for row in fast.drifted) and fast.first_drift


def test_chi2_statistic_and_p_value_are_scipys_exactly() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        k = int(rng.integers(2, 40))
        table = rng.integers(0, int(10 ** rng.integers(1, 7)), size=(2, k)).astype(np.float64)
        table[0, 0] += 1
        table[1, 1] += 1
        table = table[:, table.sum(axis=0) > 0]
        ref = chi2_contingency(table, correction=False)
        stat = chi2_statistic(table)
        p = chi2_p_values(np.array([stat]), np.array([table.shape[1] - 1]))[0]
        assert (stat, p) == (ref.statistic, ref.pvalue)


def test_ks_p_values_in_one_call_are_scipys_scalar_calls() -> None:
    from scipy.stats import kstwo, kstwobign

    rng = np.random.default_rng(11)
    d = rng.random(200) * 0.1
    en = np.concatenate([rng.random(100) * 10_000 + 0.5, rng.random(100) * 1e6 + 10_001])
    one_call = ks_p_values(d, en)
    for di, ei, p in zip(d, en, one_call, strict=True):
        alone = (
            kstwo.sf(di, max(1, round(ei))) if ei <= 10_000 else kstwobign.sf(di * math.sqrt(ei))
        )
        assert p == float(alone)
