"""figures.show's display bundle: interactive plotly + (optionally) a static PNG via kaleido."""

from __future__ import annotations

import base64
import json

import plotly.graph_objects as go
import pytest

from metricwatch.doc.plot_text import plot_labels, plot_text
from metricwatch.render import figures
from metricwatch.render.html import finalize_html


def _fig() -> go.Figure:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    fig.update_layout(title="</script><script>alert(1)</script>")
    return fig


def test_bundle_without_static_image(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(figures.STATIC_ENV, "0")
    bundle = figures.figure_bundle(_fig(), alt="bars <x>")
    assert set(bundle) == {"application/vnd.plotly.v1+json", "text/html", "text/plain"}
    html = bundle["text/html"]
    assert html.startswith('<div class="mw-figure"><div class="mw-figure-interactive">')
    assert "</script><script>alert(1)" not in html  # plotly escapes "</" inside its JSON
    assert (
        json.loads(json.dumps(bundle["application/vnd.plotly.v1+json"]))["data"][0]["type"] == "bar"
    )
    page = finalize_html(f"<html><head></head><body>{html}</body></html>")
    assert page.count('id="mw-plotlyjs"') == 1


@pytest.mark.slow
@pytest.mark.browser
def test_bundle_with_static_png_for_typst_and_print() -> None:
    bundle = figures.figure_bundle(_fig(), width=400, height=300, static=True, alt="bars <x>")
    if figures.static_error():
        pytest.skip(f"kaleido could not start a browser: {figures.static_error()}")
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png[16:20], "big") == 800  # width × scale 2
    html = bundle["text/html"]
    assert '<img class="mw-figure-static" style="display:none" alt="bars &lt;x&gt;"' in html
    assert bundle["image/png"] in html


def test_plot_text_escapes_plotly_markup_and_cuts_long_names() -> None:
    assert plot_text('<a href="javascript:x()">b</a> & c') == (
        '&lt;a href="javascript:x()"&gt;b&lt;/a&gt; &amp; c'
    )
    long = plot_text("a" * 50 + "b" * 10_000, limit=80)
    assert len(long) == 80 and long.startswith("a" * 50) and "…" in long
    # cut names stay distinct: a categorical axis would merge equal labels
    labels = plot_labels(["x" * 200 + "1", "x" * 200 + "2", "x" * 200 + "1"], limit=20)
    assert len(set(labels)) == 3
