"""The local engine's counting: any data on a bin spec, in memory or batch by batch.

Each batch is counted column by column (numeric: one in-place sort, sources/drift_engines/
kernels.py; categorical: Arrow's hash kernel) on a thread pool, one worker per available core:
numpy's sort and Arrow's kernels release the GIL. With windows, rows are grouped by window in
the same pass (counts grouped by window, never one pass per window), and the overall counts are
the sum of the windows' (rows without a time included).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from metricwatch.i18n.words import Words
from metricwatch.sources.drift_engines import kernels
from metricwatch.sources.drift_engines.columns import (
    TypeMismatch,
    category_counts,
    float_values,
    grouped_category_counts,
)
from metricwatch.sources.drift_engines.counted import Counted, WindowCounts, time_problem
from metricwatch.sources.drift_engines.window_groups import Groups, batch_groups
from metricwatch.sources.drift_engines.window_sums import WindowSums, category_total
from metricwatch.stats.bin_spec import BinSpec, NumericBins
from metricwatch.stats.binning import search_edges
from metricwatch.stats.counts import CategoryCounts, ColumnCounts, SideCounts
from metricwatch.stats.windowing import MAX_WINDOWS
from metricwatch.window_spec import WindowSpec

Batch: TypeAlias = pd.DataFrame | pa.RecordBatch | pa.Table
PARALLEL_MIN_ROWS = 100_000  # below this, threads cost more than they save
Task = tuple[str, np.ndarray | None]  # (column, search edges or None for categories)


def columns_of(batch: Batch) -> list[str]:
    return (
        [str(c) for c in batch.columns] if isinstance(batch, pd.DataFrame) else batch.schema.names
    )


def column(batch: Batch, name: str) -> pd.Series | pa.Array | pa.ChunkedArray:
    return batch[name] if isinstance(batch, pd.DataFrame) else batch.column(name)


def workers() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:  # not Linux
        return max(1, min(os.cpu_count() or 1, 8))


@contextmanager
def mapper(parallel: bool) -> Iterator[Callable]:
    """A map over columns: a thread pool when it pays, else a plain loop."""
    n = workers()
    if not parallel or n == 1:
        try:
            yield lambda fn, items: [fn(i) for i in items]
        finally:
            kernels.release_scratch()  # no work buffer outlives the count
        return
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="metricwatch-count") as pool:
        yield lambda fn, items: list(pool.map(fn, items))


def _count_column(values, search: np.ndarray | None, groups: Groups | None):
    """{group: counts} of one column, a grouped table (numeric, by window: kernels.grouped_table),
    or the TypeMismatch that stopped it."""
    try:
        if search is None:
            if groups is None:
                return {0: category_counts(values)}
            return grouped_category_counts(values, groups.ids)
        x = float_values(values)
        if groups is None:
            s, n_nan = kernels.sort_in_scratch(x)
            return {0: kernels.counts_from_sorted(s, search, n_nan)}
        return kernels.grouped_table(x, groups.order, search)
    except TypeMismatch as exc:
        return exc


def tasks_of(spec: BinSpec) -> list[Task]:
    return [
        (c.name, search_edges(c.fine_edges) if isinstance(c, NumericBins) else None)
        for c in spec.binned()
    ]


def count(
    batches: Iterable[Batch],
    tasks: list[Task],
    *,
    window: WindowSpec | None = None,
    time_column: str | None = None,
    side: str = "current",
) -> Counted:
    """Counts of every task's column over all batches (and per window when `window` is set)."""
    overall: SideCounts = {}
    errors: dict[str, tuple[str, Words]] = {}
    wc = WindowCounts(window) if window is not None else None
    sums = WindowSums()
    columns: list[str] | None = None
    n_rows = 0
    it = iter(batches)
    first = next(it, None)
    with mapper(first is not None and len(first) >= PARALLEL_MIN_ROWS) as run:
        for batch in _chain(first, it):
            names = columns_of(batch)
            columns = names if columns is None else columns
            groups = batch_groups(batch, column, wc, time_column, n_rows) if wc else None
            todo = [t for t in tasks if t[0] in names and t[0] not in errors]
            results = run(
                lambda t, b=batch, g=groups: _count_column(column(b, t[0]), t[1], g), todo
            )
            for (name, _), res in zip(todo, results, strict=True):
                if isinstance(res, TypeMismatch):
                    errors[name] = ("type mismatch", res.reason(name, side))
                    overall.pop(name, None)
                else:
                    _merge(name, res, overall, sums, groups)
            if wc is not None and groups is not None:
                for g, rows in groups.rows().items():
                    key = groups.keys[g]
                    if key is not None:
                        wc.rows[key] = wc.rows.get(key, 0) + rows
            n_rows += len(batch)
    if wc is not None:
        wc.counts = sums.counts()
        _window_problem(wc, time_column, n_rows)
    return Counted(overall, columns or [], n_rows, errors, wc)


def _chain(first: Batch | None, rest: Iterator[Batch]) -> Iterator[Batch]:
    if first is not None:
        yield first
        yield from rest


def _window_problem(wc: WindowCounts, time_column: str | None, n_rows: int) -> None:
    if wc.problem is None and wc.spec.by_time:
        wc.problem = time_problem(wc.tally, str(time_column), n_rows)
    if wc.problem is None and wc.rows and max(wc.rows) - min(wc.rows) + 1 > MAX_WINDOWS:
        wc.problem = (
            "too_many_windows",
            {"count": max(wc.rows) - min(wc.rows) + 1, "max": MAX_WINDOWS},
        )


def _merge(
    name: str,
    res: dict[int, ColumnCounts] | np.ndarray,
    overall: SideCounts,
    sums: WindowSums,
    groups: Groups | None,
) -> None:
    """Add one column's counts of a batch to the overall counts and, by window, to `sums`."""
    if isinstance(res, np.ndarray):  # a grouped_table: one row per group
        assert groups is not None
        batch: list[ColumnCounts] = [kernels.table_counts(res.sum(axis=0))]
        sums.add_table(name, [groups.keys[g] for g in groups.order[1].tolist()], res)
    elif groups is not None:  # categories by window
        parts = [c for c in res.values() if isinstance(c, CategoryCounts)]
        batch = [category_total(parts)]
        for g, counts in res.items():
            if isinstance(counts, CategoryCounts):
                sums.add_categories(name, groups.keys[g], counts)
    else:
        batch = list(res.values())
    for counts in batch:
        overall[name] = overall[name] + counts if name in overall else counts  # type: ignore[operator]
