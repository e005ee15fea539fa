"""The Quarto renderer: the combined executed notebook → HTML and PDF (Typst), no re-execution.

Used when `quarto` is on PATH (renderer "auto") or asked for ("quarto"). Figures must carry a
static PNG (render.figures does) because Typst drops interactive output; Quarto's HTML loads
plotly.js from a CDN, so render.html strips that and inlines plotly.js once.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from importlib import resources
from pathlib import Path

import yaml

from metricwatch.atomic import atomic_write_text
from metricwatch.errors import MetricwatchError, RenderError
from metricwatch.procs import run
from metricwatch.redact import scrub
from metricwatch.render.html import finalize_html

INSTALL_HINT = "install Quarto >= 1.6 from quarto.org, or use --renderer builtin"


def quarto_executable() -> str | None:
    return shutil.which("quarto")


def project_config() -> dict:
    """The Quarto project settings (the same as the repository's top-level _quarto.yml)."""
    text = (
        resources.files("metricwatch.render").joinpath("templates/_quarto.yml").read_text("utf-8")
    )
    return yaml.safe_load(text)


def markdown_literal(text: str) -> str:
    """text for a Markdown field (Pandoc reads the title as Markdown, raw HTML included):
    every ASCII punctuation character backslash-escaped, so it renders as plain text; control
    characters and line/paragraph separators (which YAML readers fold) become spaces."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _front_matter(title: str, lang: str) -> str:
    # yaml.safe_dump quotes and escapes what YAML needs (emoji stay one character, unlike
    # JSON's surrogate-pair escapes, which YAML readers decode as two broken halves)
    meta = {"title": markdown_literal(title), "lang": lang}
    body = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=2**31 - 1)
    return f"---\n{body}---"


def prepare_project(notebook: Path, project_dir: Path, *, title: str, lang: str) -> Path:
    """Copy the notebook into a fresh Quarto project folder with a title raw cell; return it."""
    import nbformat

    if project_dir.exists():
        shutil.rmtree(project_dir)
    project_dir.mkdir(parents=True)
    (project_dir / "_quarto.yml").write_text(
        yaml.safe_dump(project_config(), sort_keys=False), encoding="utf-8"
    )
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_raw_cell(_front_matter(title, lang)))
    target = project_dir / notebook.name
    nbformat.write(nb, target)
    return target


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
    """Render notebook to (html, pdf) inside work_dir/quarto; the HTML is finalized.

    pdf=False renders only the HTML format (the PDF comes back as None).
    """
    project = Path(work_dir) / "quarto"
    source = prepare_project(notebook, project, title=title, lang=lang)
    # one call renders every format the project defines (html, typst → PDF)
    to = "all" if pdf else "html"
    _quarto(["render", source.name, "--to", to, "--no-execute"], project, timeout_s)
    out = project / "_output"
    html = out / source.with_suffix(".html").name
    pdf_path = out / source.with_suffix(".pdf").name if pdf else None
    for p in (html, pdf_path):
        if p is not None and not p.is_file():
            raise RenderError(f"quarto reported success but {p} was not written")
    final = finalize_html(html.read_text(encoding="utf-8"), allow_data_scripts=True)
    atomic_write_text(html, final)
    return html, pdf_path
