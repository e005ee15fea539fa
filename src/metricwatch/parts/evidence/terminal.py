"""Render a transcript entry (command, output with ANSI colours, exit code) as a terminal PNG.

rich turns the ANSI output into escaped HTML with inline colours; the same headless browser
photographs the window. The image holds exactly the captured text (secrets scrubbed): after
rendering, the page's text is compared with it, and the image fails when they differ.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from metricwatch.parts.evidence.browser import Browser
from metricwatch.parts.evidence.images import check_png
from metricwatch.redact import scrub
from metricwatch.transcript import TranscriptEntry

MAX_LINES = 400
_WINDOW = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #ffffff; }}
.window {{ display: inline-block; margin: 16px; border-radius: 8px; overflow: hidden;
  box-shadow: 0 2px 10px rgba(0,0,0,.35); background: #1e1e1e; min-width: 640px; max-width: 1400px; }}
.bar {{ background: #3c3c3c; padding: 8px 12px; font: 13px sans-serif; color: #ddd; }}
.dot {{ display: inline-block; width: 12px; height: 12px; border-radius: 50%; margin-right: 6px; }}
.body {{ padding: 12px 16px; }}
.body pre, .body code {{ margin: 0; font: 14px/1.35 "DejaVu Sans Mono", monospace;
  white-space: pre-wrap; word-break: break-all; color: #e5e5e5; background: transparent; }}
</style></head><body><div class="window" role="figure" aria-label="terminal">
<div class="bar"><span class="dot" style="background:#ff5f56"></span><span class="dot"
style="background:#ffbd2e"></span><span class="dot" style="background:#27c93f"></span>
&nbsp;{title}</div><div class="body">{body}</div></div></body></html>"""


def entry_text(entry: TranscriptEntry, max_lines: int = MAX_LINES) -> str:
    """The terminal's text with ANSI codes: prompt and command, output, and how it ended."""
    out = (entry.stdout or "") + (entry.stderr or "")
    lines = scrub(out).rstrip("\n").splitlines()
    if len(lines) > max_lines:
        cut = len(lines) - max_lines
        lines = [*lines[:max_lines], f"… {cut} more lines (see the reproducibility transcript)"]
    if entry.timed_out:
        end = f"[killed after {entry.duration_s:.0f} s: timed out]"
    else:
        end = f"[exit code {entry.exit_code}, {entry.duration_s:.1f} s]"
    return "\n".join([f"$ {scrub(entry.display_command)}", *lines, end])


_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


def plain(text: str) -> str:
    return _ANSI.sub("", text).replace("\r", "")


def terminal_html(text: str, title: str) -> str:
    from rich.console import Console
    from rich.terminal_theme import MONOKAI
    from rich.text import Text

    console = Console(
        record=True, file=io.StringIO(), width=160, force_terminal=True, color_system="truecolor"
    )
    console.print(Text.from_ansi(text), soft_wrap=True, highlight=False, markup=False)
    # a dark theme: ANSI "default colour" must be light on the dark window
    body = console.export_html(
        inline_styles=True, theme=MONOKAI, code_format="<pre><code>{code}</code></pre>"
    )
    from html import escape

    return _WINDOW.format(title=escape(title), body=body)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def render_terminal(browser: Browser, entry: TranscriptEntry, out: Path, title: str) -> str:
    """Write the PNG of entry to out and return the plain text shown; raises on a mismatch."""
    text = entry_text(entry)
    page = browser.new_page(allowed_origins=(), viewport=(1440, 900))
    try:
        page.set_content(terminal_html(text, title), wait_until="load")
        window = page.get_by_role("figure", name="terminal")
        shown = page.locator(".body").inner_text()
        if _norm(shown) != _norm(plain(text)):
            raise ValueError(f"{out.name}: the rendered terminal text differs from the transcript")
        window.screenshot(path=str(out), animations="disabled")
    finally:
        page.context.close()
    check_png(out)
    return plain(text)
