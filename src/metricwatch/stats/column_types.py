"""Which columns are compared, and as what: numeric or categorical.

Rule (stated in the report): booleans and text are categorical; numbers that are all whole and
take at most INT_CATEGORICAL_MAX distinct values in the reference are categorical; other numbers
are numeric. drift.categorical / drift.numeric override it; drift.ordinal gives a category order
(and makes the column categorical). Text with more than TEXT_MAX_DISTINCT distinct values
(identifiers, free text) is not compared unless listed in drift.categorical. drift.include limits
the columns, drift.exclude removes some; the target (drift.target) is handled apart and the
time column (drift.time_column) only cuts windows. Why a column is skipped is message pieces
(catalogue keys `drift.why.*`), worded where shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from metricwatch.config import DriftConfig
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words

if TYPE_CHECKING:  # pandas is imported by the functions that type a column: reading the
    import pandas as pd  # result model (`feature_names` via stats.windows) must not pay for it

INT_CATEGORICAL_MAX = 20
TEXT_MAX_DISTINCT = 1000


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # "numeric" | "categorical" | "skip"
    order: tuple | None = None  # ordinal category order
    why: Words = field(default_factory=list)  # why skipped
    weight: float = 1.0
    auto: bool = True  # typed by the rule, not by an override


def is_number_dtype(s: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def datetime_why() -> Words:
    """Why a date/time column is not compared."""
    return [msg("drift.why.datetime")]


def auto_kind(s: pd.Series) -> tuple[str, Words]:
    """(kind, why skipped) for a reference column without an override."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(s.dtype):
        return "categorical", []
    if pd.api.types.is_datetime64_any_dtype(s.dtype) or isinstance(s.dtype, pd.PeriodDtype):
        return "skip", datetime_why()
    if is_number_dtype(s):
        if pd.api.types.is_integer_dtype(s.dtype):
            return ("categorical" if s.nunique() <= INT_CATEGORICAL_MAX else "numeric"), []
        x = s.to_numpy(dtype=np.float64, na_value=np.nan)
        head = x[:10_000]
        if not _whole(head[np.isfinite(head)]):  # cheap early exit for continuous data
            return "numeric", []
        finite = x[np.isfinite(x)]
        if finite.size and _whole(finite) and pd.unique(finite).size <= INT_CATEGORICAL_MAX:
            return "categorical", []
        return "numeric", []
    # text: categorical; more than TEXT_MAX_DISTINCT values is caught once counted
    return "categorical", []


def _whole(x: np.ndarray) -> bool:
    return bool(np.all(x == np.floor(x)))


def high_cardinality_why(name: str, n_distinct: int) -> Words:
    """Why a text column with too many distinct values (an identifier) is not compared."""
    return [
        msg("drift.why.column", name=name),
        msg("drift.why.high_cardinality", n=n_distinct, max=TEXT_MAX_DISTINCT),
    ]


def configured_spec(name: str, dcfg: DriftConfig) -> ColumnSpec | None:
    """The spec drift.ordinal / drift.categorical / drift.numeric give a column, else None."""
    weight = float(dcfg.weights.get(name, 1.0))
    if name in dcfg.ordinal:
        order = tuple(dcfg.ordinal[name])
        return ColumnSpec(name, "categorical", order, weight=weight, auto=False)
    if name in dcfg.categorical:
        return ColumnSpec(name, "categorical", weight=weight, auto=False)
    if name in dcfg.numeric:
        return ColumnSpec(name, "numeric", weight=weight, auto=False)
    return None


def plan_columns(reference: pd.DataFrame, dcfg: DriftConfig) -> list[ColumnSpec]:
    """Specs of the reference's feature columns (the target and the time column are apart)."""
    specs: list[ColumnSpec] = []
    for name in feature_names([str(c) for c in reference.columns], dcfg):
        spec = configured_spec(name, dcfg)
        if spec is None:
            kind, why = auto_kind(reference[name])
            spec = ColumnSpec(name, kind, why=why, weight=float(dcfg.weights.get(name, 1.0)))
        specs.append(spec)
    return specs


def feature_names(columns: list[str], dcfg: DriftConfig) -> list[str]:
    """The columns compared as features: drift.include / drift.exclude applied, and never the
    target or the time column."""
    apart = {dcfg.target, dcfg.time_column}
    return [
        c
        for c in columns
        if (not dcfg.include or c in dcfg.include) and c not in dcfg.exclude and c not in apart
    ]


def target_spec(reference: pd.DataFrame, dcfg: DriftConfig) -> ColumnSpec | None:
    t = dcfg.target
    if not t or t not in reference.columns:
        return None
    if t in dcfg.ordinal:
        return ColumnSpec(t, "categorical", tuple(dcfg.ordinal[t]), auto=False)
    if t in dcfg.numeric:
        return ColumnSpec(t, "numeric", auto=False)
    if t in dcfg.categorical:
        return ColumnSpec(t, "categorical", auto=False)
    kind, why = auto_kind(reference[t])
    return ColumnSpec(t, kind, why=why)
