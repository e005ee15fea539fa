"""`metricwatch report`: collect once → reports/metrics.json → papermill → HTML + PDF.

The output folder is locked for the whole run (a second report exits 2), the result is written
before rendering so the notebooks read it instead of collecting again, and the rendered files
replace the previous ones atomically (a failing run leaves the previous report in place).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from metricwatch.config import Config
from metricwatch.result import PART_NAMES, MonitoringResult

NOTEBOOK_DIR = Path(__file__).parent / "notebooks"
REPORT_NOTEBOOK = NOTEBOOK_DIR / "metrics_monitoring.ipynb"
RESULT_NAME = "metrics.json"
BASENAME = "metrics_monitoring"


class ReportOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    result_path: Path
    html: Path
    pdf: Path | None
    renderer: str
    timings: dict[str, float]
    errors: dict[str, str]


def with_output(cfg: Config, output: Path | None, lang: str | None = None) -> Config:
    """The config with the report folder / language overridden from the command line."""
    update: dict[str, object] = {}
    if output is not None:
        update["output"] = str(Path(output).resolve())
    if lang:
        update["lang"] = lang
    if not update:
        return cfg
    return cfg.model_copy(update={"report": cfg.report.model_copy(update=update)})


def collect_report(
    cfg: Config,
    *,
    parts: Sequence[str] = PART_NAMES,
    rev: str | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> MonitoringResult:
    """Collect every part and evaluate the rules on every version (the report's scope)."""
    from metricwatch.collect import collect
    from metricwatch.rules import evaluate
    from metricwatch.rules_inputs import rule_inputs_from_result

    result = collect(cfg, parts, rev=rev, force=force, progress=progress)
    flags = evaluate(cfg, rule_inputs_from_result(result, cfg), scope="versions")
    return result.model_copy(update={"flags": flags})


def build_report(
    cfg: Config,
    *,
    parts: Sequence[str] = PART_NAMES,
    renderer: str = "auto",
    history: bool = False,
    rev: str | None = None,
    force: bool = False,
    pdf: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ReportOutcome:
    from metricwatch.atomic import atomic_write_text
    from metricwatch.render import StageTimer, default_build_dir, output_lock, render_report

    output_dir = cfg.output_dir
    timer = StageTimer(on_start=progress)
    with output_lock(output_dir):
        with timer.stage("collect"):
            result = collect_report(cfg, parts=parts, rev=rev, force=force, progress=progress)
        result_path = atomic_write_text(output_dir / RESULT_NAME, result.to_json())
        rendered = render_report(
            [REPORT_NOTEBOOK],
            {
                "config_path": str(Path(cfg.source).resolve()),
                "result_path": str(result_path),
                "lang": cfg.report.lang,
                "rev": rev or "",
            },
            output_dir=output_dir,
            build_dir=default_build_dir(output_dir),
            basename=BASENAME,
            renderer=renderer,
            lang=cfg.report.lang,
            title=cfg.report.title or f"Metrics Monitoring — {cfg.project_name}",
            history=history,
            browser=cfg.evidence.browser,
            cwd=output_dir,
            timer=timer,
            pdf=pdf,
        )
    return ReportOutcome(
        result_path=result_path,
        html=rendered.html,
        pdf=rendered.pdf,
        renderer=rendered.renderer,
        timings={**{f"collect: {p}": s for p, s in result.timings.items()}, **timer.as_dict()},
        errors=result.errors,
    )
