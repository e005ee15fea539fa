"""One declared plot drawn for two revisions side by side (what `dvc plots diff A B` shows).

Domain-free: a plot is any object with `template`, `x`, `title`, `x_label`, `y_label`, `id`,
`error` and `files` (each with `path`, `y`, `kind` "table" | "image" | "unavailable", `rows`,
`image`, `media_type`, `note`); a side that could not be read is a string saying why.
Templates: confusion (counts heatmap, one color scale for both sides), confusion_normalized
(shares per actual class), linear / simple / smooth (lines), scatter (markers), bar (vertical)
and bar_horizontal(_sorted); another template is drawn as lines and says so. Images are shown as
they are. Every file's note (capped, unavailable) is printed under its side's title.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from metricwatch.doc.plot_text import plot_labels, plot_text

if TYPE_CHECKING:
    import plotly.graph_objects as go

COLORS = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2")
LINES = {"linear", "simple", "smooth"}
CONFUSION = {"confusion", "confusion_normalized"}
BARS = {"bar", "bar_horizontal", "bar_horizontal_sorted"}
STEP = "step"  # DVC's name for the row index when a plot declares no x


class PlotFileLike(Protocol):
    """What a drawn data file offers (read-only: frozen models satisfy it)."""

    @property
    def path(self) -> str: ...
    @property
    def y(self) -> str | list[str] | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def rows(self) -> list[dict[str, Any]]: ...
    @property
    def image(self) -> bytes | None: ...
    @property
    def media_type(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...


class PlotLike(Protocol):
    """What a drawn plot offers (read-only: frozen models satisfy it)."""

    @property
    def id(self) -> str: ...
    @property
    def template(self) -> str: ...
    @property
    def x(self) -> str | dict[str, str] | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def x_label(self) -> str | None: ...
    @property
    def y_label(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def files(self) -> Sequence[PlotFileLike]: ...


Side = tuple[str, "PlotLike | str"]  # (revision label, the plot or why it is unavailable)


def _num(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _x_field(plot: PlotLike, f: PlotFileLike) -> str | None:
    if isinstance(plot.x, dict):
        return plot.x.get(f.path) or next(iter(plot.x.values()), None)
    return plot.x


def _y_fields(f: PlotFileLike, x: str | None) -> list[str]:
    if isinstance(f.y, list):
        return f.y
    if f.y:
        return [f.y]
    columns = [c for c in (f.rows[0] if f.rows else {}) if c != x]
    return columns[-1:]  # DVC's default: the last field


def _label(value: Any) -> str:
    """A class label as text: 2.0 → "2" (CSV classes read as numbers), others as they are."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _sort_key(label: Any) -> tuple:
    return (0, label, "") if isinstance(label, float) else (1, 0.0, str(label))


def confusion_counts(
    rows: list[dict[str, Any]], x: str, y: str
) -> tuple[list, list, list[list[int]]]:
    """(actual labels, predicted labels, counts[predicted][actual]) of a confusion table."""
    pairs = Counter((_num(r.get(x)), _num(r.get(y))) for r in rows)
    labels = sorted({a for a, _ in pairs} | {p for _, p in pairs}, key=_sort_key)
    return labels, labels, [[pairs.get((a, p), 0) for a in labels] for p in labels]


def _confusion(fig: go.Figure, plot: PlotLike, col: int, zmax: float) -> None:
    import plotly.graph_objects as go

    f = next(f for f in plot.files if f.kind == "table")
    x = _x_field(plot, f) or "actual"
    y = (_y_fields(f, x) or ["predicted"])[0]
    actual, predicted, counts = confusion_counts(f.rows, x, y)
    z: list[list[float]] = [[float(v) for v in row] for row in counts]
    text = [[str(v) for v in row] for row in counts]
    if plot.template == "confusion_normalized":
        totals = [sum(z[i][j] for i in range(len(z))) or 1 for j in range(len(actual))]
        z = [[v / totals[j] for j, v in enumerate(row)] for row in z]
        text = [[f"{v:.2f}" for v in row] for row in z]
    labels_a = plot_labels([_label(a) for a in actual])
    labels_p = plot_labels([_label(p) for p in predicted])
    fig.add_trace(
        go.Heatmap(
            x=labels_a, y=labels_p, z=z, text=text, texttemplate="%{text}", coloraxis="coloraxis",
            hovertemplate=f"{plot_text(x)} %{{x}}<br>{plot_text(y)} %{{y}}<br>%{{text}}<extra></extra>",
        ),
        row=1, col=col,
    )  # fmt: skip
    fig.update_xaxes(title_text=plot_text(plot.x_label or x), type="category", row=1, col=col)
    fig.update_yaxes(title_text=plot_text(plot.y_label or y), type="category", row=1, col=col)
    fig.update_layout(coloraxis={"colorscale": "Blues", "cmin": 0, "cmax": zmax})


def _trace(template: str, xs: list, ys: list, color: str, common: dict[str, Any]) -> Any:
    """One series as a plotly trace in the template's style (DVC's bar_horizontal: x = value)."""
    import plotly.graph_objects as go

    if template in BARS:
        horizontal = template.startswith("bar_horizontal")
        pairs = list(zip(xs, ys, strict=False))
        if template.endswith("sorted"):
            pairs.sort(key=lambda p: _sort_key(p[0]))
        bx, by = [p[0] for p in pairs], [p[1] for p in pairs]
        orientation = "h" if horizontal else "v"
        return go.Bar(x=bx, y=by, orientation=orientation, marker_color=color, **common)
    mode = "markers" if template == "scatter" else "lines"
    line = {"color": color, "shape": "spline" if template == "smooth" else "linear"}
    return go.Scatter(x=xs, y=ys, mode=mode, line=line, marker={"color": color}, **common)


def _series(fig: go.Figure, plot: PlotLike, col: int, legend: set[str]) -> None:
    tables = [f for f in plot.files if f.kind == "table"]
    n = 0
    for f in tables:
        x = _x_field(plot, f)
        xs = [_num(r.get(x)) for r in f.rows] if x else list(range(len(f.rows)))
        for y in _y_fields(f, x):
            name = plot_text(f"{f.path}: {y}" if len(tables) > 1 else y)
            common = {"name": name, "legendgroup": name, "showlegend": name not in legend}
            legend.add(name)
            ys = [_num(r.get(y)) for r in f.rows]
            fig.add_trace(
                _trace(plot.template, xs, ys, COLORS[n % len(COLORS)], common), row=1, col=col
            )
            n += 1
    x_title = plot.x_label or (_x_field(plot, tables[0]) if tables else None) or STEP
    fig.update_xaxes(title_text=plot_text(x_title), row=1, col=col)
    if plot.y_label:
        fig.update_yaxes(title_text=plot_text(plot.y_label), row=1, col=col)


def _image(fig: go.Figure, f: PlotFileLike, col: int) -> None:
    uri = f"data:{f.media_type};base64,{base64.b64encode(f.image or b'').decode('ascii')}"
    fig.add_layout_image(
        source=uri, xref=f"x{col if col > 1 else ''} domain", yref=f"y{col if col > 1 else ''} domain",
        x=0, y=1, sizex=1, sizey=1, xanchor="left", yanchor="top", sizing="contain", layer="above",
    )  # fmt: skip
    fig.update_xaxes(visible=False, row=1, col=col)
    fig.update_yaxes(visible=False, row=1, col=col)


def _notes(side: PlotLike | str) -> list[str]:
    if isinstance(side, str):
        return [side]
    return ([side.error] if side.error else []) + [f.note for f in side.files if f.note]


def _confusion_peak(plot: PlotLike) -> float:
    if plot.template == "confusion_normalized":
        return 1.0
    peak = 0
    for f in (f for f in plot.files if f.kind == "table"):
        x = _x_field(plot, f) or "actual"
        counts = confusion_counts(f.rows, x, (_y_fields(f, x) or ["predicted"])[0])[2]
        peak = max([peak, *(v for row in counts for v in row)])
    return float(peak)


def _zmax(sides: Sequence[Side]) -> float:
    """One color scale for both confusion matrices, so equal counts look equal."""
    plots = [p for _, p in sides if not isinstance(p, str) and p.template in CONFUSION]
    return max([1.0, *(_confusion_peak(p) for p in plots)])


def side_by_side(
    left: Side,
    right: Side,
    *,
    title: str | None = None,
    notes: tuple[Sequence[str], Sequence[str]] | None = None,
) -> go.Figure:
    """The plot at two revisions: (label, plot or reason) for each side; `notes`, when given,
    replace each side's own notes under its title (the same notes in another language)."""
    from plotly.subplots import make_subplots

    sides = (left, right)
    side_notes = notes or (_notes(left[1]), _notes(right[1]))
    subtitles = [
        "<br>".join(
            [
                f"<b>{plot_text(label)}</b>",
                *(f"<sup>{plot_text(n, 140)}</sup>" for n in side_notes[i]),
            ]
        )
        for i, (label, _) in enumerate(sides)
    ]
    fig = make_subplots(rows=1, cols=2, subplot_titles=subtitles, horizontal_spacing=0.14)
    known = next((p for _, p in sides if not isinstance(p, str)), None)
    template = known.template if known is not None else "linear"
    legend: set[str] = set()
    zmax = _zmax(sides)
    for col, (_, plot) in enumerate(sides, start=1):
        if isinstance(plot, str) or not any(f.kind in ("table", "image") for f in plot.files):
            fig.update_xaxes(visible=False, row=1, col=col)
            fig.update_yaxes(visible=False, row=1, col=col)
        elif any(f.kind == "image" for f in plot.files):
            _image(fig, next(f for f in plot.files if f.kind == "image"), col)
        elif plot.template in CONFUSION:
            _confusion(fig, plot, col, zmax)
        else:
            _series(fig, plot, col, legend)
    drawn = (
        template
        if template in LINES | CONFUSION | BARS | {"scatter"}
        else f"{template} (drawn as lines)"
    )
    name = title or (known.title or known.id if known is not None else "plot")
    fig.update_layout(title=f"{plot_text(name)} — {plot_text(drawn)}", margin={"t": 110})
    return fig
