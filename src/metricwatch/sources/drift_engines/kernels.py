"""The numeric counting kernel of the local engine: one in-place sort per column and side.

Profiled on numpy 2.4 (benchmarks/RESULTS.md): its SIMD sort of 1M doubles takes ~13 ms of CPU,
while np.partition at the 1,001 quantile ranks takes ~68 ms (numpy falls back to a scalar
introselect for several kth), a recursive single-kth partition ~20 ms, np.searchsorted of 1M
unsorted values among 1,001 edges ~70 ms, and a cell-histogram counting pass ~16 ms. So values
are copied into a per-thread scratch buffer and sorted there in place (no sorted copy outlives
its column); quantile edges are read at their ranks, and the counts on any edges are the
positions of the edges in the sorted values (searchsorted of 1,001 edges: microseconds).
Windows: rows are grouped by window once (a stable radix sort of small integer ids) and each
window's slice is sorted in place, so windowed counts cost one gather more than plain counts.
"""

from __future__ import annotations

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


def group_order(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row order grouping equal ids, the distinct ids, each group's start in that order)."""
    if ids.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    rel = ids - ids.min()
    if int(rel.max()) < 2**16:
        rel = rel.astype(np.uint16)  # numpy's stable sort of 16-bit integers is a radix sort
    order = np.argsort(rel, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.concatenate([[True], sorted_ids[1:] != sorted_ids[:-1]]))
    return order, sorted_ids[starts], starts


def grouped_counts(
    x: np.ndarray, grouping: tuple[np.ndarray, np.ndarray, np.ndarray], search: np.ndarray
) -> dict[int, NumericCounts]:
    """Counts per group (window) in one gather and one in-place sort per group's slice."""
    order, ids, starts = grouping
    buf = scratch(x.size)
    np.take(x, order, out=buf)
    bounds = [*starts.tolist(), x.size]
    out: dict[int, NumericCounts] = {}
    for gid, lo, hi in zip(ids.tolist(), bounds[:-1], bounds[1:], strict=True):
        part = buf[lo:hi]
        n_nan = count_nan(part)
        part.sort()
        out[gid] = counts_from_sorted(part[: part.size - n_nan], search, n_nan)
    return out
