"""Sections 6–8: the appendices — instrumentation snippet, DVC metrics/plots, environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.parts.repro.model import REPRO
from metricwatch.report import html as h
from metricwatch.report.blocks import Block, Bullets, Code, Notice, Paragraph, Table, part_missing
from metricwatch.report.i18n import Lang
from metricwatch.vocab import icon

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_SNIPPET = """import time, json, pathlib, mlflow

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
        log_lines="\n".join(f'mlflow.log_metric("{n}", float({v}))' for n, v in pairs),
        json_lines=",\n".join(f'    "{n}": float({v})' for n, v in pairs),
    )
    intro = {
        "en": "Logging this project's KPIs under the metric names metricwatch reads:",
        "es": "Registro de los KPIs de este proyecto con los nombres de métricas que lee metricwatch:",
    }[lang]
    return [Paragraph(intro), Code(text, "python")]


def appendix_b(result: MonitoringResult, lang: Lang) -> list[Block]:
    excerpt = result.meta.dvc_declared
    if not excerpt:
        msg = {
            "en": "dvc.yaml declares no metrics or plots (or has none at the workspace).",
            "es": "dvc.yaml no declara metrics ni plots (o no existe en el workspace).",
        }[lang]
        return [Notice(msg, "warn")]
    intro = {
        "en": "What this project's dvc.yaml declares (read by `dvc metrics show` / `dvc plots show`):",
        "es": "Lo que declara el dvc.yaml de este proyecto (lo leen `dvc metrics show` / `dvc plots show`):",
    }[lang]
    return [Paragraph(intro), Code(excerpt, "yaml")]


def appendix_c(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(REPRO)
    if rep is None or rep.environment is None:
        return part_missing(result, "repro", lang)
    env = rep.environment
    cols = {
        "en": ["Package", "Installed", "Pinned at rev", "Matches"],
        "es": ["Paquete", "Instalado", "Fijado en la revisión", "Coincide"],
    }[lang]
    rows = [
        [
            p.name,
            p.version or "—",
            p.pinned or "—",
            "—" if p.matches is None else h.status_badge("ok" if p.matches else "fail"),
        ]
        for p in env.packages
    ]
    pinned = {
        "en": "Dependencies pinned at the revision",
        "es": "Dependencias fijadas en la revisión",
    }[lang]
    lines = [
        f"Python {env.python} ({env.platform})",
        f"{pinned}: {icon('ok') + ' ' + ', '.join(env.lock_files) if env.pinned else icon('fail')}",
    ]
    if env.unpinned:
        lines.append(f"unpinned: {', '.join(env.unpinned)}")
    lines += [f"{u.stage}: {u.path} — {u.evidence}" for u in env.undeclared_inputs]
    lines += env.notes
    advice = {
        "en": [
            "Fix seeds in NumPy/PyTorch/TF/xgboost and any pseudo-random source.",
            "Capture exact versions (pip freeze > requirements.lock.txt).",
            "Avoid inputs not declared in dvc.yaml (external paths, env vars).",
            "Control time zones and non-deterministic functions (now() only as explicit input).",
        ],
        "es": [
            "Fijar seeds en NumPy/PyTorch/TF/xgboost y cualquier fuente pseudoaleatoria.",
            "Capturar versiones exactas (pip freeze > requirements.lock.txt).",
            "Evitar dependencias no declaradas en dvc.yaml (rutas externas, env vars).",
            "Controlar timezone y funciones no deterministas (now() sólo como insumo explícito).",
        ],
    }[lang]
    return [Bullets(tuple(lines)), Table(cols, rows, "mw-table mw-small"), Bullets(tuple(advice))]
