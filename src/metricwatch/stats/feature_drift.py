"""One feature's drift: statistics, test, verdict and an explicit status when no verdict is possible.

A feature drifts when JS ≥ js_threshold AND the test's p-value < p_value. No verdict
(drifted = None) for: fewer than `bins` values on a side ("insufficient data", nothing computed),
fewer than 5 × bins ("low sample size", numbers shown), a constant reference ("constant"),
or anything the report builder could not compare (missing column, type mismatch …).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from metricwatch.stats.binning import CategoricalPlan, Histogram, NumericPlan
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
    p_value: float | None = None
    drifted: bool | None = None
    status: Status
    reason: str = ""
    nan_share_reference: float | None = None
    nan_share_current: float | None = None
    inf_reference: int = 0
    inf_current: int = 0
    n_reference: int = 0  # non-NaN values
    n_current: int = 0
    weight: float = 1.0
    distribution: Distribution | None = None


def not_comparable(
    name: str, kind: Kind | None, status: Status, reason: str, **extra: object
) -> FeatureDrift:
    return FeatureDrift(name=name, kind=kind, status=status, reason=reason, **extra)  # type: ignore[arg-type]


def _share(part: int, total: int) -> float | None:
    return part / total if total else None


def compare(
    name: str,
    plan: NumericPlan | CategoricalPlan,
    reference: Histogram,
    current: Histogram,
    *,
    bins: int,
    js_threshold: float,
    p_value: float,
    weight: float = 1.0,
) -> FeatureDrift:
    """Statistics and verdict from two histograms on the same plan."""
    numeric = isinstance(plan, NumericPlan)
    kind: Kind = "numeric" if numeric else "categorical"
    n_ref, n_cur = reference.n, current.n
    base = {
        "name": name,
        "kind": kind,
        "nan_share_reference": _share(reference.n_nan, n_ref + reference.n_nan),
        "nan_share_current": _share(current.n_nan, n_cur + current.n_nan),
        "inf_reference": reference.n_posinf + reference.n_neginf,
        "inf_current": current.n_posinf + current.n_neginf,
        "n_reference": n_ref,
        "n_current": n_cur,
        "weight": weight,
    }
    for side, n, nan in (("reference", n_ref, reference.n_nan), ("current", n_cur, current.n_nan)):
        if n == 0 and nan > 0:
            return FeatureDrift(
                **base, status="all missing", reason=f"all values missing in the {side} (n={nan})"
            )
        if n < bins:
            return FeatureDrift(
                **base,
                status="insufficient data",
                reason=f"insufficient data (n={n} in the {side}, fewer than {bins} bins)",
            )
    ref_c = plan.coarse(reference.counts) if numeric else reference.counts
    cur_c = plan.coarse(current.counts) if numeric else current.counts
    stats = all_statistics(ref_c, cur_c)
    test = "ks" if numeric else "chi2"
    if numeric:
        statistic, p = get_test(test)(reference.counts, current.counts)
    else:
        statistic, p = get_test(test)(ref_c, cur_c)
    dist = Distribution(
        labels=plan.labels(),
        edges=[float(e) for e in plan.edges] if numeric else None,
        reference=[float(v) for v in ref_c / n_ref],
        current=[float(v) for v in cur_c / n_cur],
    )
    status: Status = "ok"
    reason = ""
    n_ref_bins = plan.edges.size if numeric else len(plan.categories)
    if n_ref_bins <= 1:
        status = "constant"
        value = plan.edges[0] if numeric else plan.categories[0]
        reason = f"constant in the reference (every value is {value!s}); no verdict"
    elif min(n_ref, n_cur) < MIN_ROWS_PER_BIN * bins:
        status = "low sample size"
        reason = (
            f"low sample size (n={min(n_ref, n_cur)} < {MIN_ROWS_PER_BIN} × {bins} bins); "
            "numbers shown, no verdict"
        )
    drifted = None
    if status == "ok":
        drifted = bool(stats["js"] >= js_threshold and p < p_value)
    return FeatureDrift(
        **base,
        **stats,
        test=test,
        statistic=float(statistic),
        p_value=float(np.clip(p, 0.0, 1.0)),
        drifted=drifted,
        status=status,
        reason=reason,
        distribution=dist,
    )
