"""A drift run on the local engine: read each side in memory or in batches, count on one spec.

A side is streamed (Arrow batches, bounded memory) when it is Parquet with more than
STREAM_ROWS rows, a local CSV larger than STREAM_CSV_BYTES, or when batch_rows is given; else it
is read whole, which also makes concept drift possible (the model scores data frames). The bin
spec is the frozen one (drift.bin_spec) or frozen now from the reference; the current data (and,
with a frozen spec, the reference, to check it) is counted on it by one counting path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from metricwatch.config import Config
from metricwatch.parts.drift.spec import check_current, check_reference
from metricwatch.sources import batches as batch_io
from metricwatch.sources import datasets
from metricwatch.sources.drift_engines.counted import Counted
from metricwatch.sources.drift_engines.local_count import count, tasks_of
from metricwatch.sources.drift_engines.local_freeze import freeze_batches, freeze_frame
from metricwatch.sources.views import DvcSource
from metricwatch.stats.bin_spec import BinSpec
from metricwatch.window_spec import parse_window

STREAM_ROWS = 2_000_000  # Parquet with more rows than this is read in batches
STREAM_CSV_BYTES = 256 << 20
BATCH_ROWS = 250_000


@dataclass
class LocalRun:
    spec: BinSpec
    current: Counted
    streamed: bool
    reference_frame: pd.DataFrame | None = None
    current_frame: pd.DataFrame | None = None


def _stream(data: DvcSource, spec: datasets.DataSpec, batch_rows: int | None) -> bool:
    if batch_rows:
        return True
    if spec.is_parquet:
        return datasets.parquet_rows(data, spec) > STREAM_ROWS
    path = Path(spec.path)
    return spec.rev is None and path.is_file() and path.stat().st_size > STREAM_CSV_BYTES


def _source(
    data: DvcSource, spec: datasets.DataSpec, batch_rows: int | None
) -> tuple[Callable[[], Iterable[Any]], pd.DataFrame | None]:
    """(a callable giving the side's batches, its frame when read whole)."""
    if _stream(data, spec, batch_rows):
        size = batch_rows or BATCH_ROWS
        return (lambda: batch_io.iter_batches(data, spec, batch_rows=size)), None
    frame = datasets.read_frame(data, spec)
    return (lambda: [frame]), frame


def freeze(cfg: Config, ref: datasets.DataSpec, batch_rows: int | None = None) -> BinSpec:
    batches, frame = _source(DvcSource.of(cfg), ref, batch_rows)
    if frame is not None:
        return freeze_frame(frame, cfg.drift, label=ref.label)
    return freeze_batches(batches, cfg.drift, label=ref.label)


def run_local(
    cfg: Config,
    ref: datasets.DataSpec | None,
    cur: datasets.DataSpec,
    frozen: BinSpec | None,
    frozen_path: Path | None,
    *,
    batch_rows: int | None = None,
) -> LocalRun:
    dcfg = cfg.drift
    data = DvcSource.of(cfg)
    ref_batches, ref_frame = _source(data, ref, batch_rows) if ref else (None, None)
    cur_batches, cur_frame = _source(data, cur, batch_rows)
    if frozen is None:
        assert ref is not None and ref_batches is not None
        spec = (
            freeze_frame(ref_frame, dcfg, label=ref.label)
            if ref_frame is not None
            else freeze_batches(ref_batches, dcfg, label=ref.label)
        )
    else:
        spec = frozen
        if ref is not None and ref_batches is not None:
            counted_ref = count(ref_batches(), tasks_of(spec), side="reference")
            check_reference(spec, frozen_path or Path("?"), counted_ref, ref.label)
    window = parse_window(dcfg.window) if dcfg.window is not None else None
    current = count(cur_batches(), tasks_of(spec), window=window, time_column=dcfg.time_column)
    if frozen is not None:
        check_current(spec, frozen_path or Path("?"), current, cur.label)
    streamed = (ref_frame is None and ref is not None) or cur_frame is None
    return LocalRun(spec, current, streamed, ref_frame, cur_frame)
