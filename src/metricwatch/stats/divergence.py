"""PSI, KL and Jensen–Shannon on binned shares, with one smoothing rule for empty bins.

Smoothing (stated in every drift report): bins empty on BOTH sides are dropped (they carry no
information); every remaining bin that is empty on one side gets a share of EPSILON = 1e-4 on
that side, and each side is renormalized to sum to 1. PSI and KL are therefore always finite;
identical histograms give exactly 0.

Statistics are registered by name in STATISTICS; `get_statistic` lists the valid names.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from metricwatch.errors import CheckError

EPSILON = 1e-4

Statistic = Callable[[np.ndarray, np.ndarray], float]


def smoothed_shares(
    reference_counts: np.ndarray, current_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Apply the smoothing rule to two count (or share) vectors over the same bins."""
    ref = np.asarray(reference_counts, dtype=np.float64)
    cur = np.asarray(current_counts, dtype=np.float64)
    if ref.shape != cur.shape:
        raise CheckError(f"histograms differ in shape: {ref.shape} vs {cur.shape}")
    if ref.sum() <= 0 or cur.sum() <= 0:
        raise CheckError("cannot compare an empty histogram; at least one value per side")
    keep = (ref + cur) > 0
    shares = []
    for side in (ref[keep], cur[keep]):
        p = side / side.sum()
        p = np.where(p == 0, EPSILON, p)
        shares.append(p / p.sum())
    return shares[0], shares[1]


def psi(reference: np.ndarray, current: np.ndarray) -> float:
    """Population stability index: Σ (c − r) · ln(c / r) over smoothed shares."""
    return float(np.sum((current - reference) * np.log(current / reference)))


def kl(reference: np.ndarray, current: np.ndarray) -> float:
    """KL(current ‖ reference) in nats over smoothed shares."""
    return float(np.sum(current * np.log(current / reference)))


def js(reference: np.ndarray, current: np.ndarray) -> float:
    """Jensen–Shannon distance, base 2 (the square root of the divergence), in [0, 1]."""
    m = 0.5 * (reference + current)
    div = 0.5 * np.sum(reference * np.log2(reference / m)) + 0.5 * np.sum(
        current * np.log2(current / m)
    )
    return float(min(1.0, np.sqrt(max(div, 0.0))))


STATISTICS: dict[str, Statistic] = {"psi": psi, "kl": kl, "js": js}


def get_statistic(name: str) -> Statistic:
    try:
        return STATISTICS[name]
    except KeyError:
        valid = ", ".join(sorted(STATISTICS))
        raise CheckError(f"unknown drift statistic {name!r}; valid names: {valid}") from None


def all_statistics(reference_counts: np.ndarray, current_counts: np.ndarray) -> dict[str, float]:
    """Every registered statistic on the smoothed shares of two histograms."""
    ref, cur = smoothed_shares(reference_counts, current_counts)
    return {name: fn(ref, cur) for name, fn in STATISTICS.items()}
