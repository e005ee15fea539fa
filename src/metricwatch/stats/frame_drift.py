"""Drift of every column of two data frames, in memory or over row batches.

In memory, numeric edges are exact reference quantiles. Over batches (Parquet larger than
memory) the reference is read twice: pass 1 keeps a uniform random sample of at most
SAMPLE_ROWS rows (fixed seed) from which columns are typed and quantile edges computed; pass 2
counts the reference on those edges, and one pass counts the current data. Only histograms and
per-category counts are kept, so memory is bounded by the batch size. Values outside the
sample's range fall in the overflow bins of the reference too, and are counted honestly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metricwatch.config import DriftConfig
from metricwatch.errors import CheckError
from metricwatch.stats.binning import (
    CategoricalPlan,
    Histogram,
    NumericPlan,
    merge_counts,
    value_counts,
)
from metricwatch.stats.column_types import (
    TEXT_MAX_DISTINCT,
    ColumnSpec,
    high_cardinality_reason,
    is_number_dtype,
    plan_columns,
    target_spec,
)
from metricwatch.stats.feature_drift import FeatureDrift, compare, not_comparable

SAMPLE_ROWS = 200_000


def _each(fn: Callable[..., object], items: list) -> list:
    # Sequential on purpose: threads over columns measured slower here (2 shared cores).
    return [fn(i) for i in items]


class TypeMismatch(ValueError):
    """Raised when a column declared numeric holds text that is not a number."""


def to_float(s: pd.Series, side: str) -> np.ndarray:
    if is_number_dtype(s) or pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan)
    conv = pd.to_numeric(s, errors="coerce")
    bad = conv.isna() & s.notna()
    if bad.any():
        example = s[bad].iloc[0]
        raise TypeMismatch(
            f"numeric in the reference but text in the {side}: {int(bad.sum())} of "
            f"{int(s.notna().sum())} values are not numbers (e.g. {str(example)[:40]!r})"
        )
    return conv.to_numpy(dtype=np.float64, na_value=np.nan)


def as_categories(s: pd.Series, text: bool) -> pd.Series:
    """Values as categories; with text=True numbers become their canonical text ('3', not '3.0')."""
    if not text or not is_number_dtype(s):
        return s
    x = s.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = x[np.isfinite(x)]
    if finite.size and np.all(finite == np.floor(finite)):
        return s.astype("Int64").astype("string").astype(object).where(s.notna(), None)
    return s.astype("string").astype(object).where(s.notna(), None)


@dataclass
class _Acc:
    """Per-column accumulator over batches (histograms and value counts merge)."""

    spec: ColumnSpec
    plan: NumericPlan | None = None
    ref: Histogram | None = None
    cur: Histogram | None = None
    ref_counts: pd.Series = field(default_factory=lambda: pd.Series(dtype=np.int64))
    cur_counts: pd.Series = field(default_factory=lambda: pd.Series(dtype=np.int64))
    ref_nan: int = 0
    cur_nan: int = 0
    text: bool = False
    sorted_sample: np.ndarray | None = None
    sample_nan: int = 0
    error: tuple[str, str] | None = None  # (status, reason)

    def add(self, s: pd.Series, side: str) -> None:
        if self.error:
            return
        try:
            if self.spec.kind == "numeric":
                assert self.plan is not None
                h = self.plan.count(to_float(s, side))
                if side == "reference":
                    self.ref = self.ref + h if self.ref else h
                else:
                    self.cur = self.cur + h if self.cur else h
            else:
                vc, nan = value_counts(as_categories(s, self.text))
                if side == "reference":
                    self.ref_counts, self.ref_nan = (
                        merge_counts(self.ref_counts, vc),
                        self.ref_nan + nan,
                    )
                else:
                    self.cur_counts, self.cur_nan = (
                        merge_counts(self.cur_counts, vc),
                        self.cur_nan + nan,
                    )
        except TypeMismatch as exc:
            self.error = ("type mismatch", f"column {self.spec.name!r}: {exc}")

    def result(self, dcfg: DriftConfig) -> FeatureDrift:
        name, kind = self.spec.name, self.spec.kind
        if self.error:
            return not_comparable(name, kind, *self.error)  # type: ignore[arg-type]
        kw = {"bins": dcfg.bins, "js_threshold": dcfg.js_threshold, "p_value": dcfg.p_value}
        if kind == "numeric":
            assert self.plan is not None and self.ref is not None and self.cur is not None
            return compare(name, self.plan, self.ref, self.cur, weight=self.spec.weight, **kw)
        if self.spec.auto and len(self.ref_counts) > TEXT_MAX_DISTINCT:
            reason = high_cardinality_reason(len(self.ref_counts))
            return not_comparable(name, kind, "high cardinality", f"column {name!r}: {reason}")  # type: ignore[arg-type]
        plan = CategoricalPlan.from_counts(self.ref_counts, self.spec.order)
        result = compare(
            name,
            plan,
            plan.histogram(self.ref_counts, self.ref_nan),
            plan.histogram(self.cur_counts, self.cur_nan),
            weight=self.spec.weight,
            **kw,
        )
        unseen = unseen_note(self.cur_counts, plan.categories)
        if not unseen or result.distribution is None:  # nothing compared: the status says why
            return result
        reason = f"{result.reason}; {unseen}" if result.reason else unseen
        return result.model_copy(update={"reason": reason})


def unseen_note(current_counts: pd.Series, categories: list, shown: int = 3) -> str:
    """What the current data holds that the reference never had ("" when nothing)."""
    known = set(categories)
    new = current_counts[[v not in known for v in current_counts.index]]
    new = new[new > 0].sort_values(ascending=False, kind="stable")
    if new.empty:
        return ""
    total = int(current_counts.sum())
    names = ", ".join(repr(str(v)[:40]) for v in new.index[:shown])
    more = f" and {len(new) - shown} more" if len(new) > shown else ""
    noun = "category" if len(new) == 1 else "categories"
    return (
        f"{len(new)} {noun} not in the reference ({names}{more}): "
        f"{int(new.sum())} of {total} current values, counted in the 'unseen' bin"
    )


def _numeric_plan(
    sample: pd.Series, bins: int
) -> tuple[NumericPlan | None, np.ndarray, int, str, str]:
    """(plan, sorted non-NaN sample values, NaN count, status, reason when no plan)."""
    try:
        x = to_float(sample, "reference")
    except TypeMismatch as exc:
        msg = str(exc).replace("numeric in the reference but text in the reference: ", "")
        return (
            None,
            x_empty(),
            0,
            "type mismatch",
            f"declared numeric but the reference has text: {msg}",
        )
    nan = np.isnan(x)
    n_nan = int(nan.sum())
    if x.size == 0:
        return (
            None,
            x_empty(),
            0,
            "insufficient data",
            "insufficient data (n=0 rows in the reference)",
        )
    s = np.sort(x[~nan] if n_nan else x)
    finite = s[np.isfinite(s)]
    if finite.size == 0:
        return None, s, n_nan, "all missing", "no finite value in the reference (all NaN or ±inf)"
    return NumericPlan.from_sorted(finite, bins), s, n_nan, "ok", ""


def x_empty() -> np.ndarray:
    return np.empty(0, dtype=np.float64)


@dataclass(frozen=True)
class FrameDrift:
    features: list[FeatureDrift]
    target: FeatureDrift | None
    target_note: str


def _accumulators(
    sample: pd.DataFrame, current_columns: list[str], dcfg: DriftConfig, cur_dtypes: dict
) -> tuple[list[_Acc], list[FeatureDrift], str]:
    specs, only_ref, only_cur = plan_columns(sample, current_columns, dcfg)
    tspec = target_spec(sample, dcfg)
    note = ""
    if dcfg.target and tspec is None:
        note = f"target column {dcfg.target!r} is not in the reference data"
    elif tspec is not None and dcfg.target not in current_columns:
        note = f"target column {dcfg.target!r} is not in the current data: no label drift"
        tspec = None
    fixed: list[FeatureDrift] = []
    todo = [*specs, *([tspec] if tspec else [])]
    built = _each(lambda spec: _build(spec, sample, only_ref, dcfg, cur_dtypes), todo)
    accs = [b for b in built if isinstance(b, _Acc)]
    fixed = [b for b in built if isinstance(b, FeatureDrift)]
    for name in only_cur:
        fixed.append(
            not_comparable(
                name,
                None,
                "missing column",
                f"column {name!r} is in the current data but not in the reference",
            )
        )
    return accs, fixed, note


def _build(
    spec: ColumnSpec, sample: pd.DataFrame, only_ref: list[str], dcfg: DriftConfig, cur_dtypes: dict
) -> _Acc | FeatureDrift:
    if spec.name in only_ref:
        return not_comparable(
            spec.name,
            None,
            "missing column",
            f"column {spec.name!r} is in the reference but not in the current data",
        )
    if spec.kind == "skip":
        return not_comparable(spec.name, None, "high cardinality", spec.reason)
    acc = _Acc(spec)
    if spec.kind == "numeric":
        acc.plan, acc.sorted_sample, acc.sample_nan, status, reason = _numeric_plan(
            sample[spec.name], dcfg.bins
        )
        if acc.plan is None:
            return not_comparable(spec.name, "numeric", status, f"column {spec.name!r}: {reason}")  # type: ignore[arg-type]
        acc.ref = Histogram(np.zeros(acc.plan.n_fine, dtype=np.int64))
        acc.cur = Histogram(np.zeros(acc.plan.n_fine, dtype=np.int64))
    else:
        ref_num = is_number_dtype(sample[spec.name])
        acc.text = ref_num != cur_dtypes.get(spec.name, ref_num)
    return acc


def _split(accs: list[_Acc], fixed: list[FeatureDrift], dcfg: DriftConfig, note: str) -> FrameDrift:
    results = [a.result(dcfg) for a in accs] + fixed
    target = next((r for r in results if r.name == dcfg.target), None)
    feats = [r for r in results if r.name != dcfg.target]
    return FrameDrift(feats, target, note)


def _cur_dtypes(frame: pd.DataFrame) -> dict[str, bool]:
    return {str(c): is_number_dtype(frame[c]) for c in frame.columns}


def drift_frames(reference: pd.DataFrame, current: pd.DataFrame, dcfg: DriftConfig) -> FrameDrift:
    """Every column's drift, with exact reference quantiles."""
    for label, f in (("reference", reference), ("current", current)):
        dup = f.columns[f.columns.duplicated()]
        if len(dup):
            raise CheckError(
                f"the {label} data has column {dup[0]!r} more than once; rename the duplicates"
            )
    accs, fixed, note = _accumulators(
        reference, [str(c) for c in current.columns], dcfg, _cur_dtypes(current)
    )

    def count(acc: _Acc) -> None:
        if acc.plan is not None and acc.sorted_sample is not None:
            # the sample is the whole reference: reuse its sort for the reference counts
            acc.ref = acc.plan.count_sorted(acc.sorted_sample, acc.sample_nan)
            acc.sorted_sample = None
        else:
            acc.add(reference[acc.spec.name], "reference")
        acc.add(current[acc.spec.name], "current")

    _each(count, accs)
    return _split(accs, fixed, dcfg, note)


def drift_batches(
    reference: Callable[[], Iterable[pd.DataFrame]],
    current: Iterable[pd.DataFrame],
    reference_rows: int,
    dcfg: DriftConfig,
    *,
    sample_rows: int = SAMPLE_ROWS,
    seed: int = 0,
) -> FrameDrift:
    """The same, over row batches; `reference` is called twice (two passes)."""
    rng = np.random.default_rng(seed)
    rate = min(1.0, sample_rows / max(reference_rows, 1))
    parts = [b[rng.random(len(b)) < rate] for b in reference()]
    sample = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    cur_iter: Iterator[pd.DataFrame] = iter(current)
    first_cur = next(cur_iter, None)
    cur_cols = [] if first_cur is None else [str(c) for c in first_cur.columns]
    accs, fixed, note = _accumulators(
        sample, cur_cols, dcfg, {} if first_cur is None else _cur_dtypes(first_cur)
    )
    for acc in accs:
        acc.sorted_sample = None  # edges are planned; free the sample
    del sample, parts
    for batch in reference():
        _each(lambda acc, b=batch: acc.add(b[acc.spec.name], "reference"), accs)
    for batch in _chain(first_cur, cur_iter):
        _each(lambda acc, b=batch: acc.add(b[acc.spec.name], "current"), accs)
    return _split(accs, fixed, dcfg, note)


def _chain(first: pd.DataFrame | None, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    if first is None:
        return
    yield first
    yield from rest
