"""Bins from the reference, and histograms that merge across batches.

Numeric: edges are reference quantiles at 0, 1/B, …, 1 (B = drift.bins, method "lower",
duplicates removed so discrete-ish data gets fewer, wider bins), plus two overflow bins for
values below the reference minimum and above its maximum. A finer grid of FINE_BINS_PER_BIN × B
reference quantiles is counted at the same time (the coarse edges are a subset of it); the KS
test uses it. Edges come from finite values; ±inf land in the overflow bins and NaN is counted
apart. Categorical: one bin per reference category (ordinal order when given, else sorted) and
an "unseen" bin for categories absent from the reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FINE_BINS_PER_BIN = 100
UNSEEN = "unseen"


@dataclass
class Histogram:
    """Counts on a plan's bins; `+` merges two batches."""

    counts: np.ndarray
    n_nan: int = 0
    n_posinf: int = 0
    n_neginf: int = 0

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    def __add__(self, other: Histogram) -> Histogram:
        return Histogram(
            self.counts + other.counts,
            self.n_nan + other.n_nan,
            self.n_posinf + other.n_posinf,
            self.n_neginf + other.n_neginf,
        )


def quantile_points(sorted_finite: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Quantiles of an already sorted array, numpy's method="lower": every edge is a data value,
    so ties (discrete-ish data) collapse into one edge instead of spawning interpolated ones."""
    pos = np.floor(probs * (sorted_finite.size - 1)).astype(np.int64)
    return sorted_finite[pos]


@dataclass(frozen=True)
class NumericPlan:
    edges: np.ndarray  # coarse edges (unique, sorted), first = reference min, last = max
    fine_edges: np.ndarray  # fine edges, a superset of `edges`
    search: np.ndarray = field(repr=False)  # fine edges with the last one nudged up
    fine_to_coarse: np.ndarray = field(repr=False)

    @classmethod
    def from_sorted(cls, sorted_finite: np.ndarray, bins: int) -> NumericPlan:
        """Edges from sorted finite reference values (all of them, or a sample when streamed)."""
        fine_n = bins * FINE_BINS_PER_BIN
        fine_all = quantile_points(sorted_finite, np.arange(fine_n + 1) / fine_n)
        fine = np.unique(fine_all)
        coarse = np.unique(fine_all[::FINE_BINS_PER_BIN])
        search = fine.copy() if fine.size > 1 else np.repeat(fine, 2)
        search[-1] = np.nextafter(search[-1], np.inf)
        # fine bin i (1..m) spans [search[i-1], search[i]); map it to its coarse bin
        n_inner = max(coarse.size - 1, 1)
        starts = search[:-1]
        inner_map = np.minimum(np.searchsorted(coarse, starts, side="right"), n_inner)
        mapping = np.concatenate([[0], inner_map, [n_inner + 1]]).astype(np.int64)
        return cls(coarse, fine, search, mapping)

    @property
    def n_fine(self) -> int:
        return self.search.size + 1

    @property
    def n_bins(self) -> int:
        return int(self.fine_to_coarse[-1]) + 1

    def count(self, values: np.ndarray) -> Histogram:
        """Fine-grid counts of float values (NaN apart, ±inf into the overflow bins).

        Sorting and then locating the edges in the sorted values is 3× faster here than
        locating every value among the edges (np.searchsorted of unsorted values).
        """
        x = np.asarray(values, dtype=np.float64)
        nan = np.isnan(x)
        n_nan = int(nan.sum())
        return self.count_sorted(np.sort(x[~nan] if n_nan else x), n_nan)

    def count_sorted(self, sorted_values: np.ndarray, n_nan: int = 0) -> Histogram:
        """The same counts from already sorted non-NaN values, without a pass over the data."""
        pos = np.searchsorted(sorted_values, self.search, side="left")
        counts = np.diff(np.concatenate([[0], pos, [sorted_values.size]])).astype(np.int64)
        n_neg = int(np.searchsorted(sorted_values, -np.inf, side="right"))
        n_pos = sorted_values.size - int(np.searchsorted(sorted_values, np.inf, side="left"))
        return Histogram(counts, n_nan, n_pos, n_neg)

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


def value_counts(values: pd.Series) -> tuple[pd.Series, int]:
    """(counts per distinct non-missing value, number of missing values); merge with add."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    per_unique = np.bincount(codes[codes >= 0], minlength=len(uniques))
    return pd.Series(per_unique, index=pd.Index(uniques, dtype=object)), int((codes < 0).sum())


def merge_counts(a: pd.Series, b: pd.Series) -> pd.Series:
    return a.add(b, fill_value=0).astype(np.int64)


@dataclass(frozen=True)
class CategoricalPlan:
    categories: list  # reference categories in display order; the last bin is "unseen"

    @classmethod
    def from_counts(
        cls, reference_counts: pd.Series, order: tuple | list | None = None
    ) -> CategoricalPlan:
        """Categories seen in the reference: an ordinal order first, then the others sorted."""
        ordered = list(order or [])
        known = set(ordered)
        seen = [v for v, n in reference_counts.items() if n > 0 and v not in known]
        return cls(ordered + sorted(seen, key=lambda v: (type(v).__name__, v)))

    @property
    def n_bins(self) -> int:
        return len(self.categories) + 1

    def histogram(self, counts: pd.Series, n_nan: int = 0) -> Histogram:
        target = pd.Index(self.categories, dtype=object).get_indexer(counts.index)
        target[target < 0] = len(self.categories)  # absent from the reference: "unseen"
        out = np.bincount(target, weights=counts.to_numpy(), minlength=self.n_bins)
        return Histogram(out.astype(np.int64), n_nan)

    def count(self, values: pd.Series) -> Histogram:
        return self.histogram(*value_counts(values))

    def labels(self) -> list[str]:
        return [str(c) for c in self.categories] + [UNSEEN]
