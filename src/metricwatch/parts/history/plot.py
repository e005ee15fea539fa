"""The History section's plot: one small chart per KPI of the candidate, and the dataset drift %,
across the renders (x: when each render was made; the last point, larger, is this report)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metricwatch.parts.history.view import HistoryPoint

COLS = 3
DRIFT = "dataset_drift_pct"


def _value(point: HistoryPoint, series: str) -> float | None:
    return point.dataset_drift_pct if series == DRIFT else point.kpis.get(series)


def plotted(points: Sequence[HistoryPoint], series: Sequence[str]) -> list[str]:
    """The series with at least one value (an empty chart says nothing)."""
    return [s for s in series if any(_value(p, s) is not None for p in points)]


def history_figure(
    points: Sequence[HistoryPoint], series: Sequence[str], titles: dict[str, str]
) -> Any | None:
    """KPIs (by name) and `DRIFT` over the points, oldest first; None when nothing has a value."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from metricwatch.doc.plot_text import plot_text

    shown = plotted(points, series)
    if not shown:
        return None
    cols = min(COLS, len(shown))
    rows = math.ceil(len(shown) / cols)
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=[plot_text(titles.get(s, s)) for s in shown]
    )
    hover = [plot_text(f"{p.candidate or '—'} · {(p.commit or '—')[:8]}") for p in points]
    last = len(points) - 1
    for i, name in enumerate(shown):
        fig.add_trace(
            go.Scatter(
                x=[p.taken_at for p in points], y=[_value(p, name) for p in points],
                mode="lines+markers", name=plot_text(titles.get(name, name)), showlegend=False,
                text=hover, hovertemplate="%{x|%Y-%m-%d %H:%M}<br>%{text}<br>%{y:.4g}<extra></extra>",
                marker={"size": [11 if j == last else 7 for j in range(len(points))]},
                connectgaps=False,
            ),
            row=i // cols + 1, col=i % cols + 1,
        )  # fmt: skip
    fig.update_xaxes(tickformat="%m-%d %H:%M")
    fig.update_layout(height=300 * rows, margin={"l": 40, "r": 20, "t": 40, "b": 40})
    return fig
