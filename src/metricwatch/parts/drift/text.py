"""What the drift numbers mean, stated with the run's own parameters (shown in every report).

These sentences predate the message catalogue; the parameters they state are also fields of the
drift result (bins, thresholds, correction, number of tests, the bin spec's hash).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.config import DriftConfig
from metricwatch.stats.binning import FINE_BINS_PER_BIN
from metricwatch.stats.feature_drift import MIN_ROWS_PER_BIN, FeatureDrift
from metricwatch.stats.verdicts import drift_pct

if TYPE_CHECKING:
    from metricwatch.parts.drift.collect import SpecInfo

CORRECTION_NAMES = {
    "bh": "Benjamini–Hochberg",
    "bonferroni": "Bonferroni",
    "none": "no correction",
}


def definition_text(dcfg: DriftConfig, features: list[FeatureDrift]) -> str:
    pct, drifted, n = drift_pct(features)
    skipped = len(features) - n
    adjusted = (
        "its test p-value (unadjusted)"
        if dcfg.correction == "none"
        else f"its test p-value adjusted across the {n} tested feature(s) "
        f"({CORRECTION_NAMES[dcfg.correction]})"
    )
    rule = (
        f"A feature drifts when its Jensen–Shannon distance ≥ {dcfg.js_threshold:g} (the effect "
        f"floor) AND {adjusted} < {dcfg.p_value:g} (Kolmogorov–Smirnov for numeric, chi-square "
        "for categorical features). "
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


def binning_text(dcfg: DriftConfig, spec: SpecInfo) -> str:
    text = (
        f"numeric: {dcfg.bins} bins on reference quantiles (duplicate edges merged for "
        "discrete-ish data) plus two overflow bins below the reference minimum and above its "
        "maximum; categorical: one bin per reference category plus an 'unseen' bin"
    )
    if spec.sample_rows:
        text += (
            f"; quantile edges from a uniform random sample of at most {spec.sample_rows:,} "
            "reference rows (fixed seed), counts over all rows"
        )
    where = f"frozen in {spec.path}" if spec.frozen else f"made from {spec.reference}"
    return text + f"; bin spec {spec.hash} ({where})"


def tests_text(dcfg: DriftConfig) -> str:
    return (
        f"KS from the empirical CDFs on a fine grid of {dcfg.bins * FINE_BINS_PER_BIN} reference "
        "quantiles (exact at the grid points; p-value as scipy's ks_2samp(method='asymp'), "
        "the Kolmogorov limit above an effective n of 10,000), "
        "chi-square on the 2 × k table of category counts; no verdict below "
        f"{MIN_ROWS_PER_BIN} × bins values on a side"
    )
