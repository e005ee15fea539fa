"""The Quarto path without Quarto: the REAL report notebook of the demo, executed as
`metricwatch report --renderer quarto` executes it, in the notebook Quarto would read, through
Pandoc + Typst (tests/support/quarto_parts.py says what this leaves out).

Everything runs under a `.hidden/` folder (XDG_CACHE_HOME and the build root), as on a machine
whose cache is ~/.cache.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from support.delivered import Delivered
from support.quarto_parts import (
    pdf_images,
    pdf_outline,
    pdf_text,
    to_pdf,
    to_typst,
    typst_settings,
    words_past_right_margin,
)
from support.report_text import EN_HEADINGS, ES_HEADINGS, SUMMARY

from metricwatch.render.combine import combine_notebooks
from metricwatch.render.execute import execute_notebook
from metricwatch.render.figures import STATIC_ENV
from metricwatch.render.quarto_project import prepare_project
from metricwatch.report.build import REPORT_NOTEBOOK

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(1800)]
HEADINGS = {"en": EN_HEADINGS, "es": ES_HEADINGS}


@dataclass
class Demo:
    config: Path
    out: Path  # the deliverable's report folder (`make report` on the demo, support/delivered.py)
    build: Path  # a build root under a .hidden/ folder


@pytest.fixture(scope="module")
def demo(delivered: Delivered, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    assert delivered.codes["make report"] == 0, delivered.streams["make report"]
    assert ".hidden" in delivered.out.parts
    build = tmp_path_factory.mktemp("quarto-parts") / ".hidden" / "build root"
    return Demo(delivered.config, delivered.out, build)


@dataclass
class Rendered:
    notebook: Path  # what Quarto would read
    typ: Path
    pdf: Path


def render_parts(demo: Demo, lang: str) -> Rendered:
    build = demo.build / lang
    params = {"config_path": str(demo.config), "result_path": str(demo.out / "metrics.json"),
              "lang": lang, "rev": ""}  # fmt: skip
    executed = execute_notebook(
        REPORT_NOTEBOOK, build / "executed" / REPORT_NOTEBOOK.name, params,
        jupyter_dir=build / "jupyter", cwd=demo.out, env={STATIC_ENV: "1"},
    )  # fmt: skip
    combined = combine_notebooks([executed], build / "combined.ipynb", title="Report", lang=lang)
    notebook = prepare_project(combined, build / "quarto", title="Report", lang=lang)
    typ = to_typst(notebook, build / "typst" / "report.typ")
    return Rendered(notebook, typ, to_pdf(typ))


@pytest.fixture(scope="module")
def english(demo: Demo) -> Rendered:
    return render_parts(demo, "en")


def flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_has_every_section_the_summary_and_no_placeholder(english: Rendered) -> None:
    text = flat(pdf_text(english.pdf))
    for heading in [SUMMARY["en"], *EN_HEADINGS]:
        assert heading in text
    assert "Purpose: ensure reproducibility" in text  # the intro paragraph
    assert "Rule: every version tag (Git/DVC) must have an associated MLflow run" in text
    assert "reproduced: identical" in text  # the verdict line
    assert "Logging this project's KPIs under the metric names" in text  # appendix A
    assert "missing run" in text  # a table with status icons came through
    assert "IPython.core.display" not in text and "<IPython" not in text


def test_pdf_outline_lists_the_sections(english: Rendered) -> None:
    outline = pdf_outline(english.pdf)
    assert [h for h in outline if h in EN_HEADINGS] == EN_HEADINGS, outline
    assert SUMMARY["en"] in outline


def test_pdf_embeds_the_screenshots_and_plots(english: Rendered, demo: Demo) -> None:
    from PIL import Image

    result = json.loads((demo.out / "metrics.json").read_text(encoding="utf-8"))
    shots = [i for i in result["evidence"]["items"] if i["status"] == "ok"]
    assert len(shots) >= 3
    embedded = pdf_images(english.pdf)
    for shot in shots:
        with Image.open(shot["path"]) as img:
            assert img.size in embedded, (shot["name"], img.size, embedded)
    figures = [c for c in english.notebook.read_text(encoding="utf-8").split('"image/png"')][1:]
    assert len(embedded) >= len(shots) + len(figures) >= len(shots) + 5


def test_pdf_tables_stay_within_the_right_margin(english: Rendered) -> None:
    margin = typst_settings()["margin"]["x"]
    assert margin.endswith("cm")
    margin_pt = float(margin[:-2]) / 2.54 * 72
    assert words_past_right_margin(english.pdf, margin_pt) == []


def test_quarto_bound_notebook_has_nothing_that_makes_quarto_fetch_scripts(
    english: Rendered,
) -> None:
    nb = nbformat.read(english.notebook, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    kinds = {k for o in outputs for k in o.get("data", {})}
    # Quarto adds require.js and jQuery from a CDN for any of these (src/core/jupyter/widgets.ts)
    assert not kinds & {"text/html", "application/javascript"}, kinds
    assert "text/markdown" in kinds and "image/png" in kinds
    text = english.notebook.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*\\?[\"']?(https?:)?//", text)
    headings = [m for o in outputs for m in re.findall(
        r"^## (.+)$", o.get("data", {}).get("text/markdown", ""), re.M)]  # fmt: skip
    shown = [re.sub(r"\\(.)", r"\1", h) for h in headings]
    assert shown == [SUMMARY["en"], *EN_HEADINGS]


def test_builtin_report_shows_the_same_sections(english: Rendered, demo: Demo) -> None:
    html = (demo.out / "metrics_monitoring.html").read_text(encoding="utf-8")
    h2 = [re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]
    assert [h.replace("¶", "").strip() for h in h2] == [SUMMARY["en"], *EN_HEADINGS]
    text = flat(pdf_text(demo.out / "metrics_monitoring.pdf"))
    assert all(h in text for h in EN_HEADINGS)
    assert [h for h in pdf_outline(demo.out / "metrics_monitoring.pdf") if h in EN_HEADINGS] == (
        EN_HEADINGS
    )


def test_spanish_pdf_has_the_seed_headings(demo: Demo) -> None:
    spanish = render_parts(demo, "es")
    text = flat(pdf_text(spanish.pdf))
    for heading in [SUMMARY["es"], *ES_HEADINGS]:
        assert heading in text
    assert "Regla: todo tag de versión (Git/DVC) debe tener un run asociado" in text
    assert "IPython.core.display" not in text
