"""Section 1: KPIs — the runs table (baseline marked, breached values coloured), trends, DVC diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metricwatch.doc.blocks import Block, Figure, Heading, Notice, Paragraph
from metricwatch.doc.table import Table
from metricwatch.i18n import Lang, t
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.kpis.collect import KPIS, unknown_values, unknown_values_summary
from metricwatch.parts.kpis.dvc_table import dvc_table
from metricwatch.parts.kpis.table import kpi_table as runs_table
from metricwatch.parts.kpis.table import metric_label
from metricwatch.parts.missing import part_missing

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

SEED_METRICS = ("rmse", "qwk", "train_time_s", "drift_pct")  # the ones the seed's intro defines


def kpi_columns(result: MonitoringResult) -> list[str]:
    """The KPIs of the table and the trends: mlflow.metrics of the config, in its order."""
    rep = result.get(KPIS)
    return list(rep.columns) if rep else []


def kpi_table(result: MonitoringResult, lang: Lang) -> Table:
    """The KPI table's report view, breached values marked (parts/kpis/table.py)."""
    rep = result.get(KPIS)
    assert rep is not None  # the section shows part_missing without KPIs
    return runs_table(rep, lang, flags=result.flags, view="report")


def trend_figure(result: MonitoringResult, lang: Lang) -> Any | None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from metricwatch.doc.plot_text import plot_text

    rep = result.get(KPIS)
    trends = rep.trends if rep else {}
    metrics = [
        m for m in kpi_columns(result) if any(p.value is not None for p in trends.get(m, []))
    ]
    if not metrics:
        return None
    titles = [metric_label(m, lang) for m in metrics]
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=titles)
    for i, m in enumerate(metrics, start=1):
        pts = [p for p in trends[m] if p.value is not None]
        fig.add_trace(
            go.Scatter(
                x=[plot_text(p.version or p.run_name) for p in pts], y=[p.value for p in pts],
                mode="lines+markers", name=titles[i - 1], showlegend=False,
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
    title = t("report.dvc_metrics", lang)
    blocks: list[Block] = [
        Heading(t("kpis.dvc_heading", lang, title=title, rev=dm.baseline_rev or "—"))
    ]
    blocks += [Notice(r.reason or r.rev, "unknown") for r in dm.revs if r.status != "ok"]
    blocks += [Paragraph(m.text(lang), "mw-small") for m in dm.remarks]
    blocks.append(dvc_table(dm, lang))
    return blocks


def unknown_values_text(result: MonitoringResult, lang: Lang) -> str | None:
    """One sentence naming the runs whose KPI values are NaN/±inf (None when there are none)."""
    rep = result.get(KPIS)
    items = unknown_values(rep.rows, kpi_columns(result)) if rep else []
    if not items:
        return None
    more = t("kpis.more", lang, n="{n}")  # filled by unknown_values_summary
    return t("kpis.unknown", lang, items=unknown_values_summary(items, more))


def registry_baseline_text(base: Any, lang: Lang) -> str | None:
    """The registered model, version and alias the baseline comes from (None: not from one)."""
    reg = base.registry
    if reg is None:
        return None
    key = "kpis.registry_baseline.alias" if reg.alias else "kpis.registry_baseline.version"
    return t(key, lang, model=reg.model, version=reg.version, alias=reg.alias, run_id=reg.run_id)


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(KPIS)
    if rep is None:
        return part_missing(result, "kpis", lang)
    base = rep.baseline
    lead = t("kpis.lead", lang, kind=rep.store_kind, uri=rep.tracking_uri,
             selector=words_text(base.label, lang), run_id=base.run_id or "—")  # fmt: skip
    blocks: list[Block] = [Paragraph(t("kpis.metrics_text", lang))]
    extra = [m for m in kpi_columns(result) if m not in SEED_METRICS]
    if extra:
        blocks.append(Paragraph(t("kpis.extra_metrics", lang, names=", ".join(extra))))
    blocks.append(Paragraph(lead, "mw-small"))
    registry = registry_baseline_text(base, lang)
    if registry:
        blocks.append(Paragraph(registry, "mw-small"))
    exps = ", ".join(rep.experiments) or "—"
    count = t("kpis.count", lang, n=f"{len(rep.rows):,}", exps=exps)
    blocks.append(Paragraph(count, "mw-small"))
    unknown = unknown_values_text(result, lang)
    if unknown:
        blocks.append(Notice(unknown, "unknown"))
    said = [m.text(lang) for m in rep.remarks]  # the baseline's remarks among them
    blocks += [Notice(n, "warn") for n in [*said, *(m.text(lang) for m in rep.source_notes)]]
    if rep.deleted_excluded:
        blocks.append(Paragraph(t("kpis.deleted", lang, n=rep.deleted_excluded), "mw-small"))
    blocks += [Notice(f"{s.path}: {s.reason}", "unknown") for s in rep.skipped]
    blocks += [Heading(t("report.kpi_table", lang)), kpi_table(result, lang)]
    fig = trend_figure(result, lang)
    if fig is not None:
        blocks += [Heading(t("report.trends", lang)), Figure(fig, alt=t("kpis.trends_alt", lang))]
    blocks += dvc_blocks(result, lang)
    return blocks


def efficiency_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    """Train time per version vs the baseline, and system metrics when MLflow logged them."""
    rep = result.get(KPIS)
    if rep is None:
        return []
    baseline = next((r for r in rep.rows if r.is_baseline), None)
    base_t = baseline.values.get("train_time_s") if baseline else None
    cols = [t("kpis.eff_col.version", lang), t("kpis.eff_col.run", lang), "train_time_s"]
    cols += [t(f"kpis.eff_col.{c}", lang) for c in ("ratio", "memory", "cpu")]
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
    return [Heading(t("report.efficiency", lang)), Table(cols, rows, "mw-table mw-small")]
