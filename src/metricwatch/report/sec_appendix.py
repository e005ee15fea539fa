"""Sections 6–8: the appendices — instrumentation snippet, DVC metrics/plots (declared and
drawn: report.sec_plots), environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.doc.blocks import Block, Bullets, Code, Notice, Paragraph
from metricwatch.doc.table import Table, status_badge
from metricwatch.i18n import Lang, t, tl
from metricwatch.parts.missing import part_missing
from metricwatch.parts.repro.model import REPRO
from metricwatch.report.sec_plots import plots_blocks
from metricwatch.vocab import icon

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_SNIPPET = """import time, json, pathlib, mlflow

# system metrics (CPU, memory; needs psutil) feed the efficiency table's peak memory and CPU;
# sample more often than MLflow's 10 s default when training is short
mlflow.set_system_metrics_sampling_interval(1)
with mlflow.start_run(log_system_metrics=True):
    start = time.time()
    # ... train ...
    train_time = time.time() - start

    mlflow.set_tag("{version_tag}", "<git tag>")
{log_lines}

metrics = {{
{json_lines}
}}
pathlib.Path("reports").mkdir(parents=True, exist_ok=True)
pathlib.Path("reports/metrics.json").write_text(json.dumps(metrics, indent=2))

# or, with metricwatch's helper (lineage tags + metrics.json in one call):
# from metricwatch.track import log_kpis, log_lineage
# log_lineage(); log_kpis(rmse=rmse, qwk=qwk, train_time_s=train_time, data_drift_pct=drift_pct)
"""
_VARS = {"rmse": "rmse", "qwk": "qwk", "train_time_s": "train_time", "drift_pct": "drift_pct"}


def metric_names(result: MonitoringResult) -> dict[str, str]:
    """canonical → the name this project logs (the first configured alias)."""
    metrics = result.meta.config.get("mlflow", {}).get("metrics", {})
    return {name: (aliases[0] if aliases else name) for name, aliases in metrics.items()}


def appendix_a(result: MonitoringResult, lang: Lang) -> list[Block]:
    names = metric_names(result)
    tag = result.meta.config.get("mlflow", {}).get("version_tag", "version")
    pairs = [(names.get(c, c), v) for c, v in _VARS.items()]
    text = _SNIPPET.format(
        version_tag=tag,
        log_lines="\n".join(f'    mlflow.log_metric("{n}", float({v}))' for n, v in pairs),
        json_lines=",\n".join(f'    "{n}": float({v})' for n, v in pairs),
    )
    return [Paragraph(t("appendix.a_intro", lang)), Code(text, "python")]


def appendix_b(result: MonitoringResult, lang: Lang) -> list[Block]:
    """What dvc.yaml declares, then its plots drawn at the baseline tag and the newest release."""
    excerpt = result.meta.dvc_declared
    if not excerpt:
        return [Notice(t("appendix.b_none", lang), "warn"), *plots_blocks(result, lang)]
    return [
        Paragraph(t("appendix.b_intro", lang)),
        Code(excerpt, "yaml"),
        *plots_blocks(result, lang),
    ]


def appendix_c(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(REPRO)
    if rep is None or rep.environment is None:
        return part_missing(result, "repro", lang)
    env = rep.environment
    cols = [t(f"appendix.col.{c}", lang) for c in ("package", "installed", "pinned", "matches")]
    rows = [
        [
            p.name,
            p.version or "—",
            p.pinned or "—",
            "—" if p.matches is None else status_badge("ok" if p.matches else "fail"),
        ]
        for p in env.packages
    ]
    pinned = f"{icon('ok')} " + ", ".join(env.lock_files) if env.pinned else icon("fail")
    lines = [
        f"Python {env.python} ({env.platform})",
        t("appendix.pinned", lang, value=pinned),
    ]
    if env.unpinned:
        lines.append(t("appendix.unpinned", lang, names=", ".join(env.unpinned)))
    lines += [f"{u.stage}: {u.path} — {u.evidence}" for u in env.undeclared_inputs]
    lines += [note.text(lang) for note in env.remarks]
    advice = tl("appendix.advice", lang)
    return [Bullets(tuple(lines)), Table(cols, rows, "mw-table mw-small"), Bullets(tuple(advice))]
