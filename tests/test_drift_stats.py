"""Known-answer and property tests of the drift statistics, binning and tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import chisquare, ks_2samp

from metricwatch.config import DriftConfig
from metricwatch.errors import CheckError
from metricwatch.parts.drift.collect import frames_report
from metricwatch.sources.drift_engines.columns import category_counts
from metricwatch.sources.drift_engines.kernels import (
    counts_from_sorted,
    finite_part,
    sort_in_scratch,
)
from metricwatch.stats.binning import NumericPlan, edges_from_quantiles, fine_ranks
from metricwatch.stats.categories import to_vector, vocabulary
from metricwatch.stats.counts import NumericCounts
from metricwatch.stats.divergence import (
    EPSILON,
    STATISTICS,
    all_statistics,
    get_statistic,
    smoothed_shares,
)
from metricwatch.stats.tests import chi_square, get_test, ks_from_histograms

# --- known answers ----------------------------------------------------------------------


def test_identical_histograms_give_zero() -> None:
    counts = np.array([10, 0, 30, 60])
    out = all_statistics(counts, counts)
    assert out == {"psi": 0.0, "kl": 0.0, "js": 0.0}


def test_disjoint_histograms_give_the_maximum() -> None:
    out = all_statistics(np.array([100, 0]), np.array([0, 100]))
    # with ε = 1e-4 the shares are (1-ε', ε') vs (ε', 1-ε'): PSI = 2(1-2ε')ln((1-ε')/ε')
    e = EPSILON / (1 + EPSILON)
    assert out["psi"] == pytest.approx(2 * (1 - 2 * e) * math.log((1 - e) / e), rel=1e-12)
    assert out["kl"] == pytest.approx((1 - e) * math.log((1 - e) / e) + e * math.log(e / (1 - e)))
    assert out["js"] > 0.99
    assert out["js"] <= 1.0


def test_hand_computed_small_case() -> None:
    # reference shares (0.5, 0.5), current (0.25, 0.75): no empty bin, no smoothing
    out = all_statistics(np.array([2, 2]), np.array([1, 3]))
    psi = (0.25 - 0.5) * math.log(0.25 / 0.5) + (0.75 - 0.5) * math.log(0.75 / 0.5)
    kl = 0.25 * math.log(0.25 / 0.5) + 0.75 * math.log(0.75 / 0.5)
    assert out["psi"] == pytest.approx(psi, abs=1e-15)
    assert out["kl"] == pytest.approx(kl, abs=1e-15)
    m = np.array([0.375, 0.625])
    jsd = 0.5 * (0.5 * math.log2(0.5 / 0.375) + 0.5 * math.log2(0.5 / 0.625)) + 0.5 * (
        0.25 * math.log2(0.25 / 0.375) + 0.75 * math.log2(0.75 / m[1])
    )
    assert out["js"] == pytest.approx(math.sqrt(jsd), abs=1e-15)


def test_smoothing_drops_bins_empty_on_both_sides_and_renormalizes() -> None:
    ref, cur = smoothed_shares(np.array([5, 0, 5, 0]), np.array([0, 0, 10, 0]))
    assert ref.tolist() == [0.5, 0.5]
    assert cur == pytest.approx([EPSILON / (1 + EPSILON), 1 / (1 + EPSILON)])
    assert cur.sum() == pytest.approx(1.0)


def test_empty_histogram_is_an_error() -> None:
    with pytest.raises(CheckError, match="empty histogram"):
        smoothed_shares(np.array([0, 0]), np.array([1, 2]))


def test_registry_lists_valid_names() -> None:
    assert set(STATISTICS) == {"psi", "kl", "js"}
    assert get_statistic("js") is STATISTICS["js"]
    with pytest.raises(CheckError, match="valid names: js, kl, psi"):
        get_statistic("wasserstein")
    with pytest.raises(CheckError, match="valid names: chi2, ks"):
        get_test("anderson")


@pytest.mark.parametrize(
    ("ref", "cur"),
    [([1, 2, 3], [3, 2, 1]), ([10, 0, 5, 1], [0, 7, 5, 9]), ([1, 1], [1000, 1]), ([3], [5])],
)
def test_js_equals_scipy_on_the_same_smoothed_shares(ref: list[int], cur: list[int]) -> None:
    p, q = smoothed_shares(np.array(ref), np.array(cur))
    assert get_statistic("js")(p, q) == pytest.approx(jensenshannon(p, q, base=2), abs=1e-12)


# --- binning ---------------------------------------------------------------------------


def plan_of(ref: np.ndarray, bins: int) -> NumericPlan:
    s, _ = sort_in_scratch(np.asarray(ref, dtype=float))
    finite = finite_part(s).copy()
    return NumericPlan.from_edges(*edges_from_quantiles(finite[fine_ranks(finite.size, bins)]))


def counts_of(plan: NumericPlan, x: np.ndarray) -> NumericCounts:
    s, n_nan = sort_in_scratch(np.asarray(x, dtype=float))
    return counts_from_sorted(s, plan.search, n_nan)


def test_numeric_bins_on_reference_quantiles_with_overflow_bins() -> None:
    ref = np.arange(100, dtype=float)  # 0..99
    plan = plan_of(ref, 4)
    assert plan.edges.tolist() == [0.0, 24.0, 49.0, 74.0, 99.0]  # method "lower"
    assert plan.n_bins == 6  # below min, 4 quantile bins, above max
    coarse = plan.coarse(counts_of(plan, ref).fine)
    assert coarse.tolist() == [0, 24, 25, 25, 26, 0]
    assert np.quantile(ref, [0.25, 0.5], method="lower").tolist() == [24.0, 49.0]
    out = plan.coarse(counts_of(plan, np.array([-5.0, 0.0, 99.0, 100.0, np.inf, -np.inf])).fine)
    assert out.tolist() == [2, 1, 0, 0, 1, 2]
    assert plan.labels()[0] == "< 0" and plan.labels()[-1] == "> 99"


def test_duplicate_edges_are_merged_for_discrete_data() -> None:
    ref = np.array([1.0] * 50 + [2.0] * 30 + [3.0] * 20)
    plan = plan_of(ref, 10)
    assert plan.edges.tolist() == [1.0, 2.0, 3.0]
    assert plan.coarse(counts_of(plan, ref).fine).tolist() == [0, 50, 50, 0]


def test_counts_equal_a_plain_searchsorted_with_nan_and_inf_apart() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(size=500), [np.inf, -np.inf, np.nan]])
    plan = plan_of(x, 10)
    c = counts_of(plan, x)
    finite_and_inf = x[~np.isnan(x)]
    expected = np.bincount(
        np.searchsorted(plan.search, finite_and_inf, side="right"), minlength=plan.n_fine
    )
    assert c.fine.tolist() == expected.tolist()
    assert (c.n_nan, c.n_posinf, c.n_neginf) == (1, 1, 1)


def test_counts_merge_across_batches() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=1000)
    plan = plan_of(x, 10)
    merged = counts_of(plan, x[:300]) + counts_of(plan, x[300:])
    assert merged.same_as(counts_of(plan, x))


def test_new_category_goes_to_unseen() -> None:
    ref = category_counts(pd.Series(["a", "b", "a", None]))
    vocab = vocabulary(ref.counts)
    assert vocab == ["a", "b"]
    cur = category_counts(pd.Series(["a", "c", "c", None, None]))
    assert to_vector(cur, vocab).tolist() == [1, 0, 2]
    assert cur.n_nan == 2


def test_ordinal_order_comes_first() -> None:
    counts = category_counts(pd.Series(["high", "low", "mid", "other"]))
    assert vocabulary(counts.counts, ("low", "mid", "high")) == ["low", "mid", "high", "other"]


# --- tests -------------------------------------------------------------------------------


def test_ks_from_fine_histogram_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=5000), rng.normal(0.1, 1.0, size=4000)
    plan = plan_of(a, 10)  # 1000 fine quantile bins
    d, p = ks_from_histograms(counts_of(plan, a).fine, counts_of(plan, b).fine)
    exact = ks_2samp(a, b, method="asymp")
    assert d <= exact.statistic + 1e-12
    assert exact.statistic - d < 2.5 / 1000  # at most about one fine bin's share
    assert p == pytest.approx(exact.pvalue, rel=0.25, abs=1e-4)


def test_chi_square_matches_scipy_on_a_2xk_table() -> None:
    ref, cur = np.array([30, 50, 20, 0]), np.array([40, 40, 15, 5])
    stat, p = chi_square(ref, cur)
    table = np.vstack([ref, cur])[:, :4]
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
    manual = float(((table - expected) ** 2 / expected).sum())
    assert stat == pytest.approx(manual)
    assert 0 < p < 1
    assert chisquare([1, 1])[1] == 1.0  # sanity of the scipy import used above
    assert chi_square(np.array([5, 0]), np.array([7, 0])) == (0.0, 1.0)


# --- properties ----------------------------------------------------------------------------

counts_pair = st.integers(min_value=1, max_value=12).flatmap(
    lambda k: st.tuples(
        st.lists(st.integers(0, 1000), min_size=k, max_size=k).filter(lambda v: sum(v) > 0),
        st.lists(st.integers(0, 1000), min_size=k, max_size=k).filter(lambda v: sum(v) > 0),
    )
)


@settings(max_examples=200, deadline=None)
@given(counts_pair)
def test_js_symmetric_bounded_and_equal_to_scipy(pair: tuple[list[int], list[int]]) -> None:
    a, b = np.array(pair[0]), np.array(pair[1])
    ab, ba = all_statistics(a, b), all_statistics(b, a)
    assert ab["js"] == pytest.approx(ba["js"], abs=1e-12)
    assert 0.0 <= ab["js"] <= 1.0
    p, q = smoothed_shares(a, b)
    assert ab["js"] == pytest.approx(jensenshannon(p, q, base=2), abs=1e-9)
    assert ab["psi"] >= 0.0 and ab["kl"] >= -1e-12
    assert ab["psi"] == pytest.approx(ba["psi"], rel=1e-9, abs=1e-12)  # PSI is symmetric too
    assert all(math.isfinite(v) for v in ab.values())


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_results_do_not_depend_on_row_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    ref = pd.DataFrame({"x": rng.normal(size=n), "c": rng.choice(list("abcd"), n)})
    cur = pd.DataFrame({"x": rng.normal(0.3, 1, size=n), "c": rng.choice(list("abcde"), n)})
    dcfg = DriftConfig()
    a = frames_report(ref, cur, dcfg)
    b = frames_report(ref.sample(frac=1, random_state=seed % 1000), cur[::-1], dcfg)
    assert [f.model_dump() for f in a.features] == [f.model_dump() for f in b.features]


def test_unseen_categories_are_named_in_the_reason() -> None:
    ref = pd.DataFrame({"c": ["a", "b"] * 100})
    cur = pd.DataFrame({"c": ["a", "b"] * 80 + ["new"] * 30 + ["<b>x</b>"] * 10})
    (feat,) = frames_report(ref, cur, DriftConfig()).features
    assert feat.status == "ok" and feat.drifted is not None
    assert feat.reason == (
        "2 categories not in the reference ('new', '<b>x</b>'): 40 of 200 current values, "
        "counted in the 'unseen' bin"
    )
