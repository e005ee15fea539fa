"""Tiny real notebooks for the renderer tests (parameters cell, plotly figure, wide table…)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HOSTILE = "<script>alert('pwned')</script> & <b>bold</b>"
LAST_COLUMN = "zz_last_column"


def write_notebook(path: Path, cells: list, params: str | None = None) -> Path:
    all_cells = []
    if params is not None:
        p = new_code_cell(params)
        p.metadata["tags"] = ["parameters"]
        all_cells.append(p)
    all_cells.extend(cells)
    nb = new_notebook(cells=all_cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def report_notebook(path: Path) -> Path:
    """A report-like notebook: headings, a wide table with a long row, a figure, stdout."""
    return write_notebook(
        path,
        [
            new_markdown_cell("# Section KPIs\n\nThe KPI table follows."),
            new_code_cell(
                "import pandas as pd\n"
                "from IPython.display import display\n"
                "from metricwatch.render import figures\n"
                "figures.setup()\n"
                "SECRET_CODE_MARKER = 'this source line must not appear in the report'"
            ),
            new_code_cell(
                "cols = {f'metric_{i:02d}': [round(0.1 * i, 3)] * 2 for i in range(14)}\n"
                f"cols[{LAST_COLUMN!r}] = ['ZZEND'] * 2\n"
                "df = pd.DataFrame({'run_name': [run_name, 'plain'], 'run_id': [run_id] * 2,\n"
                "                   'note': ['a very long cell ' * 12] * 2, **cols})\n"
                "display(df)\n"
                "display(pd.DataFrame({'Tag': ['v1.0.0'], 'Run ID': [run_id]}))"
            ),
            new_markdown_cell("## Section Figures"),
            new_code_cell(
                "import plotly.graph_objects as go\n"
                "fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name='rmse'))\n"
                "fig.update_layout(title='trend of ' + run_name)\n"
                "figures.show(fig, width=700, height=320, alt='trend')"
            ),
            new_code_cell("print(f'threshold={threshold} lang={lang}')"),
        ],
        params="run_name = 'default-run'\nrun_id = '0' * 32\nthreshold = 1.1\nlang = 'en'",
    )


def failing_notebook(path: Path) -> Path:
    return write_notebook(
        path,
        [
            new_markdown_cell("# Broken"),
            new_code_cell("x = 1"),
            new_code_cell("raise ValueError(f'bad input {x}')"),
            new_code_cell("print('never runs')"),
        ],
        params="x = 0",
    )


def sleeping_notebook(path: Path) -> Path:
    return write_notebook(path, [new_code_cell("import time\ntime.sleep(60)")], params="n = 1")
