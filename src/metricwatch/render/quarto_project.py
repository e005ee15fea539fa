"""The folder Quarto renders in, and the notebook it reads there.

Where: Quarto leaves out of a project every input whose ABSOLUTE path has a component starting
with "." (`kSkipHidden` in its src/core/path.ts, used by src/project/project-context.ts), then
renders the file alone with default settings, ignoring _quarto.yml, and exits 0. So the project
folder is a private temporary folder under the first of $TMPDIR, /tmp, /var/tmp whose resolved
path has no such component, whatever XDG_CACHE_HOME and the home folder are.

What: Quarto adds require.js and jQuery from a CDN to any page whose notebook has a `text/html`
or `application/javascript` output (src/core/jupyter/widgets.ts), and for Typst it keeps HTML
only when it is a table (src/core/jupyter/display-data.ts). The notebook it reads therefore
keeps, per output, forms every format reads, and no `text/html` output:
- an output with `text/markdown` or an image drops its `text/html` (a plotly figure shows its
  static PNG); `application/javascript` is dropped;
- any other `text/html` becomes Markdown raw HTML, which Quarto passes to HTML and reads into a
  real table for every format when it holds one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from metricwatch.doc import markdown as md
from metricwatch.errors import RenderError

DROPPED = ("application/javascript",)


def hidden_component(path: Path) -> str | None:
    """The first component of path (absolute, symlinks resolved) that starts with a dot."""
    for part in Path(path).resolve().parts:
        if part.startswith("."):
            return part
    return None


def project_parent() -> Path:
    """A writable folder whose path Quarto does not skip (see the module docstring)."""
    candidates = [os.environ.get("TMPDIR", ""), tempfile.gettempdir(), "/tmp", "/var/tmp"]  # noqa: S108
    for candidate in dict.fromkeys(c for c in candidates if c):
        path = Path(candidate)
        if path.is_dir() and os.access(path, os.W_OK) and hidden_component(path) is None:
            return path.resolve()
    raise RenderError(
        f"no temporary folder for Quarto's project: {', '.join(candidates[1:])} are missing, "
        "not writable or inside a folder whose name starts with '.' (Quarto skips such inputs); "
        "set TMPDIR to a writable folder outside any dot-folder, or use --renderer builtin"
    )


def project_config() -> dict:
    """The Quarto project settings (the same as the repository's top-level _quarto.yml)."""
    text = (
        resources.files("metricwatch.render").joinpath("templates/_quarto.yml").read_text("utf-8")
    )
    return yaml.safe_load(text)


def quarto_output(output: dict[str, Any]) -> dict[str, Any]:
    """One notebook output as Quarto should read it (see the module docstring)."""
    data = output.get("data")
    if output.get("output_type") not in ("display_data", "execute_result") or not data:
        return output
    data = {k: v for k, v in data.items() if k not in DROPPED}
    html = data.pop("text/html", None)
    has_image = any(k.startswith("image/") for k in data)
    if html is not None and "text/markdown" not in data and not has_image:
        data["text/markdown"] = md.raw_html(html if isinstance(html, str) else "".join(html))
    return {**output, "data": data}


def front_matter(title: str, lang: str) -> str:
    # yaml.safe_dump quotes and escapes what YAML needs (emoji stay one character, unlike
    # JSON's surrogate-pair escapes, which YAML readers decode as two broken halves)
    meta = {"title": md.literal(title), "lang": lang}
    body = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=2**31 - 1)
    return f"---\n{body}---"


def prepare_project(notebook: Path, project_dir: Path, *, title: str, lang: str) -> Path:
    """Write _quarto.yml and the notebook Quarto reads (a title raw cell first) into a fresh
    project_dir; return the notebook's path there."""
    import nbformat

    if project_dir.exists():
        shutil.rmtree(project_dir)
    project_dir.mkdir(parents=True)
    (project_dir / "_quarto.yml").write_text(
        yaml.safe_dump(project_config(), sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(quarto_output(o)) for o in cell.outputs]
    nb.cells.insert(0, nbformat.v4.new_raw_cell(front_matter(title, lang)))
    target = project_dir / notebook.name
    nbformat.write(nb, target)
    return target
