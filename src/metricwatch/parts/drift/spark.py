"""A drift run on the Spark engine: the data read by Spark, counted on the executors.

Any path Spark can read: Parquet (a file or a folder), CSV (header, types inferred by Spark),
Delta (a folder with _delta_log, when the session has Delta), ORC, JSON; drift.spark.format
overrides the guess from the suffix. Local paths are relative to metricwatch.yaml and checked
before Spark starts; PATH@REV (DVC revisions) and windows of N rows (Spark rows have no order)
need the local engine. Times are read in UTC (the session's time zone is set for the run and
restored).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metricwatch.config import Config
from metricwatch.errors import ConfigError, SourceError
from metricwatch.parts.drift.spec import check_current, check_reference
from metricwatch.sources.datasets import URI, DataSpec
from metricwatch.sources.drift_engines.counted import Counted
from metricwatch.sources.drift_engines.local_count import tasks_of
from metricwatch.sources.drift_engines.spark_count import count_spark
from metricwatch.sources.drift_engines.spark_freeze import freeze_spark
from metricwatch.sources.drift_engines.spark_session import run_job, spark_session
from metricwatch.stats.bin_spec import BinSpec
from metricwatch.window_spec import WindowSpec, parse_window

FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "csv",
           ".orc": "orc", ".json": "json", ".jsonl": "json"}  # fmt: skip


@dataclass
class SparkRun:
    spec: BinSpec
    current: Counted


def _format(cfg: Config, data: DataSpec) -> str:
    if cfg.drift.spark.format:
        return cfg.drift.spark.format
    suffix = Path(data.path.rstrip("/")).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if not URI.match(data.path) and (Path(data.path) / "_delta_log").is_dir():
        return "delta"
    return "parquet"


def _check(data: DataSpec) -> None:
    if data.rev is not None:
        raise ConfigError(
            f"{data.label}: PATH@REV (a DVC revision) needs the local engine; give the Spark "
            "engine a path Spark can read"
        )
    if not URI.match(data.path) and not Path(data.path).exists():
        raise SourceError(
            f"{data.label}: no such file or folder for Spark; check the path (local paths are "
            "relative to metricwatch.yaml)"
        )


def read(session: Any, cfg: Config, data: DataSpec) -> Any:
    """A DataFrame over the data (lazy: nothing but the schema, and CSV types, is read)."""
    _check(data)
    fmt = _format(cfg, data)
    reader = session.read.format(fmt)
    if fmt == "csv":
        sep = "\t" if data.path.lower().endswith(".tsv") else ","
        reader = reader.option("header", "true").option("inferSchema", "true").option("sep", sep)
    try:
        return run_job(session, lambda: reader.load(data.path), cfg.drift.spark.timeout_s,
                       f"metricwatch drift: read {data.label}")  # fmt: skip
    except SourceError:
        raise
    except Exception as exc:  # pyspark's AnalysisException & co: translated once, here
        raise SourceError(
            f"{data.label}: Spark cannot read it as {fmt}: {_first_line(exc)}"
        ) from exc


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


@contextmanager
def utc(session: Any) -> Iterator[None]:
    key = "spark.sql.session.timeZone"
    before = session.conf.get(key)
    session.conf.set(key, "UTC")
    try:
        yield
    finally:
        session.conf.set(key, before)


def _window(cfg: Config) -> WindowSpec | None:
    window = parse_window(cfg.drift.window) if cfg.drift.window is not None else None
    if window is not None and not window.by_time:
        raise ConfigError(
            f"{cfg.source}: drift.window {cfg.drift.window!r} counts rows, and Spark rows have no "
            "order; use a time window (e.g. 7D) with drift.time_column, or drift.engine: local"
        )
    return window


def run_spark(
    cfg: Config, ref: DataSpec | None, cur: DataSpec, frozen: BinSpec | None, path: Path | None
) -> SparkRun:
    dcfg, timeout = cfg.drift, cfg.drift.spark.timeout_s
    window = _window(cfg)
    for data in (ref, cur):  # before a JVM starts: a wrong path fails in a second, not minutes
        if data is not None:
            _check(data)
    with spark_session(dcfg.spark) as session, utc(session):
        if frozen is None:
            assert ref is not None
            spec = freeze_spark(
                session, read(session, cfg, ref), dcfg, label=ref.label, timeout=timeout
            )
        else:
            spec = frozen
            if ref is not None:
                counted_ref = count_spark(session, read(session, cfg, ref), tasks_of(spec),
                                          window=None, time_column=None, timeout=timeout,
                                          side="reference")  # fmt: skip
                check_reference(spec, path or Path("?"), counted_ref, ref.label)
        current = count_spark(session, read(session, cfg, cur), tasks_of(spec), window=window,
                              time_column=dcfg.time_column, timeout=timeout)  # fmt: skip
    if frozen is not None:
        check_current(spec, path or Path("?"), current, cur.label)
    return SparkRun(spec, current)


def freeze_on_spark(cfg: Config, ref: DataSpec) -> BinSpec:
    _check(ref)
    with spark_session(cfg.drift.spark) as session, utc(session):
        df = read(session, cfg, ref)
        return freeze_spark(
            session, df, cfg.drift, label=ref.label, timeout=cfg.drift.spark.timeout_s
        )
