"""`metricwatch report`: the pipeline once → metrics.json → papermill → HTML + PDF, published
together. `from_result`: render an earlier report's metrics.json instead (e.g. in another
language), collecting nothing and recording no history snapshot.

The output folder is locked once, for the whole run (a second report exits 2). The result is written
to the build folder before rendering, so the notebooks read it instead of collecting again; it
is published beside the HTML/PDF only when they are, so a failing (or killed) run leaves the
previous report — metrics.json included — as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from metricwatch.config import Config
from metricwatch.result import MonitoringResult

NOTEBOOK_DIR = Path(__file__).parent / "notebooks"
REPORT_NOTEBOOK = NOTEBOOK_DIR / "metrics_monitoring.ipynb"
RESULT_NAME = "metrics.json"
BASENAME = "metrics_monitoring"


class ReportOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    result: MonitoringResult
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


def report_notebooks(cfg: Config) -> list[Path]:
    """The built-in report notebook, then the team's `report.notebooks` in their order."""
    from metricwatch.errors import ConfigError

    extra = []
    for i, name in enumerate(cfg.report.notebooks):
        path = cfg.resolve(name)
        if path.suffix != ".ipynb" or not path.is_file():
            what = "is not a .ipynb file" if path.is_file() else "does not exist"
            raise ConfigError(
                f"{cfg.source}: report.notebooks[{i}]: {path} {what}; list the team notebooks "
                "to append to the report (paths relative to the config file), or remove the entry"
            )
        extra.append(path)
    return [REPORT_NOTEBOOK, *extra]


def build_report(
    cfg: Config,
    *,
    parts: Sequence[str] | None = None,
    renderer: str = "auto",
    history: bool = False,
    rev: str | None = None,
    force: bool = False,
    pdf: bool = True,
    progress: Callable[[str], None] | None = None,
    from_result: Path | None = None,
) -> ReportOutcome:
    from metricwatch.atomic import atomic_write_text
    from metricwatch.parts.registry import part_names
    from metricwatch.pipeline.run import run_pipeline
    from metricwatch.render import (
        RenderTimeouts,
        StageTimer,
        default_build_dir,
        output_lock,
        render_report,
    )
    from metricwatch.render.kernel import check_kernel

    output_dir = cfg.output_dir
    build_dir = default_build_dir(output_dir)
    notebooks = report_notebooks(cfg)
    if cfg.report.kernel:  # before the (slow) collection: a missing kernel fails right away
        check_kernel(cfg.report.kernel, hint=f"or remove report.kernel from {cfg.source}")
    reused = None if from_result is None else reused_result(from_result, cfg.report.lang)
    timer = StageTimer(on_start=progress)
    with output_lock(output_dir):  # the only time it is taken: render_report(hold_lock=False)
        if reused is not None:
            result = reused
        else:
            with timer.stage("collect"):
                result = run_pipeline(
                    cfg,
                    part_names() if parts is None else parts,
                    scope="versions",
                    rev=rev,
                    force=force,
                    part_progress=progress,
                    plots=True,
                ).result
        try:
            built = atomic_write_text(build_dir / RESULT_NAME, result.to_json())
        except OSError as exc:
            from metricwatch.atomic import write_error_hint
            from metricwatch.errors import RenderError

            raise RenderError(
                f"cannot write {exc.filename or build_dir} (the build folder): {exc.strerror}. "
                f"To fix: {write_error_hint(exc)}, or point XDG_CACHE_HOME at a disk with room "
                f"(the build folder lives under it). The report in {output_dir} was not changed."
            ) from exc
        rendered = render_report(
            notebooks,
            {
                "config_path": str(Path(cfg.source).resolve()),
                "result_path": str(built),
                "lang": cfg.report.lang,
                "rev": rev or "",
            },
            output_dir=output_dir,
            build_dir=build_dir,
            basename=BASENAME,
            renderer=renderer,
            lang=cfg.report.lang,
            title=cfg.report.title or f"Metrics Monitoring — {cfg.project_name}",
            timeouts=RenderTimeouts(cell_s=cfg.report.cell_timeout_s),
            history=history,
            browser=cfg.evidence.browser,
            kernel_name=cfg.report.kernel,
            cwd=output_dir,
            timer=timer,
            pdf=pdf,
            extra_files=[built],
            hold_lock=False,
        )
        collected = {} if reused is not None else result.timings  # this run's parts only
        if reused is None:
            from metricwatch.pipeline.record import record_snapshot

            # after the render: the History section compared the stored renders with this one
            timings = {**collected, **timer.as_dict()}  # per part, then per stage
            record_snapshot(cfg, result, result.flags, command="report", timings=timings,
                            taken_at=result.meta.generated_at)  # fmt: skip
    return ReportOutcome(
        result=result,
        result_path=output_dir / RESULT_NAME,
        html=rendered.html,
        pdf=rendered.pdf,
        renderer=rendered.renderer,
        timings={**{f"collect: {p}": s for p, s in collected.items()}, **timer.as_dict()},
        errors=result.errors,
    )


def reused_result(path: Path, lang: str) -> MonitoringResult:
    """An earlier report's metrics.json, to be rendered in `lang` (its `meta.lang` says so)."""
    from pydantic import ValidationError

    from metricwatch.errors import ConfigError

    try:
        result = MonitoringResult.read(path)
    except OSError as exc:
        raise ConfigError(
            f"--from-result: cannot read {path}: {exc.strerror}; give the metrics.json of a "
            "report folder (metricwatch report writes it beside the HTML)"
        ) from exc
    except ValueError as exc:  # pydantic's ValidationError, JSON syntax included
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise ConfigError(
            f"--from-result: {path} is not a metrics.json written by metricwatch report "
            f"({first}); give the metrics.json of a report folder, or run the report without "
            "--from-result to collect again"
        ) from exc
    meta = result.meta.model_copy(update={"lang": lang})
    return result.model_copy(update={"meta": meta})
