"""Drift per time window: each window of the current data against the reference's bins.

Every window between the first and the last one holding data is listed, empty ones included.
A window with fewer than MIN_ROWS_PER_BIN × bins rows gets no verdict (status "too few rows"),
an empty one says so ("empty"). In every other window each feature is compared exactly as in the
overall comparison, with the p-values adjusted across that window's features. `first_drift`
names, per feature, the first window where it drifted ("drift since"). Problems and notes are
catalogue messages (`drift.window.*` with their parameters); presenters word them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from metricwatch.config import DriftConfig
from metricwatch.i18n.message import Msg, msg
from metricwatch.stats.bin_spec import BinSpec, CategoricalBins, NumericBins
from metricwatch.stats.counts import CategoryCounts, ColumnCounts, NumericCounts, SideCounts
from metricwatch.stats.feature_drift import MIN_ROWS_PER_BIN, FeatureDrift
from metricwatch.stats.spec_drift import rule_of
from metricwatch.stats.verdicts import decide, drift_pct
from metricwatch.stats.window_cells import feature_cells
from metricwatch.stats.windowing import bounds
from metricwatch.window_spec import WindowSpec


class WindowDrift(BaseModel):
    model_config = ConfigDict(frozen=True)
    window: int  # the window's number from the origin (stats/windowing.py)
    label: str
    start: str | None = None
    end: str | None = None
    n_rows: int
    status: Literal["ok", "too few rows", "empty"]
    dataset_drift_pct: float | None = None
    drifted_features: list[str] = []
    n_tested: int = 0


class WindowedDrift(BaseModel):
    model_config = ConfigDict(frozen=True)
    time_column: str | None
    window: str
    min_rows: int
    correction: str
    status: Literal["ok", "unavailable"] = "ok"
    problem: Msg | None = None
    notes: list[Msg] = []
    windows: list[WindowDrift] = []
    features: list[str] = []  # rows of the matrices below
    js: list[list[float | None]] = []  # feature × window
    p_adjusted: list[list[float | None]] = []
    drifted: list[list[bool | None]] = []
    first_drift: dict[str, str] = {}  # feature -> label of the first window where it drifted


def _zero(col: NumericBins | CategoricalBins) -> ColumnCounts:
    if isinstance(col, NumericBins):
        return NumericCounts.zeros(len(col.fine_edges) + 1)
    return CategoryCounts()


def _compared(
    cols: list[NumericBins | CategoricalBins],
    counts: list[SideCounts],
    dcfg: DriftConfig,
) -> list[list[FeatureDrift]]:
    """Per window, every feature's row with its verdict: the numbers of `compare` for all windows
    of a feature at once (stats/window_cells.py), the verdicts of `decide` per window."""
    cells = [feature_cells(c, [w.get(c.name) or _zero(c) for w in counts], dcfg.bins) for c in cols]
    rule = rule_of(dcfg)
    out = []
    for w in range(len(counts)):
        rows = [
            FeatureDrift(
                name=c.name,
                kind="numeric" if isinstance(c, NumericBins) else "categorical",
                js=cell.js[w],
                p_value=cell.p_value[w],
                status=cell.status[w],
                weight=float(dcfg.weights.get(c.name, 1.0)),
            )
            for c, cell in zip(cols, cells, strict=True)
        ]
        out.append(decide(rows, rule))
    return out


def window_drift(
    spec: BinSpec,
    counts: Mapping[int, SideCounts],
    rows: Mapping[int, int],
    window: WindowSpec,
    dcfg: DriftConfig,
    *,
    skip: set[str],
    notes: list[Msg],
) -> WindowedDrift:
    """The windowed comparison of every binned feature not in `skip`."""
    min_rows = MIN_ROWS_PER_BIN * dcfg.bins
    base: dict[str, Any] = {
        "time_column": dcfg.time_column,
        "window": window.text,
        "min_rows": min_rows,
    }
    base["correction"] = dcfg.correction
    cols = [
        c
        for c in spec.columns
        if isinstance(c, (NumericBins, CategoricalBins)) and c.name not in skip
    ]
    numbers = range(min(rows), max(rows) + 1) if rows else range(0)
    if len(numbers) == 1:
        notes = [*notes, msg("drift.window.one_window", label=bounds(window, numbers[0])[2])]
    sizes = {w: int(rows.get(w, 0)) for w in numbers}
    compared = [w for w in numbers if sizes[w] and sizes[w] >= min_rows]
    per_window = _compared(cols, [counts.get(w, {}) for w in compared], dcfg)
    done = dict(zip(compared, per_window, strict=True))
    out, js, p_adj, drifted = [], [], [], []
    for w in numbers:
        start, end, label = bounds(window, w)
        n = sizes[w]
        head: dict[str, Any] = {
            "window": w,
            "label": label,
            "start": start,
            "end": end,
            "n_rows": n,
        }
        if w not in done:
            out.append(WindowDrift(**head, status="empty" if n == 0 else "too few rows"))
            feats: list[FeatureDrift | None] = [None] * len(cols)
        else:
            pct, names, tested = drift_pct(done[w])
            out.append(WindowDrift(**head, status="ok", dataset_drift_pct=pct,
                                   drifted_features=names, n_tested=tested))  # fmt: skip
            feats = list(done[w])
        js.append([f.js if f else None for f in feats])
        p_adj.append([f.p_adjusted if f else None for f in feats])
        drifted.append([f.drifted if f else None for f in feats])
    first: dict[str, str] = {}
    for i, c in enumerate(cols):
        hit = next((out[j].label for j in range(len(out)) if drifted[j][i]), None)
        if hit is not None:
            first[c.name] = hit
    transpose = lambda m: [list(r) for r in zip(*m, strict=True)] if m else [[] for _ in cols]  # noqa: E731
    return WindowedDrift(
        **base,
        notes=notes,
        windows=out,
        features=[c.name for c in cols],
        js=transpose(js),
        p_adjusted=transpose(p_adj),
        drifted=transpose(drifted),
        first_drift=first,
    )


def unavailable(
    window: WindowSpec, dcfg: DriftConfig, problem: tuple[str, dict[str, Any]]
) -> WindowedDrift:
    return WindowedDrift(
        time_column=dcfg.time_column,
        window=window.text,
        min_rows=MIN_ROWS_PER_BIN * dcfg.bins,
        correction=dcfg.correction,
        status="unavailable",
        problem=msg(f"drift.window.{problem[0]}", **problem[1]),
    )
