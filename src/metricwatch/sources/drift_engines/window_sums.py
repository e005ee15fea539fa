"""The local engine's per-window counts, added up across batches in place.

Each batch is counted grouped by window (sources/drift_engines/window_groups.py): a numeric
column gives one table with a row per window (sources/drift_engines/kernels.py `grouped_table`),
a categorical column CategoryCounts per window. Adding every batch's rows as new immutable
NumericCounts (and copying each window's column dict) cost about as much as the counting; here a
numeric row is added into one mutable row per (column, window), turned into NumericCounts once
when the count ends. Rows without a window (no usable time: key None) are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from metricwatch.sources.drift_engines.kernels import table_counts
from metricwatch.stats.counts import ColumnCounts, SideCounts


class WindowSums:
    def __init__(self) -> None:
        self._rows: dict[str, dict[int, np.ndarray]] = {}  # column -> window -> table row
        self._counts: dict[int, SideCounts] = {}  # window -> column -> counts

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

    def add(self, name: str, key: int | None, counts: ColumnCounts) -> None:
        if key is None:
            return
        per = self._counts.setdefault(key, {})
        per[name] = per[name] + counts if name in per else counts  # type: ignore[operator]

    def counts(self) -> dict[int, SideCounts]:
        """Window number -> column -> counts."""
        out = {key: dict(per) for key, per in self._counts.items()}
        for name, rows in self._rows.items():
            for key, row in rows.items():
                out.setdefault(key, {})[name] = table_counts(row)
        return out
