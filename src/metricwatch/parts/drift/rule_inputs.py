"""What the rules read of the drift part: the dataset drift share (the `drift_pct` metric)."""

from __future__ import annotations

import math

from metricwatch.config import Config
from metricwatch.i18n.words import Words
from metricwatch.parts.drift.model import DriftReport
from metricwatch.rules_model import PartRuleInputs


def drift_rule_inputs(
    rep: DriftReport | None, reason: Words | None, cfg: Config | None
) -> PartRuleInputs:
    if rep is None:
        return PartRuleInputs(unavailable={"drift": reason} if reason else {})
    pct = rep.dataset_drift_pct
    return PartRuleInputs(dataset_drift_pct=pct if pct is not None and math.isfinite(pct) else None)


def feature_js(rep: DriftReport | None) -> dict[str, float | None]:
    """Jensen–Shannon distance per feature (Prometheus gauges)."""
    return {f.name: f.js for f in rep.features} if rep is not None else {}
