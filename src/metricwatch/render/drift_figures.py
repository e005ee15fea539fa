"""Plotly figures of a DriftReport: a drift-score bar chart, reference/current overlays, and a
row × column heatmap (`heatmap`, plain lists in: used for the feature × window JS matrix).

Figures take the DriftReport only (its per-feature binned shares), never the data.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from metricwatch.render.figures import plot_labels, plot_text

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from metricwatch.parts.drift.collect import DriftReport
    from metricwatch.stats.feature_drift import FeatureDrift

REFERENCE_COLOR = "#4C78A8"
CURRENT_COLOR = "#F58518"


def score_bars(report: DriftReport) -> go.Figure:
    """JS distance per comparable feature, drifting ones highlighted, with the threshold line."""
    import plotly.graph_objects as go

    feats = sorted((f for f in report.features if f.js is not None), key=lambda f: -(f.js or 0))
    colors = [
        "#E45756" if f.drifted else "#9D9D9D" if f.drifted is None else "#54A24B" for f in feats
    ]
    fig = go.Figure(
        go.Bar(
            x=plot_labels([f.name for f in feats]),
            y=[f.js for f in feats],
            marker_color=colors,
            customdata=[[f.psi, f.p_value, f.status] for f in feats],
            hovertemplate="%{x}<br>JS %{y:.3f}<br>PSI %{customdata[0]:.3f}"
            "<br>p %{customdata[1]:.3g}<br>%{customdata[2]}<extra></extra>",
        )
    )
    fig.add_hline(
        y=report.js_threshold,
        line_dash="dash",
        annotation_text=f"JS threshold {report.js_threshold:g}",
    )
    pct = "n/a" if report.dataset_drift_pct is None else f"{report.dataset_drift_pct:.1f} %"
    fig.update_layout(
        title=f"Drift score per feature (Jensen–Shannon distance) — dataset drift {pct}",
        yaxis_title="JS distance (base 2)",
        yaxis_range=[0, 1],
        template="plotly_white",
    )
    return fig


def overlay(feature: FeatureDrift) -> go.Figure | None:
    """Reference vs current shares per bin; None when the feature has no distribution."""
    import plotly.graph_objects as go

    d = feature.distribution
    if d is None:
        return None
    fig = go.Figure()
    labels = plot_labels(d.labels)
    fig.add_bar(x=labels, y=d.reference, name="reference", marker_color=REFERENCE_COLOR)
    fig.add_bar(x=labels, y=d.current, name="current", marker_color=CURRENT_COLOR)
    verdict = {True: "drift", False: "no drift", None: feature.status}[feature.drifted]
    js = "n/a" if feature.js is None else f"{feature.js:.3f}"
    psi = "n/a" if feature.psi is None else f"{feature.psi:.3f}"
    fig.update_layout(
        barmode="group",
        title=f"{plot_text(feature.name)} ({feature.kind}): JS {js}, PSI {psi} — {verdict}",
        yaxis_title="share of non-missing values",
        template="plotly_white",
    )
    return fig


def heatmap(
    rows: list[str],
    columns: list[str],
    values: list[list[float | None]],
    *,
    title: str,
    colorbar: str,
    zmax: float = 1.0,
    marks: Sequence[Sequence[bool | None]] | None = None,
) -> go.Figure:
    """A rows × columns heatmap of values in [0, zmax] (None: a gap); cells whose mark is True
    carry a ●, so the plot also reads in grey print."""
    import plotly.graph_objects as go

    z = [[None if v is None else float(v) for v in row] for row in values]
    text = [
        ["" if v is None else f"{v:.2f}{' ●' if m else ''}" for v, m in zip(row, mrow, strict=True)]
        for row, mrow in zip(z, marks or [[None] * len(columns) for _ in rows], strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=plot_labels(list(columns)),
            y=plot_labels(list(rows)),
            zmin=0.0,
            zmax=zmax,
            colorscale="Reds",
            text=text,
            texttemplate="%{text}",
            hoverongaps=False,
            colorbar={"title": {"text": plot_text(colorbar)}},
            hovertemplate="%{y}<br>%{x}<br>%{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        title=plot_text(title, 200),
        xaxis={"type": "category"},
        yaxis={"autorange": "reversed", "type": "category"},
        template="plotly_white",
        height=max(300, 40 * len(rows) + 160),
    )
    return fig


def window_heatmap(report: DriftReport) -> go.Figure | None:
    """JS per feature and time window (● drifts); None without windows."""
    w = report.windows
    if w is None or not w.windows or not w.features:
        return None
    return heatmap(
        w.features,
        [x.label for x in w.windows],
        w.js,
        title=f"Jensen–Shannon distance per feature and {w.window} window (● drifts)",
        colorbar="JS",
        marks=w.drifted,
    )


def top_features(report: DriftReport, n: int = 5) -> list[FeatureDrift]:
    """Drifting features first, then by JS distance; at most n."""
    ranked = sorted(
        (f for f in report.features if f.distribution is not None),
        key=lambda f: (not f.drifted, -(f.js or 0.0)),
    )
    return ranked[:n]


def drift_figures(report: DriftReport, top: int = 5) -> list[go.Figure]:
    """The bar chart, the overlays of the top features, then the target's overlay."""
    figs = [score_bars(report)]
    for f in [*top_features(report, top), *([report.target] if report.target else [])]:
        fig = overlay(f)
        if fig is not None:
            figs.append(fig)
    return figs


def write_html(report: DriftReport, path: Path, top: int = 5) -> Path:
    """One self-contained HTML page with every figure (plotly.js embedded once)."""
    figs = drift_figures(report, top)
    windows = window_heatmap(report)
    if windows is not None:
        figs.insert(1, windows)
    parts = [fig.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, fig in enumerate(figs)]
    title = html.escape(f"Drift: {report.reference} → {report.current}")
    body = "\n".join(parts)
    definition = html.escape(report.definition)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{definition}</p>{body}</body></html>",
        encoding="utf-8",
    )
    return path
