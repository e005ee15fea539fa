"""The Quarto renderer with the real quarto CLI (skipped, with the reason, where it is absent).

`metricwatch report --renderer quarto` on the demo, with the cache, TMPDIR and the report under
a `.hidden/` folder (Quarto skips inputs whose absolute path has a dot-component: the render
must not). Without Quarto, test_render_quarto_parts.py proves the path with Pandoc + Typst.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.quarto_parts import pdf_images, pdf_outline, pdf_text
from support.report_text import EN_HEADINGS, ES_HEADINGS, SUMMARY

pytestmark = [
    pytest.mark.quarto,
    pytest.mark.slow,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto not on PATH"),
]


def quarto_report(demo_dir: Path, base: Path, *args: str) -> Path:
    root = base / ".hidden" / "demo"
    shutil.copytree(demo_dir, root, symlinks=True)
    (base / ".hidden" / "tmp").mkdir()
    out = base / ".hidden" / "reports"
    env = {**os.environ, "XDG_CACHE_HOME": str(base / ".hidden" / "cache"),
           "TMPDIR": str(base / ".hidden" / "tmp"), "COLUMNS": "200"}  # fmt: skip
    argv = [sys.executable, "-m", "metricwatch", "report", "-c", str(root / "metricwatch.yaml"),
            "-o", str(out), "--renderer", "quarto", *args]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1500)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def english(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return quarto_report(demo_dir, tmp_path_factory.mktemp("quarto-en"))


def test_quarto_html_is_styled_locked_down_and_complete(english: Path) -> None:
    html = (english / "metrics_monitoring.html").read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp and "style-src 'unsafe-inline' data:" in csp.group(1)
    assert re.search(r'<link[^>]+href="data:text/css', html)  # Quarto's Bootstrap, admitted
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "require.min.js" not in html and "jquery" not in html.lower()
    assert len(re.findall(r"<h1\b", html)) == 1  # one title
    toc = html[html.index('id="TOC"') :]
    for heading in EN_HEADINGS:
        assert heading in toc
    assert re.search(r'<a href="metrics_monitoring\.pdf"[^>]*>.*?PDF', html, re.S)


def test_quarto_pdf_has_text_sections_outline_and_screenshots(english: Path) -> None:
    pdf = english / "metrics_monitoring.pdf"
    text = " ".join(pdf_text(pdf).split())
    for heading in [SUMMARY["en"], *EN_HEADINGS]:
        assert heading in text
    assert "Purpose: ensure reproducibility" in text and "IPython.core.display" not in text
    assert [h for h in pdf_outline(pdf) if h in EN_HEADINGS] == EN_HEADINGS
    assert len(pdf_images(pdf)) >= 3 + 5  # screenshots and static plots


def test_quarto_spanish_report(demo_dir: Path, tmp_path: Path) -> None:
    out = quarto_report(demo_dir, tmp_path, "--lang", "es", "--skip", "repro")
    text = " ".join(pdf_text(out / "metrics_monitoring.pdf").split())
    for heading in [SUMMARY["es"], *ES_HEADINGS]:
        assert heading in text
    assert "IPython.core.display" not in text
