"""Rendering: parameterized notebooks → papermill → Quarto or the built-in renderer → HTML + PDF.

The public API is re-exported here; see render.report.render_report.
"""

from __future__ import annotations

from metricwatch.render.lock import output_lock
from metricwatch.render.report import (
    RENDERERS,
    RenderedReport,
    RenderTimeouts,
    choose_renderer,
    default_build_dir,
    render_report,
)
from metricwatch.render.timing import StageTimer

__all__ = [
    "RENDERERS",
    "RenderTimeouts",
    "RenderedReport",
    "StageTimer",
    "choose_renderer",
    "default_build_dir",
    "output_lock",
    "render_report",
]
