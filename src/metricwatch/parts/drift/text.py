"""What the drift numbers mean, worded from the drift result's own parameters in a language.

The result stores the parameters (bins, thresholds, correction, number of tests, the bin spec's
hash and origin, the features' weights); these functions word them through the message
catalogue (metricwatch.i18n), for the report, the CLI and the figures' page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.i18n import Lang, label, t
from metricwatch.stats.binning import FINE_BINS_PER_BIN
from metricwatch.stats.column_types import INT_CATEGORICAL_MAX
from metricwatch.stats.divergence import EPSILON
from metricwatch.stats.feature_drift import MIN_ROWS_PER_BIN

if TYPE_CHECKING:
    from metricwatch.parts.drift.model import DriftReport


def definition_text(rep: DriftReport, lang: Lang = "en") -> str:
    """The drift rule and the dataset drift % with its counts."""
    if rep.correction == "none":
        adjusted = t("drift.p_unadjusted", lang)
    else:
        name = label(f"drift.correction.{rep.correction}", lang, rep.correction)
        adjusted = t("drift.p_adjusted", lang, n=rep.n_tests, correction=name)
    rule = t("drift.rule", lang, js=rep.js_threshold, adjusted=adjusted, p=rep.p_value)
    if rep.dataset_drift_pct is None:
        return rule + t("drift.pct_undefined", lang, n=len(rep.features))
    weighted = any(f.weight != 1.0 for f in rep.features if f.drifted is not None)
    if weighted:
        share = t("drift.share_weighted", lang)
    else:
        share = t("drift.share_count", lang, drifted=len(rep.drifted_features), n=rep.n_comparable)
    return rule + t("drift.pct_defined", lang, share=share, pct=rep.dataset_drift_pct,
                    skipped=rep.n_not_comparable)  # fmt: skip


def binning_text(rep: DriftReport, lang: Lang = "en") -> str:
    text = t("drift.binning", lang, bins=rep.bins)
    spec = rep.bin_spec
    if spec is None:
        return text
    if spec.sample_rows:
        text += t("drift.sampled", lang, rows=spec.sample_rows)
    if spec.frozen:
        return text + t("drift.spec_frozen", lang, hash=spec.hash, where=spec.path)
    return text + t("drift.spec_made", lang, hash=spec.hash, where=spec.reference)


def smoothing_text(lang: Lang = "en") -> str:
    return t("drift.smoothing", lang, eps=EPSILON)


def tests_text(rep: DriftReport, lang: Lang = "en") -> str:
    return t("drift.tests", lang, grid=rep.bins * FINE_BINS_PER_BIN, min_rows=MIN_ROWS_PER_BIN)


def typing_text(lang: Lang = "en") -> str:
    return t("drift.typing", lang, max=INT_CATEGORICAL_MAX)


def method_text(rep: DriftReport, lang: Lang = "en") -> str:
    """Binning, smoothing and tests in one paragraph (the report's small print)."""
    return " ".join([binning_text(rep, lang), smoothing_text(lang), tests_text(rep, lang)])


def status_text(status: str, lang: Lang = "en") -> str:
    return label(f"drift.status.{status}", lang, status)


def kind_text(kind: str | None, lang: Lang = "en") -> str:
    return "—" if kind is None else label(f"drift.kind.{kind}", lang, kind)
