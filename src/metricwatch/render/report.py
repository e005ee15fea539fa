"""render_report: execute notebooks → combine → HTML + PDF → publish atomically (+ history).

Everything heavy happens in a build folder outside the output folder; the output folder only
ever receives complete files, all renamed in at the end, so a failed or killed run leaves the
previous report in place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.atomic import publish, write_error_hint
from metricwatch.errors import RenderError
from metricwatch.render import builtin, quarto
from metricwatch.render.combine import combine_notebooks
from metricwatch.render.execute import declared_parameters, execute_notebook
from metricwatch.render.figures import STATIC_ENV
from metricwatch.render.history import keep_history
from metricwatch.render.lock import output_lock
from metricwatch.render.parameters import check_parameters
from metricwatch.render.timing import StageTimer
from metricwatch.user_cache import user_cache_dir

RendererName = Literal["auto", "builtin", "quarto"]
# Registry: renderer name → is it usable here? ("auto" picks the first usable, in this order)
RENDERERS: dict[str, Callable[[], bool]] = {
    "quarto": lambda: quarto.quarto_executable() is not None,
    "builtin": lambda: True,
}


class RenderTimeouts(BaseModel):
    model_config = ConfigDict(frozen=True)

    kernel_start_s: float = Field(default=60.0, gt=0)
    cell_s: float = Field(default=600.0, gt=0)
    browser_s: float = Field(default=90.0, gt=0)
    quarto_s: float = Field(default=600.0, gt=0)


class RenderedReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    html: Path
    pdf: Path | None
    renderer: Literal["builtin", "quarto"]
    executed: list[Path]
    combined: Path
    build_dir: Path
    history: list[Path] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    browser_messages: list[str] = Field(default_factory=list)


def choose_renderer(name: str) -> Literal["builtin", "quarto"]:
    if name == "auto":
        return next(n for n, usable in RENDERERS.items() if usable())  # type: ignore[misc]
    if name not in RENDERERS:
        raise RenderError(f"unknown renderer {name!r}; valid: auto, {', '.join(RENDERERS)}")
    if not RENDERERS[name]():
        raise RenderError(f"renderer {name!r} is not available: {quarto.INSTALL_HINT}")
    return name  # type: ignore[return-value]


def default_build_dir(output_dir: Path) -> Path:
    """A per-output-folder build folder under the user's cache (never inside the output)."""
    digest = hashlib.sha256(str(Path(output_dir).resolve()).encode()).hexdigest()[:12]
    return user_cache_dir() / "build" / f"{Path(output_dir).name}-{digest}"


def _check_folders(build_dir: Path, output_dir: Path) -> None:
    b, o = build_dir.resolve(), output_dir.resolve()
    if b == o or b.is_relative_to(o) or o.is_relative_to(b):
        raise RenderError(
            f"the build folder {b} and the report folder {o} must not contain each other; "
            "choose a build folder outside the report folder"
        )


def _execute_all(
    notebooks: Sequence[Path],
    parameters: Mapping[str, Any],
    allowed: Collection[str] | None,
    build_dir: Path,
    timeouts: RenderTimeouts,
    kernel_name: str | None,
    cwd: Path | None,
    timer: StageTimer,
    static_figures: bool,
) -> list[Path]:
    declared = {nb: set(declared_parameters(nb)) for nb in notebooks}
    names = set(allowed) if allowed is not None else set().union(*declared.values())
    params = check_parameters(parameters, names, ", ".join(p.name for p in notebooks))
    executed: list[Path] = []
    for i, nb in enumerate(notebooks):
        # two notebooks with one name (a team's copy of the built-in one) must not collide
        name = nb.name if all(p.name != nb.name for p in executed) else f"{i}-{nb.name}"
        with timer.stage(f"execute {nb.name}"):
            executed.append(
                execute_notebook(
                    nb,
                    build_dir / "executed" / name,
                    {k: v for k, v in params.items() if k in declared[nb]},
                    jupyter_dir=build_dir / "jupyter",
                    allowed=declared[nb],
                    kernel_name=kernel_name,
                    start_timeout_s=timeouts.kernel_start_s,
                    cell_timeout_s=timeouts.cell_s,
                    cwd=cwd,
                    env={STATIC_ENV: "1" if static_figures else "0"},
                )
            )
    return executed


def render_report(
    notebooks: Sequence[Path],
    parameters: Mapping[str, Any] | None = None,
    *,
    output_dir: Path,
    build_dir: Path | None = None,
    basename: str = "metrics_monitoring",
    renderer: str = "auto",
    lang: str = "en",
    title: str | None = None,
    timeouts: RenderTimeouts | None = None,
    history: bool = False,
    history_date: date | None = None,
    browser: str | None = None,
    allowed_parameters: Collection[str] | None = None,
    kernel_name: str | None = None,
    cwd: Path | None = None,
    timer: StageTimer | None = None,
    pdf: bool = True,
    extra_files: Sequence[Path] = (),
    hold_lock: bool = True,
) -> RenderedReport:
    """Execute, render and publish `<output_dir>/<basename>.html` and `.pdf`.

    parameters: JSON-typed values; names must be allow-listed (allowed_parameters, default the
    names in the notebooks' parameters cells); each notebook receives the ones it declares.
    Raises RenderError (a cell failed, no kernel, no browser…) and LockedError (another report
    is being written to output_dir). When only the PDF step fails, the HTML is still published
    and the RenderError says so. history_date: the day of the history copy (default: today, UTC).
    pdf=False: HTML only (the built-in renderer skips Chromium's print; Quarto renders only HTML).
    extra_files: files of the build folder published beside the report, under their own names
    (metrics.json): the output folder changes only when the HTML is published, all at once.
    hold_lock=False: the caller already holds `output_lock(output_dir)` (the lock is taken once).
    A write that fails (disk full…) raises RenderError naming the file; nothing is published.
    """
    timeouts = timeouts or RenderTimeouts()
    timer = timer or StageTimer()
    output_dir = Path(output_dir)
    build_dir = Path(build_dir) if build_dir is not None else default_build_dir(output_dir)
    _check_folders(build_dir, output_dir)
    notebooks = [Path(nb) for nb in notebooks]
    chosen = choose_renderer(renderer)
    title = title or basename.replace("_", " ")
    job = _Job(
        notebooks=notebooks, parameters=parameters or {}, output_dir=output_dir,
        build_dir=build_dir, basename=basename, chosen=chosen, lang=lang, title=title,
        timeouts=timeouts, history=history, history_date=history_date, browser=browser,
        allowed_parameters=allowed_parameters, kernel_name=kernel_name, cwd=cwd, timer=timer,
        pdf=pdf, extra_files=[Path(f) for f in extra_files],
    )  # fmt: skip
    with output_lock(output_dir) if hold_lock else nullcontext(output_dir):
        try:
            rendered = _render_locked(job)
        except OSError as exc:  # disk full, file-size limit, permissions: say where and what to do
            raise RenderError(_write_failed(exc, output_dir, build_dir)) from exc
    return rendered


def _write_failed(exc: OSError, output_dir: Path, build_dir: Path) -> str:
    where = Path(exc.filename) if exc.filename else output_dir
    in_build = where.is_relative_to(build_dir)
    elsewhere = (
        "point XDG_CACHE_HOME at a disk with room (the build folder lives under it)"
        if in_build
        else "write the report to another folder with --output"
    )
    return (
        f"cannot write {where} ({'the build folder' if in_build else 'the report folder'}): "
        f"{exc.strerror or exc}. To fix: {write_error_hint(exc)}, or {elsewhere}. "
        f"The report in {output_dir} was not changed."
    )


class _Job(NamedTuple):
    """One render: render_report's arguments, checked and with defaults filled in."""

    notebooks: list[Path]
    parameters: Mapping[str, Any]
    output_dir: Path
    build_dir: Path
    basename: str
    chosen: Literal["builtin", "quarto"]
    lang: str
    title: str
    timeouts: RenderTimeouts
    history: bool
    history_date: date | None
    browser: str | None
    allowed_parameters: Collection[str] | None
    kernel_name: str | None
    cwd: Path | None
    timer: StageTimer
    pdf: bool
    extra_files: list[Path]


class _Built(NamedTuple):
    executed: list[Path]
    combined: Path
    html: Path
    pdf: Path | None
    pdf_error: RenderError | None  # the built-in renderer's PDF step failed; the HTML is fine
    messages: list[str]


def _build(job: _Job) -> _Built:
    """Execute, combine and render into the build folder (the output folder is not touched)."""
    build_dir, basename, timer = job.build_dir, job.basename, job.timer
    title, lang = job.title, job.lang
    build_dir.mkdir(parents=True, exist_ok=True)
    executed = _execute_all(
        job.notebooks, job.parameters, job.allowed_parameters, build_dir, job.timeouts,
        job.kernel_name, job.cwd, timer, static_figures=job.chosen == "quarto",
    )  # fmt: skip
    with timer.stage("combine"):
        combined = combine_notebooks(
            executed, build_dir / f"{basename}.ipynb", title=title, lang=lang
        )
    if job.chosen == "quarto":
        with timer.stage("quarto html + pdf"):
            html, pdf_built = quarto.render_quarto(
                combined, build_dir, title=title, lang=lang, timeout_s=job.timeouts.quarto_s,
                pdf=job.pdf,
            )  # fmt: skip
        return _Built(executed, combined, html, pdf_built, None, [])
    html = build_dir / f"{basename}.html"
    with timer.stage("html"):
        builtin.render_html(combined, html, title=title, lang=lang)
    if not job.pdf:
        return _Built(executed, combined, html, None, None, [])
    pdf_built = build_dir / f"{basename}.pdf"
    try:
        with timer.stage("pdf"):
            messages = builtin.render_pdf(
                html, pdf_built, browser=job.browser, timeout_s=job.timeouts.browser_s
            )
    except RenderError as exc:
        return _Built(executed, combined, html, None, exc, [])
    return _Built(executed, combined, html, pdf_built, None, messages)


def _render_locked(job: _Job) -> RenderedReport:
    output_dir, build_dir, basename, timer = job.output_dir, job.build_dir, job.basename, job.timer
    try:
        built = _build(job)
    except OSError as exc:  # every write so far went to the build folder
        exc.filename = exc.filename or str(build_dir)
        raise
    except RenderError as exc:
        raise RenderError(f"{exc}. The report in {output_dir} was not changed.") from exc
    html_out, pdf_out = output_dir / f"{basename}.html", output_dir / f"{basename}.pdf"
    staging = build_dir / "publish"
    extras = [(f, output_dir / f.name) for f in job.extra_files]
    if built.pdf_error is not None:
        publish([(built.html, html_out), *extras], staging)
        kept = " (the previous PDF is left in place)" if pdf_out.exists() else ""
        raise RenderError(
            f"the HTML report was written to {html_out}, but the PDF was not{kept}: "
            f"{built.pdf_error}"
        ) from built.pdf_error
    with timer.stage("publish"):
        pairs = [(built.html, html_out)]
        if built.pdf is not None:
            pairs.append((built.pdf, pdf_out))
        published = publish([*pairs, *extras], staging)[: len(pairs)]
    try:
        copies = keep_history(published, output_dir, job.history_date) if job.history else []
    except OSError as exc:
        raise RenderError(
            f"the report was published to {output_dir}, but its --history copy was not: "
            f"{exc}. To fix: {write_error_hint(exc)}."
        ) from exc
    return RenderedReport(
        html=html_out,
        pdf=pdf_out if built.pdf is not None else None,
        renderer=job.chosen,
        executed=built.executed,
        combined=built.combined,
        build_dir=build_dir,
        history=copies,
        timings=timer.as_dict(),
        browser_messages=built.messages,
    )
