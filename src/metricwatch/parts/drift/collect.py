"""`run_drift`: data drift per feature, label drift, dataset drift %, drift per time window and
concept drift.

Reads the two data sets with an engine that counts them on one bin spec (local: in memory or in
batches; spark: on a cluster), compares every column from those counts (stats/), and keeps
the parameters that say exactly what the numbers mean (bins, the spec's hash, thresholds, the
correction, counts), which checks/drift_text.py words in a language. `freeze_spec` writes a
bin spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from metricwatch.config import Config, DriftConfig
from metricwatch.errors import CheckError, ConfigError
from metricwatch.i18n.message import Msg, msg
from metricwatch.parts.contract import Loaded
from metricwatch.parts.drift.concept import concept_drift
from metricwatch.parts.drift.local import LocalRun, run_local
from metricwatch.parts.drift.model import ConceptDrift, DriftReport, Mode, SpecInfo
from metricwatch.parts.drift.spec import load_spec, spec_path, write_spec
from metricwatch.sources import datasets
from metricwatch.sources.drift_engines.counted import Counted
from metricwatch.sources.drift_engines.local_count import count, tasks_of
from metricwatch.sources.drift_engines.local_freeze import freeze_frame
from metricwatch.sources.views import DvcSource
from metricwatch.stats.bin_spec import BinSpec
from metricwatch.stats.spec_drift import compare_all
from metricwatch.stats.verdicts import drift_pct
from metricwatch.stats.windows import WindowedDrift, unavailable, window_drift
from metricwatch.window_spec import parse_window

if TYPE_CHECKING:
    from metricwatch.sources.mlflow_runs import RunSet


def spec_info(spec: BinSpec, path: Path | None) -> SpecInfo:
    return SpecInfo(
        hash=spec.hash,
        frozen=path is not None,
        path=str(path) if path else None,
        reference=spec.reference.label,
        reference_rows=spec.reference.n_rows,
        sample_rows=spec.reference.sample_rows,
    )


def windows_of(spec: BinSpec, counted: Counted, dcfg: DriftConfig) -> WindowedDrift | None:
    wc = counted.windows
    if wc is None:
        return None
    if wc.problem is not None:
        return unavailable(wc.spec, dcfg, wc.problem)
    notes = []
    if wc.spec.by_time and wc.tally.n_missing:
        column, count = dcfg.time_column, wc.tally.n_missing
        notes.append(msg("drift.window.rows_without_time", column=column, count=count))
    skip = set(counted.errors) | {c.name for c in spec.binned() if c.name not in counted.columns}
    return window_drift(spec, wc.counts, wc.rows, wc.spec, dcfg, skip=skip, notes=notes)


def build_report(
    spec: BinSpec,
    counted: Counted,
    dcfg: DriftConfig,
    *,
    reference: str,
    current: str,
    mode: Mode = "in memory",
    engine: Literal["local", "spark"] = "local",
    frozen_path: Path | None = None,
    concept: ConceptDrift | None = None,
    notes: list[Msg] | None = None,
) -> DriftReport:
    frame = compare_all(spec, counted.overall, counted.columns, counted.errors, dcfg)
    pct, drifted, n = drift_pct(frame.features)
    info = spec_info(spec, frozen_path)
    return DriftReport(
        reference=reference,
        current=current,
        n_reference=spec.reference.n_rows,
        n_current=counted.n_rows,
        mode=mode,
        engine=engine,
        features=frame.features,
        target=frame.target,
        target_why=frame.target_why,
        dataset_drift_pct=pct,
        drifted_features=drifted,
        n_comparable=n,
        n_not_comparable=len(frame.features) - n,
        bins=dcfg.bins,
        js_threshold=dcfg.js_threshold,
        p_value=dcfg.p_value,
        correction=dcfg.correction,
        n_tests=n,
        bin_spec=info,
        windows=windows_of(spec, counted, dcfg),
        concept=concept,
        remarks=notes or [],
    )


def _data(
    cfg: Config, given: str | None, key: str, required: bool = True
) -> datasets.DataSpec | None:
    text = given or getattr(cfg.drift, key)
    if not text:
        if not required:
            return None
        raise ConfigError(
            f"{cfg.source}: drift.{key} is not set; set it (PATH or PATH@REV) or pass --{key}"
        )
    return datasets.parse_spec(DvcSource.of(cfg), text)


def run_drift(
    cfg: Config,
    reference: str | None = None,
    current: str | None = None,
    *,
    model_run: str | None = None,
    concept: bool = True,
    batch_rows: int | None = None,
    runs: Loaded[RunSet] | None = None,
) -> DriftReport:
    """Data, label and concept drift between the configured (or given) reference and current data.

    `runs`: the MLflow runs loaded once by the caller, whose model concept drift scores (needed
    unless `concept` is False)."""
    if concept and runs is None:
        raise ValueError("run_drift: concept drift needs the runs (pass runs=, or concept=False)")
    frozen, path = load_spec(cfg), spec_path(cfg)
    ref = _data(cfg, reference, "reference", required=frozen is None)
    cur = _data(cfg, current, "current")
    assert cur is not None
    mode: Mode
    if cfg.drift.engine == "spark":
        from metricwatch.parts.drift.spark import run_spark

        spark = run_spark(cfg, ref, cur, frozen, path)
        spec, counted, mode = spark.spec, spark.current, "spark"
        cd, notes = None, [msg("drift.concept.spark")]
    else:
        run = run_local(cfg, ref, cur, frozen, path, batch_rows=batch_rows)
        spec, counted = run.spec, run.current
        mode = "batches" if run.streamed else "in memory"
        cd, notes = _concept(cfg, run, runs if concept else None, model_run)
    return build_report(
        spec,
        counted,
        cfg.drift,
        reference=ref.label if ref else spec.reference.label,
        current=cur.label,
        mode=mode,
        engine=cfg.drift.engine,
        frozen_path=path,
        concept=cd,
        notes=notes,
    )


def _concept(
    cfg: Config, run: LocalRun, runs: Loaded[RunSet] | None, model_run: str | None
) -> tuple[ConceptDrift | None, list[Msg]]:
    """Concept drift when asked for (`runs` given) and the rows are in memory."""
    if run.streamed:
        return None, [msg("drift.concept.streamed")]
    if runs is None:
        return None, []
    if run.reference_frame is None or run.current_frame is None:
        return None, [msg("drift.concept.no_reference")]
    cd = concept_drift(cfg, run.reference_frame, run.current_frame, runs=runs, model_run=model_run)
    return cd, []


def freeze_spec(
    cfg: Config, dest: Path, reference: str | None = None, *, batch_rows: int | None = None
) -> BinSpec:
    """Freeze the reference's bins and counts into a spec file (the engine of drift.engine)."""
    ref = _data(cfg, reference, "reference")
    assert ref is not None
    if cfg.drift.engine == "spark":
        from metricwatch.parts.drift.spark import freeze_on_spark

        spec = freeze_on_spark(cfg, ref)
    else:
        from metricwatch.parts.drift.local import freeze

        spec = freeze(cfg, ref, batch_rows)
    write_spec(spec, dest)
    return spec


def frames_report(reference: pd.DataFrame, current: pd.DataFrame, dcfg: DriftConfig) -> DriftReport:
    """The report for two in-memory frames (no concept drift): for notebooks and benchmarks."""
    dup = current.columns[current.columns.duplicated()]
    if len(dup):
        raise CheckError(
            f"the current data has column {dup[0]!r} more than once; rename the duplicates"
        )
    spec = freeze_frame(reference, dcfg, label="reference frame")
    window = parse_window(dcfg.window) if dcfg.window is not None else None
    counted = count([current], tasks_of(spec), window=window, time_column=dcfg.time_column)
    return build_report(spec, counted, dcfg, reference="reference frame", current="current frame")
