"""Verdicts of one comparison: adjusted p-values, the effect floor, the dataset drift %.

A feature drifts when its p-value, adjusted across the comparison's features (drift.correction,
stats/correction.py), is below drift.p_value AND its Jensen–Shannon distance is at least
drift.js_threshold: at large n a KS or chi-square p-value goes to zero on negligible shifts,
the effect floor keeps those from being flagged. Only features with status "ok" are tested and
counted; the others keep drifted = None. Dataset drift % = the (weighted) share of the tested
features that drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from metricwatch.stats.correction import get_correction
from metricwatch.stats.feature_drift import FeatureDrift


@dataclass(frozen=True)
class Rule:
    p_value: float
    js_threshold: float
    correction: str = "bh"


def decide(features: list[FeatureDrift], rule: Rule) -> list[FeatureDrift]:
    """The features with p_adjusted and drifted set (tested ones) or left None."""
    tested = [i for i, f in enumerate(features) if f.status == "ok" and f.p_value is not None]
    adjusted = get_correction(rule.correction)([features[i].p_value for i in tested])  # type: ignore[misc]
    out = list(features)
    for i, p_adj in zip(tested, adjusted, strict=True):
        f = features[i]
        drifted = bool((f.js or 0.0) >= rule.js_threshold and p_adj < rule.p_value)
        out[i] = f.model_copy(update={"p_adjusted": p_adj, "drifted": drifted})
    return out


def drift_pct(features: list[FeatureDrift]) -> tuple[float | None, list[str], int]:
    """(weighted % of tested features that drift, their names, tested count)."""
    comparable = [f for f in features if f.drifted is not None]
    drifted = [f for f in comparable if f.drifted]
    total = sum(f.weight for f in comparable)
    if not comparable or total <= 0:
        return None, [f.name for f in drifted], len(comparable)
    return (
        100.0 * sum(f.weight for f in drifted) / total,
        [f.name for f in drifted],
        len(comparable),
    )
