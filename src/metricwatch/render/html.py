"""Make a report HTML self-contained and locked down, whichever renderer produced it.

- a Content-Security-Policy meta tag (inline scripts and styles only, images from data: URIs);
- no external scripts or stylesheets (CDN loaders of plotly/require/MathJax are dropped);
- plotly.js inlined exactly once when the page has plotly figures, so it opens offline;
- metricwatch's stylesheet (screen + A4 print rules) inlined once.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

PLOTLY_SCRIPT_ID = "mw-plotlyjs"
STYLE_ID = "mw-style"
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'{extra}; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

_EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I | re.S
)
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I | re.S)
_HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.I)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.I)
_CSP_META = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-security-policy[^>]*>", re.I)


@cache
def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@cache
def report_css() -> str:
    return resources.files("metricwatch.render").joinpath("templates/report.css").read_text("utf-8")


def csp_content(*, allow_data_scripts: bool = False) -> str:
    return CSP.format(extra=" data:" if allow_data_scripts else "")


def has_plotly_figures(html: str) -> bool:
    return "plotly-graph-div" in html


def finalize_html(html: str, *, allow_data_scripts: bool = False) -> str:
    """Return html with the CSP, our stylesheet and (if needed) plotly.js, and nothing external."""
    if not _HEAD_OPEN.search(html):
        raise ValueError("the rendered HTML has no <head> element")
    html = _EXTERNAL_SCRIPT.sub("", html)
    html = _EXTERNAL_LINK.sub("", html)
    html = _CSP_META.sub("", html)
    meta = (
        '<meta http-equiv="Content-Security-Policy" '
        f'content="{csp_content(allow_data_scripts=allow_data_scripts)}">'
    )
    html = _HEAD_OPEN.sub(lambda m: m.group(0) + "\n" + meta, html, count=1)
    head_extra = []
    if f'id="{STYLE_ID}"' not in html:
        head_extra.append(f'<style id="{STYLE_ID}">\n{report_css()}\n</style>')
    if has_plotly_figures(html) and f'id="{PLOTLY_SCRIPT_ID}"' not in html:
        # "</script" cannot occur inside plotly.js's minified source, but never trust it blindly.
        js = plotly_js().replace("</script", "<\\/script")
        head_extra.append(f'<script id="{PLOTLY_SCRIPT_ID}">{js}</script>')
    if head_extra:
        addition = "\n".join(head_extra) + "\n"
        html = _HEAD_CLOSE.sub(lambda m: addition + m.group(0), html, count=1)
    return html
