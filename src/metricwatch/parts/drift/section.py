"""Section 4: monitoring and alerts — drift, concept drift, efficiency, artifacts, thresholds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.parts.drift.collect import DRIFT
from metricwatch.parts.integrity.model import INTEGRITY
from metricwatch.parts.kpis.section import efficiency_blocks
from metricwatch.report import html as h
from metricwatch.report.blocks import (
    Block,
    Figure,
    Heading,
    Notice,
    Paragraph,
    Table,
    fmt_num,
    part_missing,
)
from metricwatch.report.i18n import Lang, t
from metricwatch.vocab import OUTCOME_STATUS

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_DRIFT_COLS = {
    "en": ["Feature", "Kind", "PSI", "KL", "JS", "Test", "adj. p", "NaN ref/cur", "Verdict"],
    "es": ["Variable", "Tipo", "PSI", "KL", "JS", "Prueba", "p aj.", "NaN ref/act", "Veredicto"],
}
_FLAG_COLS = {
    "en": ["Rule", "Version", "Value", "Threshold", "Baseline", "Outcome", "Action"],
    "es": ["Regla", "Versión", "Valor", "Umbral", "Baseline", "Resultado", "Acción"],
}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _p(p: float | None) -> str:
    return "—" if p is None else f"{p:.3g}"


def verdict_text(f) -> str:
    """What the Verdict cell says: the verdict or the status, and why (the row names the column)."""
    reason = f.reason.removeprefix(f"column {f.name!r}: ")
    if f.drifted is None:
        lead = f.status
        return reason if reason.startswith(lead) else f"{lead}: {reason}" if reason else lead
    lead = "drift" if f.drifted else "no drift"
    return f"{lead}: {reason}" if reason else lead


def _feature_row(f) -> list[object]:
    if f.drifted is None:
        verdict = h.status_badge("unknown", verdict_text(f))
    else:
        verdict = h.status_badge("fail" if f.drifted else "ok", verdict_text(f))
    return [
        f.name,
        f.kind or "—",
        fmt_num(f.psi),
        fmt_num(f.kl),
        fmt_num(f.js),
        f.test or "—",
        # the p-value the verdict used: adjusted across the features (the definition says how)
        _p(f.p_adjusted if f.p_adjusted is not None else f.p_value),
        f"{_pct(f.nan_share_reference)} / {_pct(f.nan_share_current)}",
        verdict,
    ]


def drift_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(DRIFT)
    if rep is None:
        return part_missing(result, "drift", lang)
    from metricwatch.render.drift_figures import drift_figures

    pct = "—" if rep.dataset_drift_pct is None else f"{rep.dataset_drift_pct:.1f} %"
    lead = {"en": "Dataset drift", "es": "Drift del dataset"}[lang]
    blocks: list[Block] = [
        Notice(
            f"{lead}: {pct} ({', '.join(rep.drifted_features) or t('none', lang)})",
            "fail" if rep.drifted_features else "ok",
        ),
        Paragraph(rep.definition),
        Paragraph(f"{rep.reference} → {rep.current} (n = {rep.n_reference} / {rep.n_current})"),
    ]
    rows = [_feature_row(f) for f in rep.features]
    if rep.target is not None:
        rows.append(
            _feature_row(rep.target.model_copy(update={"name": f"{rep.target.name} (target)"}))
        )
    blocks.append(Table(_DRIFT_COLS[lang], rows, "mw-table mw-drift"))
    blocks.append(Paragraph(" ".join([rep.binning, rep.smoothing, rep.tests]), "mw-small"))
    if rep.target_note:
        blocks.append(Paragraph(rep.target_note))
    for note in rep.notes:
        blocks.append(Paragraph(note, "mw-small"))
    blocks.extend(Figure(fig, alt="drift") for fig in drift_figures(rep))
    blocks.extend(concept_blocks(rep.concept, lang))
    return blocks


def concept_blocks(cd, lang: Lang) -> list[Block]:
    title = Heading(t("concept", lang))
    if cd is None:
        return [title, Notice("—", "unknown")]
    if cd.status != "ok":
        return [title, Notice(cd.reason, "unknown")]
    cols = ["", "RMSE", "QWK"]
    rows = [
        [
            {"en": "reference", "es": "referencia"}[lang],
            fmt_num(cd.rmse_reference),
            fmt_num(cd.qwk_reference),
        ],
        [
            {"en": "current", "es": "actual"}[lang],
            fmt_num(cd.rmse_current),
            fmt_num(cd.qwk_current),
        ],
        ["Δ", fmt_num(cd.rmse_change), fmt_num(cd.qwk_change)],
    ]
    model = f"model: {cd.version or ''} run {(cd.run_id or '')[:12]} ({cd.model_uri or '—'})"
    return [title, Paragraph(model), Table(cols, rows)]


def flag_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    rows = [
        [
            f"{f.rule} ({f.severity})",
            f.version or "—",
            f.value_display,
            f.threshold_display,
            fmt_num(f.baseline),
            h.status_badge(OUTCOME_STATUS.get(f.outcome, "unknown"), f.outcome),
            f"{f.message} → {f.action}" if f.breached else (f.reason or ""),
        ]
        for f in result.flags
    ]
    if not rows:
        return [Heading(t("thresholds", lang)), Notice("—", "unknown")]
    return [Heading(t("thresholds", lang)), Table(_FLAG_COLS[lang], rows, "mw-table mw-flags")]


def artifact_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(INTEGRITY)
    if rep is None:
        return [Heading(t("artifacts", lang)), *part_missing(result, "integrity", lang)]
    names = ("dvc_push", "mlflow_run", "metrics_artifacts")
    cols = ["Tag", "DVC remote", "MLflow run", "metrics + artifacts"]
    rows = []
    for tag in rep.tags:
        row: list[object] = [tag.tag]
        for name in names:
            item = tag.item(name)
            row.append(h.status_badge(item.status, item.reason) if item else "—")
        rows.append(row)
    return [Heading(t("artifacts", lang)), Table(cols, rows, "mw-table mw-small")]


def channel_blocks(cfg_data: dict, lang: Lang) -> list[Block]:
    alerts = cfg_data.get("alerts", {})
    prom = alerts.get("prometheus", {})
    yes, no = {"en": ("configured", "not configured"), "es": ("configurado", "no configurado")}[
        lang
    ]
    rows = [
        [
            "Slack",
            f"{yes} (${alerts['slack_webhook_env']})" if alerts.get("slack_webhook_env") else no,
        ],
        [
            "Microsoft Teams",
            f"{yes} (${alerts['teams_webhook_env']})" if alerts.get("teams_webhook_env") else no,
        ],
        ["Prometheus textfile", prom.get("textfile") or no],
        ["Prometheus /metrics", f"metricwatch serve --port {prom.get('port', 9108)}"],
        ["Pushgateway", yes if prom.get("pushgateway") else no],
        ["CI / cron / systemd", "metricwatch check (exit 0/1/2), deploy/"],
    ]
    return [Heading(t("channels", lang)), Table(["Channel", ""], rows)]


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    blocks: list[Block] = [Heading(t("drift", lang))]
    blocks += drift_blocks(result, lang)
    blocks += efficiency_blocks(result, lang)
    blocks += artifact_blocks(result, lang)
    blocks += flag_blocks(result, lang)
    blocks += channel_blocks(result.meta.config, lang)
    return blocks
