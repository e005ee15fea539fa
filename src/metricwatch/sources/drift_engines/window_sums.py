"""The local engine's per-window counts, added up across batches in place.

Each batch is counted grouped by window (sources/drift_engines/window_groups.py): a numeric
column gives one table with a row per window (sources/drift_engines/kernels.py `grouped_table`),
a categorical column CategoryCounts per window. Adding every batch's rows as new immutable
NumericCounts (and copying each window's column dict) cost about as much as the counting; here a
numeric row is added into one mutable row per (column, window), category counts into one mutable
dict per (column, window), each turned into counts once when the count ends. Rows without a
window (no usable time: key None) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from metricwatch.sources.drift_engines.kernels import table_counts
from metricwatch.stats.counts import CategoryCounts, SideCounts


class WindowSums:
    def __init__(self) -> None:
        self._rows: dict[str, dict[int, np.ndarray]] = {}  # column -> window -> table row
        self._tallies: dict[str, dict[int, Tally]] = {}  # column -> window -> categories

    def add_table(self, name: str, keys: Sequence[int | None], table: np.ndarray) -> None:
        """Add a `grouped_table` whose rows belong to the windows `keys`."""
        rows = self._rows.setdefault(name, {})
        for key, row in zip(keys, table, strict=True):
            if key is None:
                continue
            if key in rows:
                rows[key] += row
            else:
                rows[key] = row.copy()

    def add_categories(self, name: str, key: int | None, counts: CategoryCounts) -> None:
        if key is None:
            return
        tally = self._tallies.setdefault(name, {}).setdefault(key, ({}, [0]))
        add_into(tally, counts)

    def counts(self) -> dict[int, SideCounts]:
        """Window number -> column -> counts."""
        out: dict[int, SideCounts] = {}
        for name, rows in self._rows.items():
            for key, row in rows.items():
                out.setdefault(key, {})[name] = table_counts(row)
        for name, tallies in self._tallies.items():
            for key, (keyed, n_nan) in tallies.items():
                out.setdefault(key, {})[name] = CategoryCounts(keyed, n_nan[0])
        return out


Tally = tuple[dict[str, int], list[int]]  # (count per category key, [missing])


def add_into(tally: Tally, counts: CategoryCounts) -> None:
    """Add category counts into a mutable tally."""
    keyed, n_nan = tally
    for k, c in counts.counts.items():
        keyed[k] = keyed.get(k, 0) + c
    n_nan[0] += counts.n_nan


def category_total(parts: Iterable[CategoryCounts]) -> CategoryCounts:
    """The sum of many category counts, added in place."""
    tally: Tally = ({}, [0])
    for part in parts:
        add_into(tally, part)
    return CategoryCounts(tally[0], tally[1][0])
