"""Join executed notebooks into the one notebook the renderers turn into the deliverable."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from metricwatch.errors import RenderError


def combine_notebooks(executed: Sequence[Path], dest: Path, *, title: str, lang: str) -> Path:
    """Write the cells of every executed notebook, in order, into dest."""
    import nbformat

    if not executed:
        raise RenderError("no notebooks to render: pass at least one notebook")
    parts = []
    for path in executed:
        try:
            parts.append(nbformat.read(path, as_version=4))
        except Exception as exc:  # nbformat raises several kinds for unreadable files
            raise RenderError(f"cannot read the executed notebook {path}: {exc}") from exc
    combined = nbformat.v4.new_notebook(metadata=dict(parts[0].metadata))
    combined.metadata.pop("papermill", None)
    combined.metadata["title"] = title
    combined.metadata["metricwatch"] = {
        "lang": lang,
        "sources": [str(p) for p in executed],
        "papermill": [nb.metadata.get("papermill", {}).get("parameters", {}) for nb in parts],
    }
    for nb in parts:
        combined.cells.extend(nb.cells)
    for i, cell in enumerate(combined.cells):  # ids must stay unique across the joined parts
        cell["id"] = f"mw-{i}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(combined, dest)
    return dest
