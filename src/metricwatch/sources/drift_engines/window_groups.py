"""Rows of one batch grouped by window: a dense group id per row and each group's window.

Row windows number consecutive blocks of rows across batches; time windows parse the time
column (sources/drift_engines/times.py) and number each row's window (stats/windowing.py).
Rows without a usable time form one more group whose window is None: they count in the overall
comparison, not in any window. A problem that makes windows meaningless (no time column, too
many windows) is recorded once and the batch is counted without groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from metricwatch.sources.drift_engines.counted import WindowCounts
from metricwatch.sources.drift_engines.kernels import group_order
from metricwatch.sources.drift_engines.times import MISSING, parse_times
from metricwatch.stats.windowing import MAX_WINDOWS, time_window_ids


@dataclass
class Groups:
    ids: np.ndarray  # int64 group per row, 0 … len(keys) - 1
    keys: list[int | None]  # group -> window number (None: no time)
    order: tuple = field(init=False)

    def __post_init__(self) -> None:
        self.order = group_order(self.ids)

    def rows(self) -> dict[int, int]:
        per = np.bincount(self.ids, minlength=len(self.keys))
        return {g: int(n) for g, n in enumerate(per.tolist()) if n}


def batch_groups(
    batch, column: Callable, wc: WindowCounts, time_column: str | None, row_offset: int
) -> Groups | None:
    n = len(batch)
    if wc.problem is not None or n == 0:
        return None
    if not wc.spec.by_time:
        first = row_offset // wc.spec.size
        window = (row_offset + np.arange(n, dtype=np.int64)) // wc.spec.size
        return Groups(window - first, list(range(first, int(window[-1]) + 1)))
    names = batch.columns if hasattr(batch, "iloc") else batch.schema.names
    if time_column not in [str(c) for c in names]:
        wc.problem = ("time_column_missing", {"column": time_column})
        return None
    parsed = parse_times(column(batch, time_column))
    wc.tally.merge(parsed.tally)
    valid = parsed.us != MISSING
    if not valid.any():
        return Groups(np.zeros(n, dtype=np.int64), [None])
    window = time_window_ids(parsed.us[valid], wc.spec)
    base, top = int(window.min()), int(window.max())
    if top - base + 1 > MAX_WINDOWS:
        wc.problem = ("too_many_windows", {"count": top - base + 1, "max": MAX_WINDOWS})
        return None
    ids = np.full(n, top - base + 1, dtype=np.int64)
    ids[valid] = window - base
    return Groups(ids, [*range(base, top + 1), None])
