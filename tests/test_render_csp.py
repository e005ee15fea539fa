"""The report's Content-Security-Policy in real Chromium, for the pages each renderer makes.

Quarto's `embed-resources` writes its stylesheets as `<link href="data:text/css,…">` and its
scripts as `<script src="data:…">`: under the Quarto policy they must apply (or the HTML is
unstyled); under the built-in renderer's stricter policy they must not.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from metricwatch.browsers import find_browser
from metricwatch.errors import RenderError
from metricwatch.render.chromium import LAUNCH_ARGS
from metricwatch.render.html import finalize_html

pytestmark = [pytest.mark.browser]

CSS_URL = "data:text/css,%23plain%7Bcolor%3Argb(1%2C%202%2C%203)%7D"
CSS_B64 = "data:text/css;base64," + base64.b64encode(b"#b64{color:rgb(4, 5, 6)}").decode()
JS_URL = "data:application/javascript;base64," + base64.b64encode(b"window.ran = 1;").decode()
PAGE = (
    "<!DOCTYPE html><html><head><title>t</title>"
    f'<link href="{CSS_URL}" rel="stylesheet">'
    f'<link rel="stylesheet" href="{CSS_B64}">'
    f'<script src="{JS_URL}"></script>'
    '</head><body><p id="plain">a</p><p id="b64">b</p></body></html>'
)
PROBE = """() => [
  getComputedStyle(document.getElementById('plain')).color,
  getComputedStyle(document.getElementById('b64')).color,
  window.ran || 0,
]"""


def load(page: str, tmp_path: Path) -> list:
    try:
        exe = find_browser()
    except RenderError as exc:
        pytest.skip(str(exc))
    from playwright.sync_api import sync_playwright

    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(exe), args=list(LAUNCH_ARGS))
        try:
            tab = browser.new_page()
            tab.goto(path.as_uri(), wait_until="load", timeout=60_000)
            return tab.evaluate(PROBE)
        finally:
            browser.close()


def test_quarto_policy_applies_its_data_stylesheets_and_scripts(tmp_path: Path) -> None:
    page = finalize_html(PAGE, data_resources=True)
    assert load(page, tmp_path) == ["rgb(1, 2, 3)", "rgb(4, 5, 6)", 1]


def test_builtin_policy_blocks_data_stylesheets_and_scripts(tmp_path: Path) -> None:
    page = finalize_html(PAGE)
    assert load(page, tmp_path) == ["rgb(0, 0, 0)", "rgb(0, 0, 0)", 0]
