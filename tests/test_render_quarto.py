"""The Quarto renderer (needs the quarto CLI; skipped with the reason when it is absent)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support.notebooks import HOSTILE, report_notebook

from metricwatch.render import render_report
from metricwatch.render.html import PLOTLY_SCRIPT_ID
from metricwatch.render.quarto import prepare_project, project_config

pytestmark = [
    pytest.mark.quarto,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto not on PATH"),
]


def test_project_renders_without_executing(tmp_path: Path) -> None:
    nb = report_notebook(tmp_path / "r.ipynb")
    target = prepare_project(nb, tmp_path / "q", title='A "quoted" <title>', lang="es")
    assert (tmp_path / "q" / "_quarto.yml").is_file()
    import nbformat
    import yaml

    first = nbformat.read(target, as_version=4).cells[0]
    meta = yaml.safe_load(first.source.strip("-\n"))
    # Pandoc reads the title as Markdown: its punctuation is escaped to stay plain text
    title = 'A \\"quoted\\" \\<title\\>'
    assert first.cell_type == "raw" and meta == {"title": title, "lang": "es"}
    assert project_config()["execute"]["enabled"] is False


def test_quarto_html_and_typst_pdf(tmp_path: Path) -> None:
    nb = report_notebook(tmp_path / "notebooks" / "report.ipynb")
    rendered = render_report(
        [nb],
        {"run_name": HOSTILE, "lang": "es"},
        output_dir=tmp_path / "reports",
        build_dir=tmp_path / "build",
        renderer="quarto",
        lang="es",
        title="Monitoreo",
    )
    assert rendered.renderer == "quarto"
    html = rendered.html.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    assert not re.search(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", html)
    assert html.count(f'id="{PLOTLY_SCRIPT_ID}"') == 1
    assert HOSTILE not in html and "Section KPIs" in html
    text = subprocess.run(
        ["pdftotext", str(rendered.pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "Section KPIs" in text and "Section Figures" in text
