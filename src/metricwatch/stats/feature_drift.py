"""One feature's drift from its counts: statistics, test, and an explicit status.

`compare` turns a column's bins (a bin spec column) and the two sides' counts into PSI, KL, JS,
the test statistic and its raw p-value. The verdict comes later, across the features of a
comparison (stats/verdicts.py: adjusted p-values). No verdict (drifted = None) for: fewer than
`bins` values on a side ("insufficient data", nothing computed), fewer than 5 × bins ("low
sample size", numbers shown), a constant reference ("constant"), or anything that could not be
compared (missing column, type mismatch …). A row's reason is stored as message pieces (`why`,
catalogue keys `drift.why.*`), worded by the presenters; `reason` is its English text.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from metricwatch.i18n.message import Param, msg
from metricwatch.i18n.words import Words, from_text, joined
from metricwatch.i18n.words import text as words_text
from metricwatch.stats.bin_spec import CategoricalBins, NumericBins
from metricwatch.stats.binning import NumericPlan
from metricwatch.stats.categories import UNSEEN, to_vector, unseen
from metricwatch.stats.counts import CategoryCounts, ColumnCounts, NumericCounts
from metricwatch.stats.divergence import all_statistics
from metricwatch.stats.tests import get_test

Kind = Literal["numeric", "categorical"]
Status = Literal[
    "ok",
    "low sample size",
    "insufficient data",
    "constant",
    "all missing",
    "missing column",
    "type mismatch",
    "high cardinality",
    "error",
]
MIN_ROWS_PER_BIN = 5


class Distribution(BaseModel):
    """Binned shares per side (raw, before smoothing), enough to draw an overlay."""

    model_config = ConfigDict(frozen=True)
    labels: list[str]
    edges: list[float] | None = None  # numeric: the coarse edges (reference min … max)
    reference: list[float]
    current: list[float]


class FeatureDrift(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    kind: Kind | None
    psi: float | None = None
    kl: float | None = None
    js: float | None = None
    test: Literal["ks", "chi2"] | None = None
    statistic: float | None = None
    p_value: float | None = None  # the test's own p-value
    p_adjusted: float | None = None  # after the correction across the comparison's features
    drifted: bool | None = None
    status: Status
    why: Words = []  # the reason as message pieces (empty: nothing to say)
    nan_share_reference: float | None = None
    nan_share_current: float | None = None
    inf_reference: int = 0
    inf_current: int = 0
    n_reference: int = 0  # non-NaN values
    n_current: int = 0
    weight: float = 1.0
    distribution: Distribution | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return from_text(data, reason="why")  # a metrics.json or history of an older metricwatch

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str:
        """The reason in English (JSON, the CLI, the fault corpus)."""
        return words_text(self.why)


def not_comparable(
    name: str, kind: Kind | None, status: Status, why: Words, **extra: object
) -> FeatureDrift:
    return FeatureDrift(name=name, kind=kind, status=status, why=why, **extra)  # type: ignore[arg-type]


def _share(part: int, total: int) -> float | None:
    return part / total if total else None


def _inf(c: ColumnCounts) -> int:
    return c.n_posinf + c.n_neginf if isinstance(c, NumericCounts) else 0


def _base(
    name: str, kind: Kind, ref: ColumnCounts, cur: ColumnCounts, weight: float
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "nan_share_reference": _share(ref.n_nan, ref.n + ref.n_nan),
        "nan_share_current": _share(cur.n_nan, cur.n + cur.n_nan),
        "inf_reference": _inf(ref),
        "inf_current": _inf(cur),
        "n_reference": ref.n,
        "n_current": cur.n,
        "weight": weight,
    }


def _too_little(base: dict, ref: ColumnCounts, cur: ColumnCounts, bins: int) -> FeatureDrift | None:
    for side, c in (("reference", ref), ("current", cur)):
        if c.n == 0 and c.n_nan > 0:
            return FeatureDrift(
                **base,
                status="all missing",
                why=[msg(f"drift.why.all_missing.{side}", n=c.n_nan)],
            )
        if c.n < bins:
            return FeatureDrift(
                **base,
                status="insufficient data",
                why=[
                    msg("drift.status.insufficient data"),
                    msg(f"drift.why.insufficient.{side}", n=c.n, bins=bins),
                ],
            )
    return None


def unseen_note(current: CategoryCounts, categories: list[str], shown: int = 3) -> Words:
    """What the current data holds that the reference never had (nothing when nothing)."""
    new = unseen(current, categories)
    if not new:
        return []
    names = ", ".join(repr(k[:40]) for k, _ in new[:shown])
    values: dict[str, Param] = {
        "n": len(new),
        "names": names,
        "count": sum(c for _, c in new),
        "total": current.n,
    }
    if len(new) > shown:
        return [msg("drift.why.unseen.more", more=len(new) - shown, **values)]
    return [msg("drift.why.unseen.one" if len(new) == 1 else "drift.why.unseen.many", **values)]


def compare(
    col: NumericBins | CategoricalBins,
    reference: ColumnCounts,
    current: ColumnCounts,
    *,
    bins: int,
    weight: float = 1.0,
) -> FeatureDrift:
    """Statistics and raw p-value from the two sides' counts on the column's bins."""
    numeric = isinstance(col, NumericBins)
    kind: Kind = "numeric" if numeric else "categorical"
    base = _base(col.name, kind, reference, current, weight)
    early = _too_little(base, reference, current, bins)
    if early is not None:
        return early
    if isinstance(col, NumericBins):
        assert isinstance(reference, NumericCounts) and isinstance(current, NumericCounts)
        plan = NumericPlan.from_edges(col.edges, col.fine_edges)
        ref_c, cur_c = plan.coarse(reference.fine), plan.coarse(current.fine)
        statistic, p = get_test("ks")(reference.fine, current.fine)
        labels, edges = plan.labels(), [float(e) for e in plan.edges]
        n_ref_bins, note = plan.edges.size, []
    else:
        assert isinstance(reference, CategoryCounts) and isinstance(current, CategoryCounts)
        ref_c, cur_c = to_vector(reference, col.categories), to_vector(current, col.categories)
        statistic, p = get_test("chi2")(ref_c, cur_c)
        labels, edges = [*col.categories, UNSEEN], None
        n_ref_bins, note = len(col.categories), unseen_note(current, col.categories)
    status, why = _status(col, n_ref_bins, min(reference.n, current.n), bins)
    statistics: dict[str, Any] = all_statistics(ref_c, cur_c)
    return FeatureDrift(
        **base,
        **statistics,
        test="ks" if numeric else "chi2",
        statistic=float(statistic),
        p_value=float(np.clip(p, 0.0, 1.0)),
        status=status,
        why=joined([w for w in (why, note) if w]),
        distribution=Distribution(
            labels=labels,
            edges=edges,
            reference=[float(v) for v in ref_c / reference.n],
            current=[float(v) for v in cur_c / current.n],
        ),
    )


def _status(
    col: NumericBins | CategoricalBins, n_ref_bins: int, n_min: int, bins: int
) -> tuple[Status, Words]:
    if n_ref_bins <= 1:
        value = _repr_number(col.edges[0]) if isinstance(col, NumericBins) else col.categories[0]
        return "constant", [msg("drift.status.constant"), msg("drift.why.constant", value=value)]
    if n_min < MIN_ROWS_PER_BIN * bins:
        detail = msg("drift.why.low_sample", n=n_min, per_bin=MIN_ROWS_PER_BIN, bins=bins)
        return "low sample size", [msg("drift.status.low sample size"), detail]
    return "ok", []


def _repr_number(x: float) -> str:
    return str(float(x))
