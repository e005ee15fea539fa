"""Multiple-testing corrections of the per-feature p-values of one comparison.

Each comparison (the whole current data, or one time window) tests every comparable feature; with
many features, p < 0.05 per feature piles up false alarms. The p-values are adjusted across the
features of the comparison:

- `bh` (default): Benjamini–Hochberg, controls the false discovery rate. With p sorted
  ascending, adjusted p_(i) = min over j ≥ i of m · p_(j) / j, capped at 1 (the step-up form;
  equal to R's p.adjust(method="BH") and scipy.stats.false_discovery_control).
- `bonferroni`: m · p, capped at 1 (controls the family-wise error rate).
- `none`: the p-values as they are.

Corrections are registered by name in CORRECTIONS; `get_correction` lists the valid names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from metricwatch.errors import CheckError

Correction = Callable[[Sequence[float]], list[float]]


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return [float(v) for v in out]


def bonferroni(p_values: Sequence[float]) -> list[float]:
    m = len(p_values)
    return [float(min(1.0, p * m)) for p in p_values]


def no_correction(p_values: Sequence[float]) -> list[float]:
    return [float(p) for p in p_values]


CORRECTIONS: dict[str, Correction] = {
    "bh": benjamini_hochberg,
    "bonferroni": bonferroni,
    "none": no_correction,
}


def get_correction(name: str) -> Correction:
    try:
        return CORRECTIONS[name]
    except KeyError:
        valid = ", ".join(sorted(CORRECTIONS))
        raise CheckError(f"unknown p-value correction {name!r}; valid names: {valid}") from None
