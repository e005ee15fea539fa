"""`run_drift`: data drift per feature, label drift, dataset drift % and concept drift.

Reads the two data sets (sources/datasets), compares every column (stats/frame_drift), and
states in the report exactly what the numbers mean (binning, smoothing, tests, the drift %
definition with its thresholds and counts).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from metricwatch.checks.concept_drift import ConceptDrift, concept_drift
from metricwatch.config import Config, DriftConfig
from metricwatch.errors import ConfigError
from metricwatch.sources import datasets
from metricwatch.stats.binning import FINE_BINS_PER_BIN
from metricwatch.stats.column_types import TYPING_RULE
from metricwatch.stats.divergence import SMOOTHING
from metricwatch.stats.feature_drift import MIN_ROWS_PER_BIN, FeatureDrift
from metricwatch.stats.frame_drift import SAMPLE_ROWS, FrameDrift, drift_batches, drift_frames

STREAM_ROWS = 2_000_000  # Parquet with more rows than this on a side is read in batches
BATCH_ROWS = 250_000


class DriftReport(BaseModel):
    model_config = ConfigDict(frozen=True)
    reference: str
    current: str
    n_reference: int
    n_current: int
    mode: Literal["in memory", "batches"]
    features: list[FeatureDrift]
    target: FeatureDrift | None
    target_note: str = ""
    dataset_drift_pct: float | None
    drifted_features: list[str]
    n_comparable: int
    n_not_comparable: int
    definition: str
    smoothing: str
    binning: str
    typing: str
    tests: str
    bins: int
    js_threshold: float
    p_value: float
    concept: ConceptDrift | None = None
    notes: list[str] = []


def drift_pct(features: list[FeatureDrift]) -> tuple[float | None, list[str], int]:
    """(weighted % of comparable features that drift, their names, comparable count)."""
    comparable = [f for f in features if f.drifted is not None]
    drifted = [f for f in comparable if f.drifted]
    total = sum(f.weight for f in comparable)
    if not comparable or total <= 0:
        return None, [f.name for f in drifted], len(comparable)
    return (
        100.0 * sum(f.weight for f in drifted) / total,
        [f.name for f in drifted],
        len(comparable),
    )


def definition_text(dcfg: DriftConfig, features: list[FeatureDrift]) -> str:
    pct, drifted, n = drift_pct(features)
    skipped = len(features) - n
    rule = (
        f"A feature drifts when its Jensen–Shannon distance ≥ {dcfg.js_threshold:g} AND its "
        f"test p-value < {dcfg.p_value:g} (Kolmogorov–Smirnov for numeric, chi-square for "
        "categorical features). "
    )
    if pct is None:
        return rule + (
            f"Dataset drift % is undefined here: none of the {len(features)} feature(s) could "
            "be compared (see each feature's status)."
        )
    weighted = any(f.weight != 1.0 for f in features if f.drifted is not None)
    share = "the weighted share (drift.weights) of" if weighted else f"{len(drifted)} of {n}"
    return rule + (
        f"Dataset drift % = {share} comparable features that drift = {pct:.1f} %. "
        f"The target is reported apart (label drift) and not counted; {skipped} feature(s) "
        "without a verdict (insufficient data, constant, missing, type mismatch…) are left "
        "out of both counts."
    )


def build_report(
    frame: FrameDrift,
    dcfg: DriftConfig,
    *,
    reference: str,
    current: str,
    n_reference: int,
    n_current: int,
    mode: Literal["in memory", "batches"] = "in memory",
    concept: ConceptDrift | None = None,
    notes: list[str] | None = None,
) -> DriftReport:
    pct, drifted, n = drift_pct(frame.features)
    binning = (
        f"numeric: {dcfg.bins} bins on reference quantiles (duplicate edges merged for "
        "discrete-ish data) plus two overflow bins below the reference minimum and above its "
        "maximum; categorical: one bin per reference category plus an 'unseen' bin"
    )
    if mode == "batches":
        binning += (
            f"; read in batches: quantile edges from a uniform random sample of at most "
            f"{SAMPLE_ROWS:,} reference rows (fixed seed), counts over all rows"
        )
    tests = (
        f"KS from the empirical CDFs on a fine grid of {dcfg.bins * FINE_BINS_PER_BIN} reference "
        "quantiles (exact at the grid points; p-value as scipy's ks_2samp(method='asymp'), "
        "the Kolmogorov limit above an effective n of 10,000), "
        "chi-square on the 2 × k table of category counts; no verdict below "
        f"{MIN_ROWS_PER_BIN} × bins values on a side"
    )
    return DriftReport(
        reference=reference,
        current=current,
        n_reference=n_reference,
        n_current=n_current,
        mode=mode,
        features=frame.features,
        target=frame.target,
        target_note=frame.target_note,
        dataset_drift_pct=pct,
        drifted_features=drifted,
        n_comparable=n,
        n_not_comparable=len(frame.features) - n,
        definition=definition_text(dcfg, frame.features),
        smoothing=SMOOTHING,
        binning=binning,
        typing=TYPING_RULE,
        tests=tests,
        bins=dcfg.bins,
        js_threshold=dcfg.js_threshold,
        p_value=dcfg.p_value,
        concept=concept,
        notes=notes or [],
    )


def _spec(cfg: Config, given: str | None, key: str) -> datasets.DataSpec:
    text = given or getattr(cfg.drift, key)
    if not text:
        raise ConfigError(
            f"{cfg.source}: drift.{key} is not set; set it (PATH or PATH@REV) or pass --{key}"
        )
    return datasets.parse_spec(cfg, text)


def run_drift(
    cfg: Config,
    reference: str | None = None,
    current: str | None = None,
    *,
    model_run: str | None = None,
    concept: bool = True,
    batch_rows: int | None = None,
) -> DriftReport:
    """Data, label and concept drift between the configured (or given) reference and current data."""
    ref, cur = _spec(cfg, reference, "reference"), _spec(cfg, current, "current")
    dcfg = cfg.drift
    if ref.is_parquet and cur.is_parquet:
        n_ref, n_cur = datasets.parquet_rows(cfg, ref), datasets.parquet_rows(cfg, cur)
        if batch_rows or max(n_ref, n_cur) > STREAM_ROWS:
            size = batch_rows or BATCH_ROWS
            frame = drift_batches(
                lambda: datasets.iter_parquet(cfg, ref, batch_rows=size),
                datasets.iter_parquet(cfg, cur, batch_rows=size),
                n_ref,
                dcfg,
            )
            note = "concept drift is not computed on batched (larger-than-memory) inputs"
            return build_report(
                frame,
                dcfg,
                reference=ref.label,
                current=cur.label,
                n_reference=n_ref,
                n_current=n_cur,
                mode="batches",
                notes=[note],
            )
    ref_df = datasets.read_frame(cfg, ref)
    cur_df = datasets.read_frame(cfg, cur)
    frame = drift_frames(ref_df, cur_df, dcfg)
    cd = concept_drift(cfg, ref_df, cur_df, model_run=model_run) if concept else None
    return build_report(
        frame,
        dcfg,
        reference=ref.label,
        current=cur.label,
        n_reference=len(ref_df),
        n_current=len(cur_df),
        concept=cd,
    )


def frames_report(reference: pd.DataFrame, current: pd.DataFrame, dcfg: DriftConfig) -> DriftReport:
    """The report for two in-memory frames (no concept drift): for notebooks and benchmarks."""
    frame = drift_frames(reference, current, dcfg)
    return build_report(
        frame,
        dcfg,
        reference="reference frame",
        current="current frame",
        n_reference=len(reference),
        n_current=len(current),
    )
