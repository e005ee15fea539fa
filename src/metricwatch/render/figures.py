"""Show a plotly figure so it is interactive in the HTML report and a static PNG in the PDF.

Notebooks call `show(fig)`. The output carries three representations:
- `application/vnd.plotly.v1+json`: JupyterLab draws it interactively;
- `text/html`: a plotly div (plotly.js itself is inlined once per report by the renderer) and a
  hidden `<img class="mw-figure-static">` that the report's print stylesheet shows instead;
- `image/png`, and `text/markdown` showing that PNG with its alt text: what Quarto reads for
  its PDF (Typst) and HTML (render.quarto_project drops the plotly div for Quarto).
The PNG comes from kaleido, which drives Debian's Chromium; one kaleido server is kept per
kernel, so figures after the first cost a fraction of a second (the first costs seconds).
Whether PNGs are made follows $METRICWATCH_STATIC_FIGURES ("1" by default): render_report sets
it to "0" for the built-in renderer, which prints the live (vector) plot instead.
"""

from __future__ import annotations

import atexit
import base64
import html
import json
import os
import warnings
from typing import Any

from metricwatch.doc import markdown as md

STATIC_CLASS = "mw-figure-static"
FIGURE_CLASS = "mw-figure"
INTERACTIVE_CLASS = "mw-figure-interactive"
STATIC_ENV = "METRICWATCH_STATIC_FIGURES"
_server: dict[str, Any] = {"started": False, "failed": None}


def static_wanted() -> bool:
    return os.environ.get(STATIC_ENV, "1").strip().lower() not in ("0", "false", "no")


def setup() -> None:
    """Plotly defaults for report notebooks (fig.show() then also survives Quarto's HTML)."""
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype+notebook_connected"


def _start_kaleido() -> None:
    if _server["started"] or _server["failed"]:
        return
    import kaleido

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kaleido.start_sync_server(silence_warnings=True)
    _server["started"] = True
    atexit.register(_stop_kaleido)


def _stop_kaleido() -> None:
    if _server["started"]:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _server["started"] = False


def static_png(fig: Any, *, width: int, height: int, scale: float = 2.0) -> bytes | None:
    """The figure as PNG bytes, or None when no browser is available to kaleido."""
    import plotly.io as pio

    if _server["failed"]:
        return None
    try:
        _start_kaleido()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pio.to_image(fig, format="png", width=width, height=height, scale=scale)
    except Exception as exc:  # kaleido raises many kinds (no Chrome, browser crash)
        _server["failed"] = f"{type(exc).__name__}: {exc}"
        return None


def static_error() -> str | None:
    """Why static images could not be made in this kernel (None when they could)."""
    return _server["failed"]


def static_img(b64_png: str, alt: str) -> str:
    """The hidden <img> the print stylesheet shows instead of the live plot."""
    return (
        f'<img class="{STATIC_CLASS}" style="display:none" alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{html.escape(b64_png, quote=True)}">'
    )


def figure_bundle(
    fig: Any, *, width: int = 900, height: int = 450, static: bool | None = None, alt: str = ""
) -> dict[str, Any]:
    """The display bundle for fig (see the module docstring); static=None follows the env."""
    import plotly.io as pio

    div = pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        default_width="100%",
        default_height=f"{height}px",
        config={"displaylogo": False, "responsive": True},
    )
    if static is None:
        static = static_wanted()
    png = static_png(fig, width=width, height=height) if static else None
    parts = [f'<div class="{FIGURE_CLASS}">', f'<div class="{INTERACTIVE_CLASS}">', div, "</div>"]
    bundle: dict[str, Any] = {
        "application/vnd.plotly.v1+json": json.loads(pio.to_json(fig, validate=False)),
        "text/plain": alt or "<plotly figure>",
    }
    if png is not None:
        b64 = base64.b64encode(png).decode("ascii")
        parts.append(static_img(b64, alt))
        bundle["image/png"] = b64
        bundle["text/markdown"] = md.image(f"data:image/png;base64,{b64}", alt=alt or "plot")
    parts.append("</div>")
    bundle["text/html"] = "".join(parts)
    return bundle


def show(
    fig: Any, *, width: int = 900, height: int = 450, static: bool | None = None, alt: str = ""
) -> None:
    """Display fig in a notebook: interactive on screen, a PNG when printed or in Typst."""
    from IPython.display import display

    display(figure_bundle(fig, width=width, height=height, static=static, alt=alt), raw=True)
