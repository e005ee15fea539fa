"""End to end with the built-in renderer: papermill → nbconvert HTML → Chromium PDF → publish."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.notebooks import (
    HOSTILE,
    LAST_COLUMN,
    failing_notebook,
    report_notebook,
    write_notebook,
)

from metricwatch.browsers import find_browser
from metricwatch.errors import RenderError
from metricwatch.render import RenderedReport, StageTimer, render_report
from metricwatch.render.chromium import print_pdf
from metricwatch.render.html import PLOTLY_SCRIPT_ID

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RUN_ID = "4e7f2ab0c5d9b8e1a2b3c4d5e6f70819"


def _needs_tools() -> None:
    try:
        find_browser()
    except RenderError as exc:
        pytest.skip(str(exc))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not on PATH (apt-get install poppler-utils)")


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderedReport:
    _needs_tools()
    root = tmp_path_factory.mktemp("render")
    nb = report_notebook(root / "notebooks" / "report.ipynb")
    return render_report(
        [nb],
        {"run_name": HOSTILE, "run_id": RUN_ID, "threshold": 2.5, "lang": "es"},
        output_dir=root / "reports",
        build_dir=root / "build",
        basename="metrics_monitoring",
        renderer="builtin",
        lang="es",
        title="Monitoreo <de> métricas",
        history=True,
        timer=StageTimer(),
    )


def test_outputs_published(rendered: RenderedReport) -> None:
    out = rendered.html.parent
    assert rendered.html == out / "metrics_monitoring.html"
    assert rendered.pdf == out / "metrics_monitoring.pdf"
    assert rendered.pdf.read_bytes().startswith(b"%PDF-")
    assert rendered.renderer == "builtin"
    assert rendered.executed == [rendered.build_dir / "executed" / "report.ipynb"]
    # nothing but the deliverables (and the lock) in the output folder; no temp files left
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".metricwatch.lock",
        "history",
        "metrics_monitoring.html",
        "metrics_monitoring.pdf",
    ]
    assert set(rendered.timings) == {"execute report.ipynb", "combine", "html", "pdf", "publish"}


def test_history_copy(rendered: RenderedReport) -> None:
    day = datetime.now(UTC).date().isoformat()
    folder = rendered.html.parent / "history" / day
    assert rendered.history == [
        folder / "metrics_monitoring.html",
        folder / "metrics_monitoring.pdf",
    ]
    assert _sha(rendered.history[1]) == _sha(rendered.pdf)


def test_html_is_self_contained_locked_down_and_escaped(rendered: RenderedReport) -> None:
    html = rendered.html.read_text(encoding="utf-8")
    assert '<html lang="es">' in html
    assert "<title>Monitoreo &lt;de&gt; métricas</title>" in html
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp and "default-src 'none'" in csp.group(1)
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert html.count(f'<script id="{PLOTLY_SCRIPT_ID}">') == 1
    assert html.count("* plotly.js v") == 1
    assert "SECRET_CODE_MARKER" not in html  # code cells hidden
    assert "default-run" not in html  # the parameters cell is not shown
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(" in html
    assert "Section KPIs" in html and RUN_ID in html and LAST_COLUMN in html
    # the built-in renderer prints the live plot (vector), so no PNG was made for it
    assert 'class="mw-figure-static"' not in html and 'class="mw-figure-interactive"' in html


def test_plots_drew_without_csp_violations(rendered: RenderedReport) -> None:
    # print_pdf waited until every plotly div drew its SVG, and collected console errors
    assert rendered.browser_messages == []


def test_print_pdf_works_inside_a_running_event_loop(
    rendered: RenderedReport, tmp_path: Path
) -> None:
    async def main() -> list[str]:
        return print_pdf(rendered.html, tmp_path / "again.pdf", timeout_s=120)

    assert asyncio.run(main()) == []
    assert "Section KPIs" in pdf_text(tmp_path / "again.pdf")


def test_pdf_text_has_headings_facts_and_uncut_tables(rendered: RenderedReport) -> None:
    text = pdf_text(rendered.pdf)
    flat = re.sub(r"\s+", "", text)
    assert "Section KPIs" in text and "Section Figures" in text
    assert "<script>alert(" in flat  # the hostile run name is shown as text, not run
    assert RUN_ID in text  # the narrow correspondence table keeps it on one line
    assert "ZZEND" in flat  # the last column of the wide table was printed, not cut off
    assert "threshold=2.5 lang=es" in text
    assert "trend of" in text  # the plot drew and printed as vector text, not a blank box


def test_failed_run_keeps_previous_report(
    rendered: RenderedReport, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("failing")
    out = root / "reports"
    out.mkdir()
    for f in (rendered.html, rendered.pdf):
        shutil.copy2(f, out / f.name)
    before = {f.name: _sha(f) for f in out.iterdir()}
    nb = failing_notebook(root / "broken.ipynb")
    with pytest.raises(RenderError) as err:
        render_report([nb], {}, output_dir=out, build_dir=root / "build", renderer="builtin")
    assert "notebook broken.ipynb failed in cell 3" in str(err.value)
    assert f"kept at {root / 'build' / 'executed' / 'broken.ipynb'}" in str(err.value)
    assert {f.name: _sha(f) for f in out.iterdir() if f.suffix != ".lock"} == before


def test_no_browser_publishes_html_and_says_how_to_install(tmp_path: Path) -> None:
    _needs_tools()
    import nbformat

    nb = write_notebook(
        tmp_path / "small.ipynb", [nbformat.v4.new_markdown_cell("# Small report")], params="a = 1"
    )
    out = tmp_path / "reports"
    out.mkdir()
    (out / "metrics_monitoring.pdf").write_bytes(b"%PDF-previous")
    with pytest.raises(RenderError) as err:
        render_report(
            [nb],
            output_dir=out,
            build_dir=tmp_path / "build",
            renderer="builtin",
            browser=str(tmp_path / "no-chrome"),
        )
    msg = str(err.value)
    assert msg.startswith(
        f"the HTML report was written to {out / 'metrics_monitoring.html'}, but the PDF was not "
        "(the previous PDF is left in place): evidence.browser is "
    )
    assert "apt-get install chromium" in msg
    assert "Small report" in (out / "metrics_monitoring.html").read_text()
    assert (out / "metrics_monitoring.pdf").read_bytes() == b"%PDF-previous"


def test_the_policy_runs_the_pages_own_script_and_blocks_injected_ones(tmp_path: Path) -> None:
    """Real Chromium: a script/handler that an escaping bug let through would not run."""
    _needs_tools()
    from playwright.sync_api import sync_playwright

    from metricwatch.render.chromium import LAUNCH_ARGS
    from metricwatch.render.html import finalize_html

    own = "<script>document.title = 'own'; window.ran = ['own'];</script>"
    page = finalize_html(f"<html><head><title>t</title></head><body>{own}</body></html>")
    injected = (
        "<img src=x onerror=\"window.ran.push('onerror')\">"
        "<script>window.ran.push('script')</script>"
    )
    path = tmp_path / "page.html"
    path.write_text(page.replace("</body>", injected + "</body>"), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(find_browser()), args=list(LAUNCH_ARGS))
        try:
            tab = browser.new_page()
            messages: list[str] = []
            tab.on("console", lambda m: messages.append(m.text))
            tab.goto(path.as_uri(), wait_until="load", timeout=60_000)
            tab.wait_for_timeout(300)  # let the broken image's error event fire (it is blocked)
            ran = tab.evaluate("window.ran")
        finally:
            browser.close()
    assert ran == ["own"]
    assert any("Content Security Policy" in m for m in messages), messages
