"""The local engine: counts equal a plain count, whatever the batches, threads or column types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metricwatch.config import DriftConfig
from metricwatch.sources.drift_engines import local_count
from metricwatch.sources.drift_engines.columns import category_counts, grouped_category_counts
from metricwatch.sources.drift_engines.kernels import (
    counts_from_sorted,
    group_order,
    grouped_table,
    sort_in_scratch,
    table_counts,
)
from metricwatch.sources.drift_engines.local_count import count, tasks_of
from metricwatch.sources.drift_engines.local_freeze import freeze_batches, freeze_frame, sample_rows
from metricwatch.stats.binning import search_edges
from metricwatch.stats.categories import category_key, vocabulary

values = st.lists(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        st.sampled_from([0.0, -0.0, 1.0, 1.5, 2.0]),
    ),
    min_size=0,
    max_size=300,
)


@settings(max_examples=150, deadline=None)
@given(values, st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30, unique=True))
def test_counts_equal_a_plain_count(xs: list[float], edges: list[float]) -> None:
    x = np.array(xs, dtype=np.float64)
    search = search_edges(np.unique(np.array(edges) + 0.0))
    s, n_nan = sort_in_scratch(x)
    c = counts_from_sorted(s, search, n_nan)
    finite_or_inf = x[~np.isnan(x)]
    expected = np.bincount(
        np.searchsorted(search, finite_or_inf, side="right"), minlength=search.size + 1
    )
    assert c.fine.tolist() == expected.tolist()
    assert (c.n_nan, c.n_posinf, c.n_neginf) == (
        int(np.isnan(x).sum()), int((x == np.inf).sum()), int((x == -np.inf).sum()),
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(values, st.integers(1, 5))
def test_grouped_counts_equal_counting_each_group(xs: list[float], groups: int) -> None:
    x = np.array(xs, dtype=np.float64)
    ids = (np.arange(x.size) * 7919 % groups).astype(np.int64)
    search = search_edges(np.array([-1.0, 0.0, 1.0, 2.0]))
    grouping = group_order(ids)
    table = grouped_table(x, grouping, search)
    per = {g: table_counts(row) for g, row in zip(grouping[1].tolist(), table, strict=True)}
    for g in range(groups):
        part = x[ids == g]
        if part.size:
            s, n_nan = sort_in_scratch(part)
            assert per[g].same_as(counts_from_sorted(s, search, n_nan))
        else:
            assert g not in per


def test_category_keys_agree_across_types() -> None:
    assert [category_key(v) for v in [3, 3.0, "3", np.int8(3), True, 2.5, float("inf"), None,
                                      float("nan"), -0.0, 1e20, "  a"]] == [
        "3", "3", "3", "3", "True", "2.5", "inf", None, None, "0", "1e+20", "  a"]  # fmt: skip
    a = category_counts(pd.Series([1, 2, 2, None], dtype="Int64"))
    b = category_counts(pa.array(["1", "2", "2", None]))
    c = category_counts(pd.Series([1.0, 2.0, 2.0, np.nan]))
    assert a.same_as(b) and b.same_as(c) and dict(a.counts) == {"1": 1, "2": 2} and a.n_nan == 1
    mixed = category_counts(pd.Series([1, "a", 2.5, None, "a"], dtype=object))
    assert dict(mixed.counts) == {"1": 1, "a": 2, "2.5": 1} and mixed.n_nan == 1
    assert vocabulary({"10": 1, "9": 1, "b": 1, "a": 1}) == ["9", "10", "a", "b"]


def test_grouped_category_counts() -> None:
    values_ = pd.Series(["a", "b", None, "a", "c", "a"])
    ids = np.array([0, 0, 0, 2, 2, 2])
    per = grouped_category_counts(values_, ids)
    assert sorted(per) == [0, 2]
    assert dict(per[0].counts) == {"a": 1, "b": 1} and per[0].n_nan == 1
    assert dict(per[2].counts) == {"a": 2, "c": 1}


def test_rows_already_grouped_are_counted_without_a_gather() -> None:
    x = np.random.default_rng(2).normal(size=1000)
    x[::97] = np.nan
    before = x.copy()
    ids = np.repeat([3, 4, 6], [200, 500, 300])
    grouping = group_order(ids)
    assert grouping[0] is None and grouping[1].tolist() == [3, 4, 6]
    search = search_edges(np.array([-1.0, 0.0, 1.0]))
    per = dict(zip([3, 4, 6], grouped_table(x, grouping, search), strict=True))
    for g in (3, 4, 6):
        s, n_nan = sort_in_scratch(x[ids == g])
        assert table_counts(per[g]).same_as(counts_from_sorted(s, search, n_nan))
    assert np.array_equal(x, before, equal_nan=True)  # the column itself is left as it was


@pytest.mark.parametrize(
    "pool",
    [
        [0.0, -0.0, 1.5, np.nan, 3.0, 2.0],  # -0.0 and 0.0 share the key "0"
        [3, 3.0, "3", None, "a", True, float("nan")],  # object values sharing keys
    ],
)
def test_grouped_category_counts_equal_counting_each_group(pool: list) -> None:
    rng = np.random.default_rng(5)
    series = pd.Series([pool[i] for i in rng.integers(0, len(pool), 400)], dtype=object)
    if all(isinstance(v, float) for v in pool):
        series = series.astype(float)
    ids = rng.integers(3, 9, 400)
    per = grouped_category_counts(series, ids)
    assert sorted(per) == sorted(set(ids.tolist()))
    for g, counts in per.items():
        assert counts.same_as(category_counts(series[ids == g]))


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    x[rng.random(n) < 0.01] = np.nan
    x[:3] = [np.inf, -np.inf, np.inf]
    return pd.DataFrame({
        "x": x,
        "i": rng.integers(0, 1000, n),
        "small": rng.integers(0, 4, n),
        "c": rng.choice(["p", "q", "r"], n),
        "b": rng.random(n) < 0.3,
    })  # fmt: skip


def test_pandas_frames_arrow_batches_and_threads_count_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref, cur = _frame(5000, 1), _frame(3000, 2)
    spec = freeze_frame(ref, DriftConfig(), label="ref")
    assert [(c.name, c.kind) for c in spec.columns] == [
        ("x", "numeric"), ("i", "numeric"), ("small", "categorical"), ("c", "categorical"),
        ("b", "categorical")]  # fmt: skip
    whole = count([cur], tasks_of(spec))
    table = pa.Table.from_pandas(cur, preserve_index=False)
    batches = count(table.to_batches(max_chunksize=700), tasks_of(spec))
    monkeypatch.setattr(local_count, "PARALLEL_MIN_ROWS", 1)
    threaded = count([cur[:1000], cur[1000:]], tasks_of(spec))
    for name in ("x", "i", "small", "c", "b"):
        assert whole.overall[name].same_as(batches.overall[name])
        assert whole.overall[name].same_as(threaded.overall[name])


def test_the_sample_does_not_depend_on_batch_sizes() -> None:
    frame = _frame(20_000, 3)
    whole = sample_rows([frame], 1000, seed=0)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    split = sample_rows(table.to_batches(max_chunksize=777), 1000, seed=0)
    assert len(whole) == len(split) == 1000
    key = lambda f: sorted(f["x"].fillna(-99).round(12).tolist())  # noqa: E731
    assert key(whole) == key(split)


def test_streamed_freeze_counts_every_row_and_takes_edges_from_the_sample() -> None:
    frame = _frame(20_000, 4)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    streamed = freeze_batches(lambda: table.to_batches(max_chunksize=3000), DriftConfig(),
                              label="ref", sample=5000)  # fmt: skip
    in_memory = freeze_frame(frame, DriftConfig(), label="ref")
    assert streamed.reference.n_rows == 20_000 and streamed.reference.sample_rows == 5000
    s_x, m_x = streamed.columns[0], in_memory.columns[0]
    assert sum(s_x.counts) + s_x.n_nan == sum(m_x.counts) + m_x.n_nan == 20_000
    assert s_x.edges != m_x.edges  # a sample's quantiles
    assert streamed.columns[3].counts == in_memory.columns[3].counts  # categories: every row
