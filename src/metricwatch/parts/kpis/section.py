"""Section 1: KPIs — the runs table (baseline marked, breached values coloured), trends, DVC diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metricwatch.parts.kpis.collect import KPIS, unknown_values, unknown_values_summary
from metricwatch.report import html as h
from metricwatch.report.blocks import (
    Block,
    Figure,
    Heading,
    Notice,
    Paragraph,
    Table,
    part_missing,
)
from metricwatch.report.i18n import Lang, t
from metricwatch.vocab import BASELINE_MARK

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

KPI_COLUMNS = ("rmse", "qwk", "train_time_s", "drift_pct")
_HEAD = {
    "en": [
        "Date",
        "Run Name",
        "Run ID",
        "Version",
        "RMSE",
        "QWK",
        "Time (s)",
        "Drift (%)",
        "Params hash",
    ],
    "es": [
        "Fecha",
        "Run Name",
        "Run ID",
        "Versión",
        "RMSE",
        "QWK",
        "Tiempo (s)",
        "Drift (%)",
        "Params hash",
    ],
}
_METRICS_TEXT = {
    "en": "RMSE: precision of the regression model; QWK (Quadratic Weighted Kappa): agreement on "
    "the ordinal target; Training Time (s): total training seconds per run; Data drift (%): share "
    "of features whose distribution shifted (definition in section 4).",
    "es": "RMSE: precisión del modelo de regresión; QWK (Quadratic Weighted Kappa): concordancia "
    "en clasificación ordinal; Training Time (s): segundos totales de entrenamiento por run; "
    "Data Drift (%): proporción de variables cuya distribución cambió (definición en la sección 4).",
}
_LABEL = {"rmse": "RMSE", "qwk": "QWK", "train_time_s": "train_time_s", "drift_pct": "drift %"}


def _breaches(result: MonitoringResult) -> dict[tuple[str, str], Any]:
    """(run_id, metric) → the worst breached flag on it."""
    worst: dict[tuple[str, str], Any] = {}
    for f in result.flags:
        if f.breached and f.run_id:
            key = (f.run_id, f.metric)
            if key not in worst or f.severity == "fail":
                worst[key] = f
    return worst


def _value_cell(row: Any, metric: str, breaches: dict) -> object:
    mv = row.values.get(metric)
    text = mv.display if mv is not None else "—"
    flag = breaches.get((row.run_id, metric))
    if flag is not None:
        return h.Cell(
            f"{text} ▲", css=f"mw-{flag.severity}", title=f"{flag.message} → {flag.action}"
        )
    if mv is not None and mv.state not in ("ok", "missing"):
        return h.Cell(text, css="mw-unknown", title=f"value is {mv.state}: never counted as a pass")
    return text


def kpi_table(result: MonitoringResult, lang: Lang) -> Table:
    rep = result.get(KPIS)
    assert rep is not None  # the section shows part_missing without KPIs
    breaches = _breaches(result)
    rows = []
    for r in rep.rows:
        name = f"{r.run_name} {BASELINE_MARK} baseline" if r.is_baseline else r.run_name
        cells: list[object] = [
            r.date,
            h.Cell(name, css="mw-baseline" if r.is_baseline else ""),
            h.Cell(r.run_id_short, title=r.run_id),
            r.version or "—",
        ]
        cells += [_value_cell(r, m, breaches) for m in KPI_COLUMNS]
        cells.append(r.params_hash or "—")
        rows.append(cells)
    return Table(_HEAD[lang], rows, "mw-table mw-kpis")


def trend_figure(result: MonitoringResult) -> Any | None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from metricwatch.render.figures import plot_text

    rep = result.get(KPIS)
    trends = rep.trends if rep else {}
    metrics = [m for m in KPI_COLUMNS if any(p.value is not None for p in trends.get(m, []))]
    if not metrics:
        return None
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=[_LABEL[m] for m in metrics])
    for i, m in enumerate(metrics, start=1):
        pts = [p for p in trends[m] if p.value is not None]
        fig.add_trace(
            go.Scatter(
                x=[plot_text(p.version or p.run_name) for p in pts], y=[p.value for p in pts],
                mode="lines+markers", name=_LABEL[m], showlegend=False,
                marker={"size": [12 if p.is_baseline else 7 for p in pts],
                        "symbol": ["star" if p.is_baseline else "circle" for p in pts]},
            ),
            row=1, col=i,
        )  # fmt: skip
    fig.update_layout(height=320, margin={"l": 40, "r": 20, "t": 40, "b": 40})
    return fig


def _num(value: object) -> object:
    """Numbers with 4 significant digits, like the KPI table; other values as they are."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return "—" if value is None else value


def dvc_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(KPIS)
    dm = rep.dvc_metrics if rep else None
    if dm is None:
        return []
    cols = {
        "en": ["Revision", "File", "Key", "Baseline", "Value", "Change", "Status"],
        "es": ["Revisión", "Archivo", "Clave", "Baseline", "Valor", "Cambio", "Estado"],
    }[lang]
    rows = [
        [
            d.rev,
            d.path,
            d.key,
            d.baseline,
            d.value,
            "—" if d.change is None else f"{d.change:+.4g}",
            d.status,
        ]
        for d in dm.diffs
    ]
    blocks: list[Block] = [
        Heading(f"{t('dvc_metrics', lang)} (baseline: {dm.baseline_rev or '—'})")
    ]
    blocks += [Notice(r.reason or r.rev, "unknown") for r in dm.revs if r.status != "ok"]
    blocks += [Paragraph(n, "mw-small") for n in dm.notes]
    blocks.append(Table(cols, rows, "mw-table mw-small"))
    return blocks


_COUNT = {
    "en": "{n} run(s) in {exps}, every one in the table below.",
    "es": "{n} run(s) en {exps}, todos en la tabla siguiente.",
}
_UNKNOWN = {
    "en": "Unknown values, never counted as a pass: {items}. MLflow's SQL stores keep ±inf as "
    "±1.797e308, so any |value| ≥ 1.7e308 is read as ±inf.",
    "es": "Valores desconocidos, nunca contados como aprobados: {items}. Los stores SQL de MLflow "
    "guardan ±inf como ±1.797e308, así que todo |valor| ≥ 1.7e308 se lee como ±inf.",
}
_MORE = {"en": "and {n} more run(s)", "es": "y {n} run(s) más"}


def unknown_values_text(result: MonitoringResult, lang: Lang) -> str | None:
    """One sentence naming the runs whose KPI values are NaN/±inf (None when there are none)."""
    rep = result.get(KPIS)
    items = unknown_values(rep.rows, list(KPI_COLUMNS)) if rep else []
    if not items:
        return None
    return _UNKNOWN[lang].format(items=unknown_values_summary(items, _MORE[lang]))


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(KPIS)
    if rep is None:
        return part_missing(result, "kpis", lang)
    base = rep.baseline
    lead = f"{rep.store_kind} store {rep.tracking_uri}; baseline: {base.selector} → {base.run_id or '—'}"
    blocks: list[Block] = [Paragraph(_METRICS_TEXT[lang]), Paragraph(lead, "mw-small")]
    exps = ", ".join(rep.experiments) or "—"
    blocks.append(Paragraph(_COUNT[lang].format(n=f"{len(rep.rows):,}", exps=exps), "mw-small"))
    unknown = unknown_values_text(result, lang)
    if unknown:
        blocks.append(Notice(unknown, "unknown"))
    blocks += [Notice(n, "warn") for n in [*base.notes, *rep.notes]]
    if rep.deleted_excluded:
        blocks.append(Paragraph(f"{rep.deleted_excluded} deleted run(s) excluded.", "mw-small"))
    blocks += [Notice(f"{s.path}: {s.reason}", "unknown") for s in rep.skipped]
    blocks += [Heading(t("kpi_table", lang)), kpi_table(result, lang)]
    fig = trend_figure(result)
    if fig is not None:
        blocks += [Heading(t("trends", lang)), Figure(fig, alt="KPI trends")]
    blocks += dvc_blocks(result, lang)
    return blocks


def efficiency_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    """Train time per version vs the baseline, and system metrics when MLflow logged them."""
    rep = result.get(KPIS)
    if rep is None:
        return []
    baseline = next((r for r in rep.rows if r.is_baseline), None)
    base_t = baseline.values.get("train_time_s") if baseline else None
    cols = ["Version", "Run", "train_time_s", "× baseline", "peak memory (MB)", "CPU % (peak)"]
    usage = {u.run_id: u for u in rep.system}
    rows = []
    for r in rep.rows:
        tt = r.values.get("train_time_s")
        ratio = "—"
        if tt is not None and tt.value is not None and base_t is not None and base_t.value:
            ratio = f"{tt.value / base_t.value:.2f}×"
        u = usage.get(r.run_id)
        rows.append(
            [
                r.version or "—",
                r.run_id_short,
                tt.display if tt else "—",
                ratio,
                "—" if not u or u.peak_memory_mb is None else f"{u.peak_memory_mb:.0f}",
                "—" if not u or u.peak_cpu_pct is None else f"{u.peak_cpu_pct:.0f}",
            ]
        )
    return [Heading(t("efficiency", lang)), Table(cols, rows, "mw-table mw-small")]
