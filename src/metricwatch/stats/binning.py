"""Numeric bins from reference quantiles: coarse bins for PSI/KL/JS, a fine grid for KS.

Edges are reference quantiles at 0, 1/B, …, 1 (B = drift.bins, numpy's method "lower": every edge
is a data value, so ties in discrete-ish data collapse into one edge instead of spawning
interpolated ones; duplicates are removed, giving fewer, wider bins), plus two overflow bins for
values below the reference minimum and above its maximum. A fine grid of FINE_BINS_PER_BIN × B
quantiles is counted at the same time (the coarse edges are a subset of it); the KS test uses
it. Edges come from finite values; ±inf land in the overflow bins and NaN is counted apart.

Engines count on the search edges (the fine edges with the last one nudged up, so the maximum
falls in the last inner bin): bin 0 = values < search[0], bin i = [search[i-1], search[i]),
the last bin = values ≥ search[-1]. That is exactly Spark's Bucketizer with splits
[-inf, *search, +inf].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

FINE_BINS_PER_BIN = 100


def fine_ranks(n_finite: int, bins: int) -> np.ndarray:
    """0-based ranks (among the sorted finite reference values) of the fine grid's quantiles."""
    fine_n = bins * FINE_BINS_PER_BIN
    probs = np.arange(fine_n + 1) / fine_n
    return np.floor(probs * (n_finite - 1)).astype(np.int64)


def edges_from_quantiles(at_ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(coarse, fine) edges from the reference's values at `fine_ranks`."""
    values = np.asarray(at_ranks, dtype=np.float64) + 0.0  # -0.0 -> 0.0 (one zero for engines)
    return np.unique(values[::FINE_BINS_PER_BIN]), np.unique(values)


def search_edges(fine_edges: Sequence[float] | np.ndarray) -> np.ndarray:
    fine = np.asarray(fine_edges, dtype=np.float64)
    search = fine.copy() if fine.size > 1 else np.repeat(fine, 2)
    search[-1] = np.nextafter(search[-1], np.inf)
    return search


@dataclass(frozen=True)
class NumericPlan:
    edges: np.ndarray  # coarse edges (unique, sorted), first = reference min, last = max
    fine_edges: np.ndarray  # fine edges, a superset of `edges`
    search: np.ndarray = field(repr=False)
    fine_to_coarse: np.ndarray = field(repr=False)

    @classmethod
    def from_edges(
        cls, coarse: Sequence[float] | np.ndarray, fine: Sequence[float] | np.ndarray
    ) -> NumericPlan:
        coarse_a = np.asarray(coarse, dtype=np.float64)
        search = search_edges(fine)
        # fine bin i (1..m-1) spans [search[i-1], search[i]); map it to its coarse bin
        n_inner = max(coarse_a.size - 1, 1)
        inner = np.minimum(np.searchsorted(coarse_a, search[:-1], side="right"), n_inner)
        mapping = np.concatenate([[0], inner, [n_inner + 1]]).astype(np.int64)
        return cls(coarse_a, np.asarray(fine, dtype=np.float64), search, mapping)

    @property
    def n_fine(self) -> int:
        return self.search.size + 1

    @property
    def n_bins(self) -> int:
        return int(self.fine_to_coarse[-1]) + 1

    def coarse(self, fine_counts: np.ndarray) -> np.ndarray:
        return np.bincount(self.fine_to_coarse, weights=fine_counts, minlength=self.n_bins)

    def labels(self) -> list[str]:
        e = self.edges
        inner = (
            [f"[{e[i]:.4g}, {e[i + 1]:.4g})" for i in range(e.size - 1)]
            if e.size > 1
            else [f"= {e[0]:.4g}"]
        )
        if e.size > 1:
            inner[-1] = inner[-1][:-1] + "]"
        return [f"< {e[0]:.4g}", *inner, f"> {e[-1]:.4g}"]
