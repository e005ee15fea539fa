"""What the report notebook calls: load (or collect) the result, then show one section a cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from metricwatch.i18n import Lang, lang_of, t
from metricwatch.report.blocks import Block, Figure, Heading, Text
from metricwatch.result import MonitoringResult


def load_result(
    config_path: str, *, result_path: str = "", lang: str = "", rev: str = ""
) -> MonitoringResult:
    """The result written by `metricwatch report` (result_path), or a fresh collection."""
    if result_path and Path(result_path).is_file():
        result = MonitoringResult.read(Path(result_path))
    else:
        from metricwatch.config import load_config
        from metricwatch.report.build import collect_report

        result = collect_report(load_config(config_path), rev=rev or None)
    if lang:
        result = result.model_copy(update={"meta": result.meta.model_copy(update={"lang": lang})})
    return result


def _sections() -> dict[str, tuple[str | None, Callable[[MonitoringResult, Lang], list[Block]]]]:
    from metricwatch.report import (
        sec_appendix,
        sec_evidence,
        sec_integrity,
        sec_kpis,
        sec_monitoring,
        sec_repro,
        sec_summary,
    )

    return {
        "summary": (None, sec_summary.build),
        "kpis": ("s1", sec_kpis.build),
        "integrity": ("s2", sec_integrity.build),
        "repro": ("s3", sec_repro.build),
        "monitoring": ("s4", sec_monitoring.build),
        "evidence": ("s5", sec_evidence.build),
        "appendix_a": ("s6", sec_appendix.appendix_a),
        "appendix_b": ("s7", sec_appendix.appendix_b),
        "appendix_c": ("s8", sec_appendix.appendix_c),
        "footer": (None, sec_summary.footer),
    }


def section_blocks(result: MonitoringResult, name: str) -> list[Block]:
    sections = _sections()
    if name not in sections:
        raise KeyError(f"unknown section {name!r}; valid: {', '.join(sections)}")
    heading, builder = sections[name]
    lang: Lang = lang_of(result.meta.lang)
    blocks: list[Block] = [Heading(t(f"report.{heading}", lang), 2)] if heading else []
    return blocks + builder(result, lang)


def bundle(block: Text) -> dict[str, str]:
    """The display data of a (non-figure) block: Markdown for Quarto, HTML for JupyterLab and
    the built-in renderer, plain text for everything else (never an object's repr)."""
    return {
        "text/markdown": block.markdown(),
        "text/html": block.html(),
        "text/plain": block.plain(),
    }


def show(result: MonitoringResult, name: str) -> None:
    """Display a section in the notebook, one output per block; figures interactive + static."""
    from IPython.display import display

    from metricwatch.render.figures import show as show_figure

    for block in section_blocks(result, name):
        if isinstance(block, Figure):
            show_figure(block.figure, alt=block.alt)
        else:
            display(bundle(block), raw=True)


def as_html(result: MonitoringResult, names: list[str] | None = None) -> str:
    """Every section as one HTML fragment (figures omitted): for tests and quick previews."""
    parts: list[Any] = []
    for name in names or list(_sections()):
        parts += [b.html() for b in section_blocks(result, name) if not isinstance(b, Figure)]
    return "\n".join(parts)
