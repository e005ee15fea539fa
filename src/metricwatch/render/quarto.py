"""The Quarto renderer: the combined executed notebook → HTML and PDF (Typst), no re-execution.

Used when `quarto` is on PATH (renderer "auto") or asked for ("quarto"). Quarto renders in a
private temporary project folder that it does not skip (render.quarto_project), from a notebook
whose outputs every format reads; the results are copied into the build folder and the folder
is removed. Figures must carry a static PNG (render.figures does) because Typst draws no plotly.
The HTML is finalized by render.html (CSP admitting Quarto's embedded data: resources).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from metricwatch.atomic import atomic_write_text
from metricwatch.errors import MetricwatchError, RenderError
from metricwatch.procs import run
from metricwatch.redact import scrub
from metricwatch.render.html import finalize_html
from metricwatch.render.quarto_project import prepare_project, project_parent

INSTALL_HINT = "install Quarto >= 1.6 from quarto.org, or use --renderer builtin"
PROJECT_PREFIX = "metricwatch-quarto-"


def quarto_executable() -> str | None:
    return shutil.which("quarto")


def _quarto(args: list[str], cwd: Path, timeout_s: float) -> None:
    exe = quarto_executable()
    if exe is None:
        raise RenderError(f"quarto is not on PATH; {INSTALL_HINT}")
    try:
        res = run([exe, *args], cwd=cwd, timeout_s=timeout_s)
    except MetricwatchError as exc:
        raise RenderError(f"cannot run quarto: {exc}; {INSTALL_HINT}") from exc
    if res.timed_out:
        raise RenderError(
            f"`quarto {' '.join(args)}` did not finish within {timeout_s:g} s in {cwd}"
        )
    if not res.ok:
        tail = "\n".join((res.stderr or res.stdout).strip().splitlines()[-15:])
        raise RenderError(
            f"`quarto {' '.join(args)}` failed in {cwd} (exit {res.returncode}):\n{scrub(tail)}"
        )


def render_quarto(
    notebook: Path, work_dir: Path, *, title: str, lang: str, timeout_s: float, pdf: bool = True
) -> tuple[Path, Path | None]:
    """Render notebook to (html, pdf) in work_dir/quarto; the HTML is finalized.

    pdf=False renders only the HTML format (the PDF comes back as None).
    """
    out = Path(work_dir) / "quarto"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix=PROJECT_PREFIX, dir=project_parent()) as tmp:
        project = Path(tmp) / "report"
        source = prepare_project(notebook, project, title=title, lang=lang)
        kept = shutil.copyfile(source, out / source.name)  # what Quarto read, for inspection
        names = [source.with_suffix(".html").name]
        if pdf:
            names.append(source.with_suffix(".pdf").name)
        try:
            # one call renders every format the project defines (html, typst → PDF)
            args = ["render", source.name, "--to", "all" if pdf else "html", "--no-execute"]
            _quarto(args, project, timeout_s)
        except RenderError as exc:
            raise RenderError(f"{exc}\n(the notebook Quarto read is kept at {kept})") from exc
        for name in names:
            made = project / "_output" / name
            if not made.is_file():
                raise RenderError(
                    f"quarto reported success but {made.relative_to(project)} was not written "
                    f"in its project folder (the notebook Quarto read is kept at {kept})"
                )
            shutil.copyfile(made, out / name)
    html = out / names[0]
    atomic_write_text(html, finalize_html(html.read_text(encoding="utf-8"), data_resources=True))
    return html, (out / names[1]) if pdf else None
