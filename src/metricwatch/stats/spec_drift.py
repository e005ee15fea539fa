"""Every feature of one comparison from counts: rows, verdicts, the target apart.

Inputs are a bin spec (the reference's bins and counts), the current side's counts per column,
the current data's column names and per-column problems; the output is one row per feature (in
the reference's column order, then columns only the current data has), each with its status,
and the target's label drift. Verdicts use the comparison's adjusted p-values (stats/verdicts.py).
Per-column problems are (status, reason as message pieces); a skipped column's reason is the bin
spec's messages (a spec written before they were kept: its English text).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from metricwatch.config import DriftConfig
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words, plain
from metricwatch.stats.bin_spec import BinSpec, CategoricalBins, NumericBins, SkippedColumn
from metricwatch.stats.column_types import feature_names
from metricwatch.stats.counts import SideCounts
from metricwatch.stats.feature_drift import FeatureDrift, compare, not_comparable
from metricwatch.stats.verdicts import Rule, decide


@dataclass(frozen=True)
class FrameDrift:
    features: list[FeatureDrift]
    target: FeatureDrift | None
    target_why: Words  # why there is no label drift (nothing when there is)


def rule_of(dcfg: DriftConfig) -> Rule:
    return Rule(p_value=dcfg.p_value, js_threshold=dcfg.js_threshold, correction=dcfg.correction)


def column_row(
    col: NumericBins | CategoricalBins | SkippedColumn,
    current: SideCounts,
    columns: list[str],
    errors: Mapping[str, tuple[str, Words]],
    dcfg: DriftConfig,
) -> FeatureDrift:
    """One column's row, before verdicts."""
    weight = float(dcfg.weights.get(col.name, 1.0))
    if isinstance(col, SkippedColumn):
        why = col.why or ([plain(col.reason)] if col.reason else [])  # older specs: English
        return not_comparable(col.name, col.column_kind, col.status, why, weight=weight)  # type: ignore[arg-type]
    kind = "numeric" if isinstance(col, NumericBins) else "categorical"
    if col.name not in columns:
        why = [msg("drift.why.only_reference", name=col.name)]
        return not_comparable(col.name, None, "missing column", why, weight=weight)
    if col.name in errors:
        return not_comparable(col.name, kind, *errors[col.name], weight=weight)  # type: ignore[arg-type]
    cur = current[col.name]
    return compare(col, col.reference_counts(), cur, bins=dcfg.bins, weight=weight)


def compare_all(
    spec: BinSpec,
    current: SideCounts,
    columns: list[str],
    errors: Mapping[str, tuple[str, Words]],
    dcfg: DriftConfig,
) -> FrameDrift:
    rows = [column_row(c, current, columns, errors, dcfg) for c in spec.columns]
    known = {c.name for c in spec.columns}
    for name in feature_names([c for c in columns if c not in known], dcfg):
        why = [msg("drift.why.only_current", name=name)]
        rows.append(not_comparable(name, None, "missing column", why))
    rule = rule_of(dcfg)
    target, note = _target(spec, current, columns, errors, dcfg)
    if target is not None:
        target = decide([target], rule)[0]  # a family of one: its own p-value
    return FrameDrift(decide(rows, rule), target, note)


def _target(
    spec: BinSpec,
    current: SideCounts,
    columns: list[str],
    errors: Mapping[str, tuple[str, Words]],
    dcfg: DriftConfig,
) -> tuple[FeatureDrift | None, Words]:
    t = dcfg.target
    if not t:
        return None, []
    if spec.target is None:
        return None, [msg("drift.why.target_not_in_reference", name=t)]
    if t not in columns:
        return None, [msg("drift.why.target_not_in_current", name=t)]
    return column_row(spec.target, current, columns, errors, dcfg), []
