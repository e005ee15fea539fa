"""Make a report HTML self-contained and locked down, whichever renderer produced it.

- a Content-Security-Policy meta tag: scripts only the page's own inline scripts, each allowed
  by its SHA-256 (so an injected `<script>` or `onerror=` attribute would not run even if an
  escaping bug let it through), inline styles, images from data: URIs. Quarto's HTML (which
  embeds its own scripts and stylesheets as data: URLs, `<link href="data:text/css,…">`, and
  may use inline handlers) keeps 'unsafe-inline' and admits data: scripts and stylesheets;
- no external scripts or stylesheets (CDN loaders of plotly/require/MathJax are dropped);
- plotly.js inlined exactly once when the page has plotly figures, so it opens offline;
- metricwatch's stylesheet (screen + A4 print rules) inlined once.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from importlib import resources

PLOTLY_SCRIPT_ID = "mw-plotlyjs"
STYLE_ID = "mw-style"
CSP = (
    "default-src 'none'; script-src {scripts}; style-src {styles}; "
    "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

_EXTERNAL_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I | re.S
)
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I | re.S)
_HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.I)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.I)
_CSP_META = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?content-security-policy[^>]*>", re.I)
# an inline script element (no src attribute) and its raw text, as the HTML parser reads it
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script[\s/>]", re.I | re.S)


@cache
def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@cache
def report_css() -> str:
    return resources.files("metricwatch.render").joinpath("templates/report.css").read_text("utf-8")


def script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-…') of every inline script in html, in order."""
    out: list[str] = []
    for m in _INLINE_SCRIPT.finditer(html):
        text = m.group(1).replace("\r\n", "\n").replace("\r", "\n")  # the parser's newlines
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        if f"'sha256-{digest}'" not in out:
            out.append(f"'sha256-{digest}'")
    return out


def csp_content(*, data_resources: bool = False, hashes: list[str] | None = None) -> str:
    """The policy: Quarto pages (data_resources) keep 'unsafe-inline' and admit data: scripts
    and stylesheets; other pages allow exactly the inline scripts whose hashes are given (none:
    no script) and inline styles."""
    if data_resources:
        return CSP.format(scripts="'unsafe-inline' data:", styles="'unsafe-inline' data:")
    return CSP.format(scripts=" ".join(hashes or []) or "'none'", styles="'unsafe-inline'")


def has_plotly_figures(html: str) -> bool:
    return "plotly-graph-div" in html


def finalize_html(html: str, *, data_resources: bool = False) -> str:
    """Return html with the CSP, our stylesheet and (if needed) plotly.js, and nothing external."""
    if not _HEAD_OPEN.search(html):
        raise ValueError("the rendered HTML has no <head> element")
    html = _EXTERNAL_SCRIPT.sub("", html)
    html = _EXTERNAL_LINK.sub("", html)
    html = _CSP_META.sub("", html)
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
    # the policy comes last: it lists the hashes of the page's final inline scripts
    policy = csp_content(data_resources=data_resources, hashes=script_hashes(html))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    return _HEAD_OPEN.sub(lambda m: m.group(0) + "\n" + meta, html, count=1)
