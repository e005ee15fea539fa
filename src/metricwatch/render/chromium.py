"""Print an HTML file to an A4 PDF with Chromium/Chrome via Playwright, after its plots drew.

The browser is found exactly as the evidence capture finds it (metricwatch.browsers)
and never downloaded: a configured path, Debian's `chromium`, or one Playwright installed.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from metricwatch.browsers import find_browser
from metricwatch.errors import RenderError

# The printable width of A4 with report.css's @page margins (210 mm - 2 × 12 mm) in CSS px.
PRINT_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)
LAUNCH_ARGS = ("--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu")

# True when every plotly div has drawn its SVG (plotly adds .main-svg when a plot is drawn).
_PLOTS_DRAWN = """() => {
  const divs = [...document.querySelectorAll('.plotly-graph-div')];
  return divs.every(d => d.querySelector('.main-svg') !== null);
}"""


_RESIZE_PLOTS = """async () => {
  if (typeof Plotly === 'undefined') return 0;
  const divs = [...document.querySelectorAll('.js-plotly-plot')]
    .filter(d => d.offsetParent !== null);
  await Promise.all(divs.map(d => Plotly.Plots.resize(d)));
  return divs.length;
}"""


def print_pdf(
    html_path: Path,
    pdf_path: Path,
    *,
    browser: str | None = None,
    timeout_s: float = 60.0,
) -> list[str]:
    """Print html_path to pdf_path (A4, backgrounds) after its plots drew; return console errors.

    Playwright's sync API refuses to run where an asyncio loop is running (a Jupyter kernel,
    an async caller), so there it runs in a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _print_pdf(html_path, pdf_path, browser=browser, timeout_s=timeout_s)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="metricwatch-pdf") as pool:
        job = pool.submit(_print_pdf, html_path, pdf_path, browser=browser, timeout_s=timeout_s)
        return job.result()


def _print_pdf(
    html_path: Path, pdf_path: Path, *, browser: str | None, timeout_s: float
) -> list[str]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    exe = find_browser(browser)
    errors: list[str] = []
    ms = timeout_s * 1000
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=str(exe), args=list(LAUNCH_ARGS), timeout=ms)
            try:
                page = b.new_page()
                page.set_default_timeout(ms)
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
                try:
                    page.wait_for_function(_PLOTS_DRAWN, timeout=ms)
                except PlaywrightTimeout as exc:
                    n = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
                    raise RenderError(
                        f"{html_path}: {n} plotly figure(s) had not drawn after {timeout_s:g} s "
                        f"(browser errors: {'; '.join(errors[:3]) or 'none'})"
                    ) from exc
                page.evaluate("document.fonts.ready.then(() => true)")
                page.emulate_media(media="print")
                # Plots drew at screen width; lay the page out at the printed width and redraw
                # them there, or wide plots would be clipped at the page's right edge.
                page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": 1100})
                page.evaluate(_RESIZE_PLOTS)
                page.pdf(
                    path=str(pdf_path),
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    outline=True,  # the headings as PDF bookmarks
                    tagged=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=(
                        '<div style="font-size:8px;width:100%;text-align:center;color:#59636e">'
                        '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
                    ),
                )
            finally:
                b.close()
    except PlaywrightError as exc:
        raise RenderError(f"printing {html_path} to PDF with {exe} failed: {exc}") from exc
    return errors
