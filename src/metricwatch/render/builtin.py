"""The built-in renderer: nbconvert HTML with metricwatch's template, Chromium print-to-PDF.

Code cells, prompts and stderr are hidden; the HTML is finalized by render.html (CSP, plotly.js
inlined once, print stylesheet) and printed only after its plots drew.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from metricwatch.atomic import atomic_write_text
from metricwatch.errors import RenderError
from metricwatch.render.chromium import print_pdf
from metricwatch.render.html import finalize_html

TEMPLATE_FILE = "metricwatch.html.j2"
# Cells tagged like this never reach the deliverable (papermill's injected parameters, and the
# tags JupyterLab/Quarto users already use for "remove this cell").
REMOVE_CELL_TAGS = ("injected-parameters", "parameters", "remove-cell", "remove_cell")


def _template_dir() -> str:
    return str(resources.files("metricwatch.render").joinpath("templates"))


def notebook_to_html(notebook: Path, *, title: str, lang: str) -> str:
    """The executed notebook as a finalized, self-contained HTML document."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    exporter = HTMLExporter(
        config=c,
        template_name="lab",
        template_file=TEMPLATE_FILE,
        extra_template_paths=[_template_dir()],
    )
    try:
        nb = nbformat.read(notebook, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"mw_title": title, "mw_lang": lang})
    except Exception as exc:  # nbconvert/jinja raise many kinds; one boundary here
        raise RenderError(
            f"converting {notebook} to HTML failed: {type(exc).__name__}: {exc}"
        ) from exc
    return finalize_html(body)


def render_html(notebook: Path, html_path: Path, *, title: str, lang: str) -> Path:
    return atomic_write_text(html_path, notebook_to_html(notebook, title=title, lang=lang))


def render_pdf(
    html_path: Path, pdf_path: Path, *, browser: str | None, timeout_s: float
) -> list[str]:
    """Print the finalized HTML; returns the browser's console errors (for the log)."""
    return print_pdf(html_path, pdf_path, browser=browser, timeout_s=timeout_s)
