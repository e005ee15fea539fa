"""Per-bin counts: the one thing engines hand to the statistics.

Numeric columns are counted on the fine grid of a bin spec (stats/binning.py): bin 0 holds values
below the first edge (-inf included), bin i the values in [edge[i-1], edge[i]), the last bin the
values at or above the last search edge (+inf included); NaN (and null) are counted apart, and
±inf are also counted apart so the report can say how many there were. Categorical columns are
counted per category key (the canonical text of a value, stats/categories.py), missing values
apart. Counts of batches, of windows and of engines add up with `+`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class NumericCounts:
    fine: np.ndarray  # int64, one count per fine bin
    n_nan: int = 0
    n_posinf: int = 0
    n_neginf: int = 0

    @classmethod
    def zeros(cls, n_fine: int) -> NumericCounts:
        return cls(np.zeros(n_fine, dtype=np.int64))

    @property
    def n(self) -> int:
        """Non-missing values (±inf included)."""
        return int(self.fine.sum())

    def __add__(self, other: NumericCounts) -> NumericCounts:
        return NumericCounts(
            self.fine + other.fine,
            self.n_nan + other.n_nan,
            self.n_posinf + other.n_posinf,
            self.n_neginf + other.n_neginf,
        )

    def same_as(self, other: NumericCounts) -> bool:
        return bool(
            np.array_equal(self.fine, other.fine)
            and (self.n_nan, self.n_posinf, self.n_neginf)
            == (other.n_nan, other.n_posinf, other.n_neginf)
        )


@dataclass(frozen=True)
class CategoryCounts:
    counts: Mapping[str, int] = field(default_factory=dict)  # category key -> count
    n_nan: int = 0

    @property
    def n(self) -> int:
        return int(sum(self.counts.values()))

    def __add__(self, other: CategoryCounts) -> CategoryCounts:
        merged = dict(self.counts)
        for key, c in other.counts.items():
            merged[key] = merged.get(key, 0) + int(c)
        return CategoryCounts(merged, self.n_nan + other.n_nan)

    def same_as(self, other: CategoryCounts) -> bool:
        mine = {k: v for k, v in self.counts.items() if v}
        theirs = {k: v for k, v in other.counts.items() if v}
        return mine == theirs and self.n_nan == other.n_nan


ColumnCounts = NumericCounts | CategoryCounts
SideCounts = dict[str, ColumnCounts]  # column name -> counts, for one side or one window


def add_sides(a: SideCounts, b: SideCounts) -> SideCounts:
    """Column-wise sum of two sides' counts (a column present in only one is kept as is)."""
    out = dict(a)
    for name, counts in b.items():
        out[name] = out[name] + counts if name in out else counts  # type: ignore[operator]
    return out
