"""The local engine's bin specs: the reference typed, binned and counted.

In memory, numeric edges are exact quantiles of every finite reference value. Streamed (data
larger than memory), the reference is read twice: pass 1 keeps a uniform random sample of at
most SAMPLE_ROWS rows (fixed seed) from which columns are typed and edges taken; pass 2 counts
every reference row on those bins with the same counting path as the current data (and finds
the full category vocabularies). Values outside the sample's range land in the overflow bins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from metricwatch.config import DriftConfig
from metricwatch.errors import CheckError
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words
from metricwatch.i18n.words import text as words_text
from metricwatch.sources.drift_engines import kernels
from metricwatch.sources.drift_engines.columns import TypeMismatch, category_counts, float_values
from metricwatch.sources.drift_engines.local_count import Batch, count, mapper, tasks_of
from metricwatch.stats.bin_spec import (
    BinSpec,
    CategoricalBins,
    NumericBins,
    ReferenceInfo,
    SkippedColumn,
    SpecConfig,
)
from metricwatch.stats.binning import edges_from_quantiles, fine_ranks, search_edges
from metricwatch.stats.categories import vocabulary
from metricwatch.stats.column_types import (
    TEXT_MAX_DISTINCT,
    ColumnSpec,
    high_cardinality_why,
    plan_columns,
    target_spec,
)
from metricwatch.stats.counts import CategoryCounts, NumericCounts

SAMPLE_ROWS = 200_000
Bins = NumericBins | CategoricalBins | SkippedColumn


def _skip(spec: ColumnSpec, status: str, why: Words, kind: str | None = None) -> SkippedColumn:
    """A column without bins; the spec keeps its reason in English too (the hash covers it)."""
    return SkippedColumn(
        name=spec.name,
        column_kind=kind,  # type: ignore[arg-type]
        status=status,
        reason=words_text(why),
        why=why,
    )


def no_rows_why(name: str) -> Words:
    """A numeric reference column with no rows at all."""
    no_rows = msg("drift.why.no_rows")
    return [msg("drift.why.column", name=name), msg("drift.status.insufficient data"), no_rows]


def no_finite_why(name: str) -> Words:
    """A numeric reference column with no finite value."""
    return [msg("drift.why.column", name=name), msg("drift.why.no_finite")]


def numeric_bins(spec: ColumnSpec, values, bins: int, counted: bool = True) -> Bins:
    """Quantile edges (and, when `counted`, the counts) of one numeric reference column."""
    try:
        x = float_values(values)
    except TypeMismatch as exc:
        return _skip(spec, "type mismatch", exc.reason(spec.name, "reference"), "numeric")
    if x.size == 0:
        return _skip(spec, "insufficient data", no_rows_why(spec.name), "numeric")
    s, n_nan = kernels.sort_in_scratch(x)
    finite = kernels.finite_part(s)
    if finite.size == 0:
        return _skip(spec, "all missing", no_finite_why(spec.name), "numeric")
    at_ranks = finite[fine_ranks(finite.size, bins)]
    bins_ = numeric_skeleton(spec.name, at_ranks)
    if not counted:
        return bins_
    c = kernels.counts_from_sorted(s, search_edges(bins_.fine_edges), n_nan)
    return bins_.model_copy(update=_numeric_fields(c))


def numeric_skeleton(name: str, at_ranks: np.ndarray) -> NumericBins:
    """Numeric bins from the reference's values at the fine ranks, without counts yet."""
    coarse, fine = edges_from_quantiles(at_ranks)
    return NumericBins(name=name, edges=coarse.tolist(), fine_edges=fine.tolist(), counts=[])


def categorical_bins(spec: ColumnSpec, counts: CategoryCounts) -> Bins:
    if spec.auto and len(counts.counts) > TEXT_MAX_DISTINCT:
        why = high_cardinality_why(spec.name, len(counts.counts))
        return _skip(spec, "high cardinality", why, "categorical")
    vocab = vocabulary(counts.counts, spec.order)
    return CategoricalBins(
        name=spec.name,
        categories=vocab,
        counts=[int(counts.counts.get(k, 0)) for k in vocab],
        n_nan=counts.n_nan,
    )


def _bins(spec: ColumnSpec, values, bins: int) -> Bins:
    if spec.kind == "skip":
        return _skip(spec, "high cardinality", spec.why)
    if spec.kind == "numeric":
        return numeric_bins(spec, values, bins)
    return categorical_bins(spec, category_counts(values))


def _specs(frame: pd.DataFrame, dcfg: DriftConfig) -> list[ColumnSpec]:
    dup = frame.columns[frame.columns.duplicated()]
    if len(dup):
        raise CheckError(
            f"the reference data has column {dup[0]!r} more than once; rename the duplicates"
        )
    tspec = target_spec(frame, dcfg)
    return [*plan_columns(frame, dcfg), *([tspec] if tspec else [])]


def spec_of(
    dcfg: DriftConfig, info: ReferenceInfo, bins: list[Bins], engine: str = "local"
) -> BinSpec:
    target = next((b for b in bins if b.name == dcfg.target), None) if dcfg.target else None
    return BinSpec(
        config=SpecConfig.of(dcfg),
        reference=info,
        columns=[b for b in bins if b is not target],
        target=target,
        made_by={"engine": engine},
    ).sealed()


def freeze_frame(reference: pd.DataFrame, dcfg: DriftConfig, *, label: str) -> BinSpec:
    """The bin spec of an in-memory reference: exact quantiles of all its values."""
    specs = _specs(reference, dcfg)
    with mapper(len(reference) >= 100_000) as run:
        bins = run(lambda s: _bins(s, reference[s.name], dcfg.bins), specs)
    return spec_of(dcfg, ReferenceInfo(label=label, n_rows=len(reference)), bins)


def _take(b: Batch, mask: np.ndarray) -> Batch:
    return b[mask] if isinstance(b, pd.DataFrame) else b.filter(pa.array(mask))


def sample_rows(batches: Iterable[Batch], sample: int, seed: int) -> pd.DataFrame:
    """A uniform random sample of at most `sample` rows, without knowing the row count: every
    row draws a random key (one stream from `seed`, so batch sizes do not matter) and the rows
    with the smallest keys are kept."""
    rng = np.random.default_rng(seed)
    keys: list[np.ndarray] = []
    parts: list[Batch] = []
    limit = np.inf
    for b in batches:
        k = rng.random(len(b))
        keep = k < limit
        keys.append(k[keep])
        parts.append(_take(b, keep))
        if sum(len(x) for x in keys) > 2 * sample:
            limit, keys, parts = _prune(keys, parts, sample)
    if sum(len(x) for x in keys) > sample:
        limit, keys, parts = _prune(keys, parts, sample)
    if not parts:
        return pd.DataFrame()
    if isinstance(parts[0], pd.DataFrame):
        return pd.concat(parts, ignore_index=True)
    return pa.Table.from_batches([p for p in parts if len(p)] or parts[:1]).to_pandas()


def _prune(keys: list[np.ndarray], parts: list[Batch], sample: int):
    """Keep the rows with the `sample` smallest keys (keys are distinct with probability 1)."""
    every = np.concatenate(keys)
    limit = np.partition(every, sample - 1)[sample - 1] if every.size > sample else np.inf
    out_k, out_p = [], []
    for k, p in zip(keys, parts, strict=True):
        keep = k <= limit
        out_k.append(k[keep])
        out_p.append(_take(p, keep))
    return np.nextafter(limit, np.inf), out_k, out_p


def freeze_batches(
    reference: Callable[[], Iterable[Batch]],
    dcfg: DriftConfig,
    *,
    label: str,
    sample: int = SAMPLE_ROWS,
    seed: int = 0,
) -> BinSpec:
    """The bin spec of a streamed reference: edges from a sample, counts from every row."""
    frame = sample_rows(reference(), sample, seed)
    specs = _specs(frame, dcfg)
    skeleton = [
        numeric_bins(s, frame[s.name], dcfg.bins, counted=False)
        if s.kind == "numeric"
        else _skip(s, "high cardinality", s.why)
        if s.kind == "skip"
        else CategoricalBins(name=s.name, categories=[], counts=[])
        for s in specs
    ]
    del frame
    draft = spec_of(dcfg, ReferenceInfo(label=label, n_rows=0), skeleton)
    counted = count(reference(), tasks_of(draft), side="reference")
    info = ReferenceInfo(label=label, n_rows=counted.n_rows, sample_rows=sample, seed=seed)
    return spec_of(dcfg, info, completed(specs, skeleton, counted.overall, counted.errors))


def completed(
    specs: list[ColumnSpec], skeleton: list[Bins], overall: dict, errors: dict
) -> list[Bins]:
    """Skeleton bins (edges, no counts) completed with the reference's counts; categorical
    vocabularies from every reference row."""
    bins: list[Bins] = []
    for spec, b in zip(specs, skeleton, strict=True):
        if spec.name in errors:
            status, why = errors[spec.name]
            bins.append(_skip(spec, status, why, "numeric"))
        elif isinstance(b, NumericBins):
            c = overall.get(spec.name, NumericCounts.zeros(len(b.fine_edges) + 1))
            bins.append(b.model_copy(update=_numeric_fields(c)))
        elif isinstance(b, CategoricalBins):
            bins.append(categorical_bins(spec, overall.get(spec.name, CategoryCounts())))
        else:
            bins.append(b)
    return bins


def _numeric_fields(c: NumericCounts) -> dict:
    return {
        "counts": c.fine.tolist(),
        "n_nan": c.n_nan,
        "n_posinf": c.n_posinf,
        "n_neginf": c.n_neginf,
    }
