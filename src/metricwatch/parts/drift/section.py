"""Section 4: monitoring and alerts — drift, concept drift, efficiency, artifacts, thresholds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metricwatch.doc.blocks import Block, Figure, Heading, Notice, Paragraph, fmt_num
from metricwatch.doc.table import Table, status_badge
from metricwatch.i18n import Lang, t
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.drift import text as drift_text
from metricwatch.parts.drift.model import DRIFT, ConceptDrift
from metricwatch.parts.integrity.model import INTEGRITY
from metricwatch.parts.kpis.section import efficiency_blocks
from metricwatch.parts.missing import part_missing
from metricwatch.rules_table import flags_table

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult
    from metricwatch.stats.feature_drift import FeatureDrift
    from metricwatch.stats.windows import WindowedDrift

_DRIFT_COLS = ("drift.col.feature", "drift.col.kind", "PSI", "KL", "JS", "drift.col.test",
               "drift.col.p_adjusted", "drift.col.nan", "drift.col.verdict")  # fmt: skip


def _cols(keys: tuple[str, ...], lang: Lang) -> list[str]:
    """Column headings: catalogue keys, or names kept as they are (PSI, KL, JS)."""
    return [t(k, lang) if "." in k else k for k in keys]


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _p(p: float | None) -> str:
    return "—" if p is None else f"{p:.3g}"


def verdict_text(f: FeatureDrift, lang: Lang = "en") -> str:
    """What the Verdict cell says: the verdict or the status, and why (the row names the column,
    the status is said once: the reason's opening "column 'x': " and status pieces are left out)."""
    why = f.why[1:] if f.why and f.why[0].key == "drift.why.column" else f.why
    if f.drifted is None:
        if why and why[0].key == f"drift.status.{f.status}":
            why = why[1:]
        lead = drift_text.status_text(f.status, lang)
    else:
        lead = t("drift.drift" if f.drifted else "drift.no_drift", lang)
    reason = words_text(why, lang).strip()
    if f.drifted is None and why and all(m.key == "words.plain" for m in why):
        # English text: a skipped column's reason from the bin spec, or an older metrics.json
        reason = _said_once(reason.removeprefix(f"column {f.name!r}: "), f.status)
    if reason.startswith("("):  # "insufficient data (n=3 …)": the details follow the status
        return f"{lead} {reason}"
    return f"{lead}: {reason}" if reason else lead


def _said_once(reason: str, status: str) -> str:
    return reason.removeprefix(status).lstrip(" :") if reason.startswith(status) else reason


def _feature_row(f: FeatureDrift, lang: Lang) -> list[object]:
    if f.drifted is None:
        verdict = status_badge("unknown", verdict_text(f, lang))
    else:
        verdict = status_badge("fail" if f.drifted else "ok", verdict_text(f, lang))
    return [
        f.name,
        drift_text.kind_text(f.kind, lang),
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
    from metricwatch.parts.drift.figures import drift_figures

    pct = "—" if rep.dataset_drift_pct is None else f"{rep.dataset_drift_pct:.1f} %"
    drifting = ", ".join(rep.drifted_features) or t("report.none", lang)
    blocks: list[Block] = [
        Notice(
            t("drift.dataset", lang, pct=pct, features=drifting),
            "fail" if rep.drifted_features else "ok",
        ),
        Paragraph(drift_text.definition_text(rep, lang)),
        Paragraph(f"{rep.reference} → {rep.current} (n = {rep.n_reference} / {rep.n_current})"),
    ]
    rows = [_feature_row(f, lang) for f in rep.features]
    if rep.target is not None:
        name = t("drift.target_row", lang, name=rep.target.name)
        rows.append(_feature_row(rep.target.model_copy(update={"name": name}), lang))
    blocks.append(Table(_cols(_DRIFT_COLS, lang), rows, "mw-table mw-drift"))
    blocks.append(Paragraph(drift_text.method_text(rep, lang), "mw-small"))
    if rep.target_why:
        blocks.append(Paragraph(words_text(rep.target_why, lang)))
    for note in rep.remarks:
        blocks.append(Paragraph(note.text(lang), "mw-small"))
    blocks.extend(window_blocks(rep.windows, lang))
    alt = t("drift.alt", lang)
    blocks.extend(Figure(fig, alt=alt) for fig in drift_figures(rep, lang=lang))
    blocks.extend(concept_blocks(rep.concept, lang))
    return blocks


def window_blocks(wd: WindowedDrift | None, lang: Lang) -> list[Block]:
    """Why there are no windows, or the windows' notes (rows without a time, one window)."""
    if wd is None:
        return []
    if wd.problem is not None:
        return [Notice(wd.problem.text(lang), "unknown")]
    return [Paragraph(n.text(lang), "mw-small") for n in wd.notes]


def concept_blocks(cd: ConceptDrift | None, lang: Lang) -> list[Block]:
    title = Heading(t("report.concept", lang))
    if cd is None:
        return [title, Notice("—", "unknown")]
    if cd.status != "ok":
        return [title, Notice(cd.why.text(lang) if cd.why else "—", "unknown")]
    cols = ["", "RMSE", "QWK"]
    rows = [
        [
            t("concept.reference", lang),
            fmt_num(cd.rmse_reference),
            fmt_num(cd.qwk_reference),
        ],
        [
            t("concept.current", lang),
            fmt_num(cd.rmse_current),
            fmt_num(cd.qwk_current),
        ],
        ["Δ", fmt_num(cd.rmse_change), fmt_num(cd.qwk_change)],
    ]
    model = t("concept.model", lang, version=cd.version or "", run_id=(cd.run_id or "")[:12],
              uri=cd.model_uri or "—")  # fmt: skip
    return [title, Paragraph(model), Table(cols, rows)]


def flag_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    if not result.flags:
        return [Heading(t("report.thresholds", lang)), Notice("—", "unknown")]
    return [Heading(t("report.thresholds", lang)), flags_table(result.flags, lang)]


def artifact_blocks(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(INTEGRITY)
    if rep is None:
        return [Heading(t("report.artifacts", lang)), *part_missing(result, "integrity", lang)]
    names = ("dvc_push", "mlflow_run", "metrics_artifacts")
    cols = ["Tag", *(t(f"artifacts.col.{c}", lang) for c in ("remote", "run", "metrics"))]
    rows = []
    for tag in rep.tags:
        row: list[object] = [tag.tag]
        for name in names:
            item = tag.item(name)
            row.append(status_badge(item.status, item.text(lang)) if item else "—")
        rows.append(row)
    return [Heading(t("report.artifacts", lang)), Table(cols, rows, "mw-table mw-small")]


def channel_blocks(cfg_data: dict[str, Any], lang: Lang) -> list[Block]:
    alerts = cfg_data.get("alerts", {})
    prom = alerts.get("prometheus", {})
    yes, no = t("channels.configured", lang), t("channels.not_configured", lang)

    def env(key: str) -> str:
        return t("channels.configured_env", lang, env=alerts[key]) if alerts.get(key) else no

    rows = [
        ["Slack", env("slack_webhook_env")],
        ["Microsoft Teams", env("teams_webhook_env")],
        ["Prometheus textfile", prom.get("textfile") or no],
        ["Prometheus /metrics", f"metricwatch serve --port {prom.get('port', 9108)}"],
        ["Pushgateway", yes if prom.get("pushgateway") else no],
        ["CI / cron / systemd", "metricwatch check (exit 0/1/2), deploy/"],
    ]
    return [Heading(t("report.channels", lang)), Table([t("channels.col", lang), ""], rows)]


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    blocks: list[Block] = [Heading(t("report.drift", lang))]
    blocks += drift_blocks(result, lang)
    blocks += efficiency_blocks(result, lang)
    blocks += artifact_blocks(result, lang)
    blocks += flag_blocks(result, lang)
    blocks += channel_blocks(result.meta.config, lang)
    return blocks
