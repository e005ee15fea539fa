"""The numeric counting kernel of the local engine: one in-place sort per column and side.

Profiled on numpy 2.4 (benchmarks/RESULTS.md): its SIMD sort of 1M doubles takes ~13 ms of CPU,
while np.partition at the 1,001 quantile ranks takes ~68 ms (numpy falls back to a scalar
introselect for several kth), a recursive single-kth partition ~20 ms, np.searchsorted of 1M
unsorted values among 1,001 edges ~70 ms, and a cell-histogram counting pass ~16 ms. So values
are copied into a per-thread scratch buffer and sorted there in place (no sorted copy outlives
its column); quantile edges are read at their ranks, and the counts on any edges are the
positions of the edges in the sorted values (searchsorted of 1,001 edges: microseconds).
Windows: rows are grouped by window once (a stable radix sort of small integer ids) and each
window's slice is sorted in place, so windowed counts cost one gather more than plain counts (none
when the rows are already in window order); the counts of all windows come back as one table (a
row per window), added up in place.
"""

from __future__ import annotations

import itertools
import threading

import numpy as np

from metricwatch.stats.counts import NumericCounts

_local = threading.local()


def scratch(n: int, dtype: type = np.float64) -> np.ndarray:
    """This thread's work buffer of at least n values (reused, grown when needed): in a fresh
    process every new large array costs page faults, so buffers are not reallocated per column."""
    name = np.dtype(dtype).name
    buf = getattr(_local, name, None)
    if buf is None or buf.size < n:
        buf = np.empty(max(n, 1), dtype=dtype)
        setattr(_local, name, buf)
    return buf[:n]


def release_scratch() -> None:
    _local.__dict__.clear()


def count_nan(x: np.ndarray) -> int:
    return int(np.count_nonzero(np.isnan(x, out=scratch(x.size, np.bool_))))


def sort_in_scratch(x: np.ndarray) -> tuple[np.ndarray, int]:
    """(the non-NaN values of x sorted, in this thread's scratch; the NaN count)."""
    n_nan = count_nan(x)
    buf = scratch(x.size)
    np.copyto(buf, x)
    buf.sort()  # NaN sort last
    return buf[: x.size - n_nan], n_nan


def counts_from_sorted(s: np.ndarray, search: np.ndarray, n_nan: int = 0) -> NumericCounts:
    """Counts on the fine bins from sorted non-NaN values, without a pass over the data."""
    pos = np.searchsorted(s, search, side="left")
    fine = np.diff(np.concatenate([[0], pos, [s.size]])).astype(np.int64)
    n_neg = int(np.searchsorted(s, -np.inf, side="right"))
    n_pos = s.size - int(np.searchsorted(s, np.inf, side="left"))
    return NumericCounts(fine, n_nan, n_pos, n_neg)


def finite_part(s: np.ndarray) -> np.ndarray:
    """The finite values of sorted non-NaN values (±inf sit at the ends)."""
    lo = int(np.searchsorted(s, -np.inf, side="right"))
    hi = int(np.searchsorted(s, np.inf, side="left"))
    return s[lo:hi]


def group_order(ids: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(row order grouping equal ids, the distinct ids, each group's start in that order).

    The order is None when the rows are already grouped (ids never decrease: row windows, and
    time windows of time-ordered data): then no sort and no gather are needed."""
    if ids.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    if bool(np.all(ids[1:] >= ids[:-1])):
        order, sorted_ids = None, ids
    else:
        rel = ids - ids.min()
        if int(rel.max()) < 2**16:
            rel = rel.astype(np.uint16)  # numpy's stable sort of 16-bit integers is a radix sort
        order = np.argsort(rel, kind="stable")
        sorted_ids = ids[order]
    starts = np.flatnonzero(np.concatenate([[True], sorted_ids[1:] != sorted_ids[:-1]]))
    return order, sorted_ids[starts], starts


def grouped_table(
    x: np.ndarray, grouping: tuple[np.ndarray | None, np.ndarray, np.ndarray], search: np.ndarray
) -> np.ndarray:
    """Counts per group in one gather and one in-place sort per group's slice: a table with one
    row per group (in the order of the grouping's ids) of the fine counts, then the NaN, +inf
    and -inf counts (see `table_counts`). Each slice costs one sort and one searchsorted of the
    (sorted) edges; the counts of all slices are then differenced at once."""
    order, ids, starts = grouping
    buf = scratch(x.size)
    if order is None:
        np.copyto(buf, x)
    else:
        np.take(x, order, out=buf)
    # NaN sorts last: its position ends the non-NaN values; below -DBL_MAX there is only -inf
    keys = np.concatenate([search, [-np.finfo(np.float64).max, np.inf, np.nan]])
    pos = np.empty((ids.size, keys.size), dtype=np.int64)
    bounds = [*starts.tolist(), x.size]
    for g, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        part = buf[lo:hi]
        part.sort()
        pos[g] = np.searchsorted(part, keys, side="left")
    m = search.size
    n_valid = pos[:, -1]
    table = np.empty((ids.size, m + 4), dtype=np.int64)
    table[:, 0] = pos[:, 0]
    table[:, 1:m] = np.diff(pos[:, :m], axis=1)
    table[:, m] = n_valid - pos[:, m - 1]
    table[:, m + 1] = np.diff(np.asarray(bounds, dtype=np.int64)) - n_valid  # NaN
    table[:, m + 2] = n_valid - pos[:, m + 1]  # +inf
    table[:, m + 3] = pos[:, m]  # -inf
    return table


def table_counts(row: np.ndarray) -> NumericCounts:
    """NumericCounts from one row of a `grouped_table` (or a sum of rows)."""
    return NumericCounts(row[:-3].copy(), int(row[-3]), int(row[-2]), int(row[-1]))
