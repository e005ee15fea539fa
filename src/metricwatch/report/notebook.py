"""What the report notebook calls: load (or collect) the result, then show each section in turn.

The sections: the summary, one numbered section per registered part section (registry order),
the appendices (numbered after them), the part sections placed at the end (History, the report
over time: after the seed's eight, so the user's template keeps its numbers), the footer. A
section that shows only a collected part (History) is left out, heading and all, when its part
is not in the result (`--skip history`). A heading's number is its position, whatever number its
catalogue text carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from metricwatch.doc.blocks import Block, Figure, Heading, Text
from metricwatch.i18n import Lang, lang_of
from metricwatch.result import MonitoringResult


def load_result(
    config_path: str, *, result_path: str = "", lang: str = "", rev: str = ""
) -> MonitoringResult:
    """The result written by `metricwatch report` (result_path), or a fresh collection."""
    if result_path and Path(result_path).is_file():
        result = MonitoringResult.read(Path(result_path))
    else:
        from metricwatch.config import load_config
        from metricwatch.parts.registry import part_names
        from metricwatch.pipeline.run import run_pipeline

        cfg = load_config(config_path)
        result = run_pipeline(
            cfg, part_names(), scope="versions", rev=rev or None, plots=True
        ).result
    if lang:
        result = result.model_copy(update={"meta": result.meta.model_copy(update={"lang": lang})})
    return result


_NUMBER = re.compile(r"^\d+\.\s*")
Builder = Callable[[MonitoringResult, Lang], list[Block]]


class _Section(NamedTuple):
    heading: Callable[[Lang], str] | None  # None: no heading (the summary, the footer)
    build: Builder
    part: str | None = None  # shown only when this part is in the result


def _sections() -> dict[str, _Section]:
    from metricwatch.parts.contract import SectionSpec, catalogue_heading
    from metricwatch.parts.registry import all_parts
    from metricwatch.report import sec_appendix, sec_summary

    specs = [(part.name, spec) for part in all_parts() for spec in part.sections]

    def of(
        specs: list[tuple[str, SectionSpec]],
    ) -> list[tuple[str, Callable[[Lang], str], Builder, str | None]]:
        return [(s.name, s.heading, s.build, p if s.only_collected else None) for p, s in specs]

    numbered = of([(p, s) for p, s in specs if not s.at_end])
    numbered += [
        ("appendix_a", catalogue_heading("report.s6"), sec_appendix.appendix_a, None),
        ("appendix_b", catalogue_heading("report.s7"), sec_appendix.appendix_b, None),
        ("appendix_c", catalogue_heading("report.s8"), sec_appendix.appendix_c, None),
    ]
    numbered += of([(p, s) for p, s in specs if s.at_end])  # history: after the seed's eight
    sections = {"summary": _Section(None, sec_summary.build)}
    for n, (name, heading, build, part) in enumerate(numbered, start=1):
        sections[name] = _Section(_numbered(n, heading), build, part)
    sections["footer"] = _Section(None, sec_summary.footer)
    return sections


def _numbered(n: int, heading: Callable[[Lang], str]) -> Callable[[Lang], str]:
    """The heading "n. Title": its position replaces any number its catalogue text starts with."""
    return lambda lang: f"{n}. {_NUMBER.sub('', heading(lang))}"


def section_names() -> list[str]:
    """Every section in report order (the notebook shows each in turn)."""
    return list(_sections())


def section_blocks(result: MonitoringResult, name: str) -> list[Block]:
    sections = _sections()
    if name not in sections:
        raise KeyError(f"unknown section {name!r}; valid: {', '.join(sections)}")
    heading, builder, part = sections[name]
    if part is not None and part not in result.parts:  # e.g. `--skip history`: no section
        return []
    lang: Lang = lang_of(result.meta.lang)
    blocks: list[Block] = [Heading(heading(lang), 2)] if heading else []
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
