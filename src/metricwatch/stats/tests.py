"""Significance tests on histograms: Kolmogorov–Smirnov (numeric) and chi-square (categorical).

KS is computed from the two empirical CDFs evaluated on a fine grid of reference quantiles
(FINE_BINS_PER_BIN × bins points, see stats/binning.py), not from the raw samples: the
histograms merge across batches, so the same test runs in memory and on Parquet read in row
groups. On the grid the statistic D is exact at every grid point and can underestimate the
sample D by at most the largest fine-bin share (≈ 1/(100 × bins) of the reference). The
p-value is the one scipy's ks_2samp(method="asymp") uses (kstwo with n·m/(n+m)) up to an
effective n of 10,000, and its limit, the Kolmogorov distribution, above. Chi-square is
Pearson's statistic of the 2 × k table with the arithmetic of scipy's
chi2_contingency(correction=False) and its p-value (chdtrc). The p-value helpers take arrays, so
the windowed comparison (stats/window_cells.py) gets every window's p-values in one call, each
the one a call of its own would give.

Tests are registered by name in TESTS; `get_test` lists the valid names.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np

from metricwatch.errors import CheckError

EXACT_KS_MAX_N = 10_000
TestFn = Callable[[np.ndarray, np.ndarray], tuple[float, float]]


def _scipy_stats() -> ModuleType:
    """scipy.stats, imported when a test runs: it costs a second or more of CPU at import, which
    every command that reads the result model (`--help`, `check --skip drift`) would pay."""
    from scipy import stats

    return stats


def ks_from_histograms(
    reference_counts: np.ndarray, current_counts: np.ndarray
) -> tuple[float, float]:
    """(D, p-value) of the two-sample KS test from counts on the same ordered bins."""
    ref = np.asarray(reference_counts, dtype=np.float64)
    cur = np.asarray(current_counts, dtype=np.float64)
    n, m = ref.sum(), cur.sum()
    if n <= 0 or m <= 0:
        raise CheckError("KS needs at least one value on each side")
    d = float(np.max(np.abs(np.cumsum(ref) / n - np.cumsum(cur) / m)))
    p = float(ks_p_values(np.array([d]), np.array([n * m / (n + m)]))[0])
    return d, min(1.0, max(0.0, p))


def ks_p_values(d: np.ndarray, en: np.ndarray) -> np.ndarray:
    """KS p-values of distances `d` at effective sizes `en` = n·m/(n+m), element by element.

    kstwo.sf costs ~50 ms at n = 500k; its limit (Kolmogorov) is exact enough above
    EXACT_KS_MAX_N. One call for many comparisons gives each the p-value a call of its own would.
    """
    stats = _scipy_stats()
    out = np.empty(d.shape, dtype=np.float64)
    exact = en <= EXACT_KS_MAX_N
    if exact.any():
        out[exact] = stats.kstwo.sf(d[exact], np.maximum(1, np.round(en[exact])))
    if (~exact).any():
        out[~exact] = stats.kstwobign.sf(d[~exact] * np.sqrt(en[~exact]))
    return out


def chi_square(reference_counts: np.ndarray, current_counts: np.ndarray) -> tuple[float, float]:
    """(χ², p-value) of the 2 × k contingency table; categories empty on both sides dropped."""
    ref = np.asarray(reference_counts, dtype=np.float64)
    cur = np.asarray(current_counts, dtype=np.float64)
    if ref.sum() <= 0 or cur.sum() <= 0:
        raise CheckError("chi-square needs at least one value on each side")
    table = contingency(ref, cur)
    if table.shape[1] < 2:
        return 0.0, 1.0
    statistic = chi2_statistic(table)
    return statistic, float(chi2_p_values(np.array([statistic]), np.array([table.shape[1] - 1]))[0])


def contingency(reference_counts: np.ndarray, current_counts: np.ndarray) -> np.ndarray:
    """The 2 × k float table of two count vectors, categories empty on both sides dropped."""
    ref = np.asarray(reference_counts, dtype=np.float64)
    cur = np.asarray(current_counts, dtype=np.float64)
    keep = (ref + cur) > 0
    return np.vstack([ref[keep], cur[keep]])


def chi2_statistic(table: np.ndarray) -> float:
    """Pearson's χ² of a 2 × k table without empty columns, with the arithmetic of scipy's
    chi2_contingency(correction=False) (tests/test_drift_stats.py checks they agree exactly)."""
    expected = np.sum(table, axis=1, keepdims=True) * np.sum(table, axis=0, keepdims=True)
    expected = expected / table.sum()
    return float(np.sum((table - expected) ** 2 / expected))


def chi2_p_values(statistics: np.ndarray, dof: np.ndarray) -> np.ndarray:
    """Upper-tail χ² probabilities, element by element (scipy's chdtrc, as chi2_contingency)."""
    from scipy import special

    return np.asarray(special.chdtrc(dof.astype(np.float64), statistics), dtype=np.float64)


TESTS: dict[str, TestFn] = {"ks": ks_from_histograms, "chi2": chi_square}


def get_test(name: str) -> TestFn:
    try:
        return TESTS[name]
    except KeyError:
        valid = ", ".join(sorted(TESTS))
        raise CheckError(f"unknown drift test {name!r}; valid names: {valid}") from None
