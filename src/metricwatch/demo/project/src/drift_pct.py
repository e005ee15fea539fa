"""data_drift_pct: the share of features whose distribution moved between two data sets.

A feature counts as drifted when a two-sample test rejects "same distribution" at p < 0.05
(Kolmogorov-Smirnov with its asymptotic p-value for numeric columns, chi-square for
categorical ones) AND the Jensen-Shannon distance (base 2) between the binned distributions
is at least 0.1 (numeric columns: 10 quantile bins of the reference). The test alone flags
tiny, harmless shifts on large samples; the distance alone is noisy on small ones.
Only numpy and scipy.special: this runs in every `evaluate`, so it stays cheap to import.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import chdtrc, kolmogorov

P_VALUE = 0.05
JS_MIN = 0.1
BINS = 10


def ks_p_value(ref: np.ndarray, cur: np.ndarray) -> float:
    """Asymptotic p-value of the two-sample Kolmogorov-Smirnov statistic."""
    ref, cur = np.sort(ref), np.sort(cur)
    grid = np.concatenate([ref, cur])
    cdf_ref = np.searchsorted(ref, grid, side="right") / ref.size
    cdf_cur = np.searchsorted(cur, grid, side="right") / cur.size
    d = float(np.max(np.abs(cdf_ref - cdf_cur)))
    en = np.sqrt(ref.size * cur.size / (ref.size + cur.size))
    return float(kolmogorov(en * d))


def chi2_p_value(ref_counts: np.ndarray, cur_counts: np.ndarray) -> float:
    """p-value of the chi-square test of homogeneity on a 2 x k table."""
    table = np.vstack([ref_counts, cur_counts]).astype(float) + 0.5
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    stat = float(((table - expected) ** 2 / expected).sum())
    return float(chdtrc(table.shape[1] - 1, stat))


def js_distance(p: np.ndarray, q: np.ndarray) -> float:
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        mask = a > 0
        return float(np.sum(a[mask] * np.log2(a[mask] / m[mask])))

    return float(np.sqrt(max((kl(p) + kl(q)) / 2, 0.0)))


def feature_drifted(reference: pd.Series, current: pd.Series) -> bool:
    ref, cur = reference.dropna(), current.dropna()
    if pd.api.types.is_numeric_dtype(ref):
        ref_v, cur_v = ref.to_numpy(float), cur.to_numpy(float)
        p_value = ks_p_value(ref_v, cur_v)
        edges = np.unique(np.quantile(ref_v, np.linspace(0, 1, BINS + 1)))
        ref_counts = np.histogram(np.clip(ref_v, edges[0], edges[-1]), edges)[0]
        cur_counts = np.histogram(np.clip(cur_v, edges[0], edges[-1]), edges)[0]
    else:
        categories = sorted(set(ref) | set(cur))
        ref_counts = ref.value_counts().reindex(categories, fill_value=0).to_numpy()
        cur_counts = cur.value_counts().reindex(categories, fill_value=0).to_numpy()
        p_value = chi2_p_value(ref_counts, cur_counts)
    distance = js_distance(ref_counts.astype(float), cur_counts.astype(float))
    return bool(p_value < P_VALUE and distance >= JS_MIN)


def drift_pct(reference: pd.DataFrame, current: pd.DataFrame, *, target: str) -> float:
    """Percentage (0-100) of the shared feature columns (target excluded) that drifted."""
    features = [c for c in reference.columns if c != target and c in current.columns]
    drifted = sum(feature_drifted(reference[c], current[c]) for c in features)
    return round(100.0 * drifted / len(features), 2) if features else 0.0
