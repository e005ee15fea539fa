"""Plotly figures of a DriftReport, worded in the report's language: a drift-score bar chart,
reference/current overlays, and a row × column heatmap (`heatmap`, plain lists in: used for
the feature × window JS matrix).

Figures take the DriftReport only (its per-feature binned shares), never the data.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from metricwatch.doc.plot_text import plot_labels, plot_text
from metricwatch.i18n import Lang, label, t

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from metricwatch.parts.drift.model import DriftReport
    from metricwatch.stats.feature_drift import FeatureDrift

REFERENCE_COLOR = "#4C78A8"
CURRENT_COLOR = "#F58518"


def score_bars(report: DriftReport, lang: Lang = "en") -> go.Figure:
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
        annotation_text=t("drift.chart.threshold", lang, js=report.js_threshold),
    )
    pct = report.dataset_drift_pct
    shown = t("drift.chart.na", lang) if pct is None else f"{pct:.1f} %"
    fig.update_layout(
        title=t("drift.chart.title", lang, pct=shown),
        yaxis_title=t("drift.chart.y", lang),
        yaxis_range=[0, 1],
        template="plotly_white",
    )
    return fig


def overlay(feature: FeatureDrift, lang: Lang = "en") -> go.Figure | None:
    """Reference vs current shares per bin; None when the feature has no distribution."""
    import plotly.graph_objects as go

    d = feature.distribution
    if d is None:
        return None
    fig = go.Figure()
    labels = plot_labels(d.labels)
    ref, cur = t("drift.legend.reference", lang), t("drift.legend.current", lang)
    fig.add_bar(x=labels, y=d.reference, name=ref, marker_color=REFERENCE_COLOR)
    fig.add_bar(x=labels, y=d.current, name=cur, marker_color=CURRENT_COLOR)
    if feature.drifted is None:
        said = label(f"drift.status.{feature.status}", lang, feature.status)
    else:
        said = t("drift.drift" if feature.drifted else "drift.no_drift", lang)
    na = t("drift.chart.na", lang)
    js = na if feature.js is None else f"{feature.js:.3f}"
    psi = na if feature.psi is None else f"{feature.psi:.3f}"
    kind = label(f"drift.kind.{feature.kind}", lang, feature.kind) if feature.kind else "—"
    title = t("drift.overlay.title", lang, name=plot_text(feature.name), kind=kind, js=js, psi=psi,
              verdict=said)  # fmt: skip
    fig.update_layout(
        barmode="group",
        title=title,
        yaxis_title=t("drift.overlay.y", lang),
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


def window_heatmap(report: DriftReport, lang: Lang = "en") -> go.Figure | None:
    """JS per feature and time window (● drifts); None without windows."""
    w = report.windows
    if w is None or not w.windows or not w.features:
        return None
    return heatmap(
        w.features,
        [x.label for x in w.windows],
        w.js,
        title=t("drift.windows.title", lang, window=w.window),
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


def drift_figures(report: DriftReport, top: int = 5, lang: Lang = "en") -> list[go.Figure]:
    """The bar chart, the overlays of the top features, then the target's overlay."""
    figs = [score_bars(report, lang)]
    for f in [*top_features(report, top), *([report.target] if report.target else [])]:
        fig = overlay(f, lang)
        if fig is not None:
            figs.append(fig)
    return figs


def write_html(report: DriftReport, path: Path, definition: str, top: int = 5) -> Path:
    """One self-contained HTML page with every figure (plotly.js embedded once)."""
    figs = drift_figures(report, top)
    windows = window_heatmap(report)
    if windows is not None:
        figs.insert(1, windows)
    parts = [fig.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, fig in enumerate(figs)]
    title = html.escape(f"Drift: {report.reference} → {report.current}")
    body = "\n".join(parts)
    definition = html.escape(definition)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{definition}</p>{body}</body></html>",
        encoding="utf-8",
    )
    return path
