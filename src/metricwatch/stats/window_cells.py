"""One feature in every window at once: the numbers `compare` gives per window, without its cost.

The windowed comparison needs, per (feature, window) cell, the Jensen–Shannon distance (None
where `compare` computes nothing), the test's raw p-value and whether the cell gets a verdict
(status "ok" in stats/feature_drift.py). A full FeatureDrift per cell (52 windows × features)
spent the comparison in per-call overhead (bin plans rebuilt, reference counts converted, one
scipy call per cell). Here the reference side is prepared once per feature, the KS distances of
all windows come from one (windows × fine bins) cumulative sum, the p-values from one vectorized
call per feature, and JS per window with the very arithmetic of `compare` (stats/divergence.py):
every number is identical to the per-cell path (tests/test_window_cells.py holds them equal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from metricwatch.stats.bin_spec import CategoricalBins, NumericBins
from metricwatch.stats.binning import NumericPlan
from metricwatch.stats.categories import to_vector
from metricwatch.stats.counts import CategoryCounts, ColumnCounts, NumericCounts
from metricwatch.stats.divergence import js, smoothed_shares
from metricwatch.stats.feature_drift import MIN_ROWS_PER_BIN, Status
from metricwatch.stats.tests import chi2_p_values, chi2_statistic, contingency, ks_p_values


@dataclass(frozen=True)
class Cells:
    """One feature across windows: JS (None: not computed), raw p-value (None: no verdict) and
    the status `compare` would give."""

    js: list[float | None]
    p_value: list[float | None]
    status: list[Status]


def _numeric(
    col: NumericBins, cur: Sequence[NumericCounts], done: np.ndarray, ok: np.ndarray
) -> tuple[list[float | None], np.ndarray]:
    plan = NumericPlan.from_edges(col.edges, col.fine_edges)
    ref_fine = np.asarray(col.counts, dtype=np.float64)
    ref_c = plan.coarse(ref_fine)
    js_out: list[float | None] = [None] * len(cur)
    for i in np.flatnonzero(done).tolist():
        js_out[i] = js(*smoothed_shares(ref_c, plan.coarse(cur[i].fine)))
    p = np.full(len(cur), np.nan)
    if ok.any():
        fine = np.vstack([cur[i].fine for i in np.flatnonzero(ok).tolist()]).astype(np.float64)
        n, m = ref_fine.sum(), fine.sum(axis=1)
        cdf = np.cumsum(ref_fine) / n
        d = np.max(np.abs(cdf - np.cumsum(fine, axis=1) / m[:, None]), axis=1)
        p[ok] = ks_p_values(d, n * m / (n + m))
    return js_out, p


def _categorical(
    col: CategoricalBins, cur: Sequence[CategoryCounts], done: np.ndarray, ok: np.ndarray
) -> tuple[list[float | None], np.ndarray]:
    ref_c = np.asarray([*col.counts, 0], dtype=np.int64)  # the 'unseen' bin last
    js_out: list[float | None] = [None] * len(cur)
    stat, dof = np.zeros(len(cur)), np.zeros(len(cur), dtype=np.int64)
    for i in np.flatnonzero(done).tolist():
        cur_c = to_vector(cur[i], col.categories)
        js_out[i] = js(*smoothed_shares(ref_c, cur_c))
        if ok[i]:
            table = contingency(ref_c, cur_c)
            dof[i] = table.shape[1] - 1
            stat[i] = chi2_statistic(table) if dof[i] > 0 else 0.0
    p = np.full(len(cur), np.nan)
    tested = ok & (dof > 0)
    p[ok] = 1.0  # one category left on both sides: χ² = 0, p = 1 (stats/tests.py chi_square)
    if tested.any():
        p[tested] = chi2_p_values(stat[tested], dof[tested])
    return js_out, p


def _statuses(
    ref: ColumnCounts, cur: Sequence[ColumnCounts], n_ref_bins: int, bins: int
) -> list[Status]:
    """The status of each cell, decided as stats/feature_drift.py decides it."""
    out: list[Status] = []
    for c in cur:
        status: Status = "ok"
        for side in (ref, c):
            if side.n < bins:
                status = "all missing" if side.n == 0 and side.n_nan > 0 else "insufficient data"
                break
        if status == "ok" and n_ref_bins <= 1:
            status = "constant"
        elif status == "ok" and min(ref.n, c.n) < MIN_ROWS_PER_BIN * bins:
            status = "low sample size"
        out.append(status)
    return out


def feature_cells(
    col: NumericBins | CategoricalBins, current: Sequence[ColumnCounts], bins: int
) -> Cells:
    """The cells of one feature, one per window's counts (a window without rows: zero counts)."""
    n_ref_bins = len(col.edges) if isinstance(col, NumericBins) else len(col.categories)
    status = _statuses(col.reference_counts(), current, n_ref_bins, bins)
    done = np.array([s not in ("all missing", "insufficient data") for s in status], dtype=bool)
    ok = np.array([s == "ok" for s in status], dtype=bool)
    if isinstance(col, NumericBins):
        js_out, p = _numeric(col, current, done, ok)  # type: ignore[arg-type]
    else:
        js_out, p = _categorical(col, current, done, ok)  # type: ignore[arg-type]
    p_out = [float(np.clip(v, 0.0, 1.0)) if k else None for v, k in zip(p, ok, strict=True)]
    return Cells(js_out, p_out, status)
