"""Property tests: no user string, whatever it holds, becomes live markup in the report,
in its HTML form (JupyterLab, the built-in renderer) or its Markdown form (Quarto, via Pandoc).

A MonitoringResult is built from the result model's own field types with the SAME arbitrary
string in every text field (run names, params, tags, column and category names, reasons,
captions, titles…), so a new field is covered as soon as it exists. Every section is rendered
the way the report notebook renders it (HTML blocks and plotly figures), the page is finalized
(CSP, stylesheet, plotly.js), and parsed with html.parser:
- the element/attribute structure is the same as for a harmless string: nothing came from input;
- the string is in the visible text (escaped in the source);
- plot titles and labels reach plotly escaped (plotly.js draws <b>, <br>, <a href> itself).
"""

from __future__ import annotations

import atexit
import enum
import json
import re
import shutil
import string
import tempfile
import types
import typing
import unicodedata
from datetime import UTC, date, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from metricwatch import i18n
from metricwatch.doc.blocks import Figure
from metricwatch.doc.markdown import literal
from metricwatch.doc.plot_text import plot_labels, plot_text
from metricwatch.i18n.message import Msg
from metricwatch.parts.evidence.model import Caption
from metricwatch.parts.kpis.collect import KPIS
from metricwatch.parts.registry import all_parts
from metricwatch.render.figures import figure_bundle, static_img
from metricwatch.render.html import finalize_html, plotly_js, script_hashes
from metricwatch.render.quarto_project import front_matter
from metricwatch.report.notebook import _sections, bundle, section_blocks
from metricwatch.result import MonitoringResult

# any text but lone surrogates (not encodable as UTF-8, so never in a file or a store)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60)
HARMLESS = "x"
_PLOTLY_JS = plotly_js().replace("</script", "<\\/script")
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
_TMP = tempfile.mkdtemp(prefix="mw-escaping-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
IMAGE = Path(_TMP) / "evidence.png"
IMAGE.write_bytes(b"\x89PNG\r\n\x1a\n")


# --- a result with `s` in every text field -------------------------------------------------


def _fill(tp: Any, s: str, variant: int, name: str = "") -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return _fill(args[0], s, variant, name)
    if origin is typing.Literal:
        return args[variant % len(args)]
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _fill(options[variant % len(options)], s, variant, name)
    if origin in (list, typing.List, tuple, set, frozenset):  # noqa: UP006
        item = args[0] if args else str
        return [_fill(item, s, variant, name), _fill(item, s, variant + 1, name)]
    if origin is dict or tp is dict:
        if not args:
            return {}
        return {_fill(args[0], s, variant, name): _fill(args[1], s, variant, name)}
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model(tp, s, variant)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return list(tp)[variant % len(tp)]
    if tp is str or tp is Any:
        return s
    if tp is bool:
        return variant % 2 == 0
    if tp is int:
        return 3
    if tp is float:
        return 0.25
    if tp is datetime:
        return WHEN
    if tp is date:
        return WHEN.date()
    if tp is Path:
        return IMAGE
    return None


def _caption(s: str, variant: int) -> Caption:
    """A caption of the catalogue (rotating with variant) whose parameters are all s."""
    keys = sorted(k for k in i18n.catalogue("en") if k.startswith("evidence.shows."))
    key = keys[variant % len(keys)]
    fields = {f for _, f, _, _ in string.Formatter().parse(i18n.catalogue("en")[key]) if f}
    return Caption(key=key.removeprefix("evidence.shows."), params=dict.fromkeys(fields, s))


def _message(s: str, variant: int) -> Msg:
    """A stored message (a reason, a note): a catalogue key whose parameters are all s; the
    value-as-it-is key first, then one sentence around its parameters."""
    cat = i18n.catalogue("en")

    def fields(key: str) -> list[tuple[str, str]]:
        return [(f, spec) for _, f, spec, _ in string.Formatter().parse(cat[key]) if f]

    sentences = sorted(
        k for k in cat if len(fields(k)) > 0 and all(not spec for _, spec in fields(k))
    )
    key = "words.plain" if variant % 2 == 0 else sentences[variant % len(sentences)]
    return Msg(key=key, params={f: s for f, _ in fields(key)})


def _model(cls: type[BaseModel], s: str, variant: int) -> BaseModel:
    if cls is Caption:  # a key of the catalogue; its parameters are the user strings
        return _caption(s, variant)
    if cls is Msg:  # likewise
        return _message(s, variant)
    values = {}
    for name, field in cls.model_fields.items():
        if cls is MonitoringResult and name == "parts":
            values[name] = {}  # filled per registered part, by its own model (hostile_result)
            continue
        if "path" in name or name in ("commit", "sha256"):
            # a real (tiny) image, so the evidence figures with their alt and caption render
            values[name] = _fill(field.annotation, str(IMAGE), variant, name)
            continue
        values[name] = _fill(field.annotation, s, variant, name)
    if values.get("why") and "why_params" in cls.model_fields:  # a reason code: its parameters
        text = i18n.catalogue("en")[f"{cls.why_key}.{values['why']}"]  # type: ignore[attr-defined]
        values["why_params"] = {f: s for _, f, _, _ in string.Formatter().parse(text) if f}
    return cls.model_construct(**values)


def hostile_result(s: str, variant: int) -> MonitoringResult:
    result = _model(MonitoringResult, s, variant)
    # every registered part's result, each filled through its own model
    parts = {p.name: _model(p.key.model, s, variant) for p in all_parts()}
    result = result.model_copy(update={"parts": parts})
    # the KPI trend plot and the value cells are keyed by the canonical metric names
    kpis = result.get(KPIS)
    if kpis is not None:
        point = next(iter(kpis.trends.values()))
        row_value = next(iter(kpis.rows[0].values.values()))
        rows = [r.model_copy(update={"values": {"rmse": row_value}}) for r in kpis.rows]
        update = {"trends": {"rmse": point, "qwk": point}, "rows": rows}
        parts = {**result.parts, "kpis": kpis.model_copy(update=update)}
        result = result.model_copy(update={"parts": parts})
    meta = result.meta.model_copy(update={"lang": "en", "generated_at": WHEN})
    return result.model_copy(update={"meta": meta})


# --- rendering and parsing -----------------------------------------------------------------


def render(result: MonitoringResult) -> tuple[str, list[Any]]:
    """The finalized page of every section (as the notebook shows them) and the figures."""
    parts, figures = [], []
    for name in _sections():
        for block in section_blocks(result, name):
            if isinstance(block, Figure):
                figures.append(block.figure)
                parts.append(figure_bundle(block.figure, static=False, alt=block.alt)["text/html"])
            else:
                parts.append(bundle(block)["text/html"])
    body = "\n".join(parts)
    page = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'
    # plotly.js (4.6 MB, ours, inlined once) is cut out again: parsing it would only cost time
    return finalize_html(page).replace(_PLOTLY_JS, "", 1), figures


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.structure: list[tuple[str, tuple[str, ...]]] = []
        self.text: list[str] = []
        self._raw = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.structure.append((tag, tuple(sorted(name for name, _ in attrs))))
        if tag in ("script", "style"):
            self._raw += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._raw -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw:
            self.text.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


@cache
def harmless_structure(variant: int) -> list[tuple[str, tuple[str, ...]]]:
    return parse(render(hostile_result(HARMLESS, variant))[0]).structure


def plotly_strings(node: Any, key: str = "") -> list[str]:
    """Every string plotly.js will draw as text (templates and hover formats excluded)."""
    if key == "template" or key.endswith("template"):
        return []
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in plotly_strings(v, k)]
    if isinstance(node, list | tuple):
        return [s for v in node for s in plotly_strings(v, key)]
    return []


# --- the properties ------------------------------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(TEXT)
def test_every_user_string_in_the_report_stays_text(s: str) -> None:
    for variant in (0, 1):
        page, figures = render(hostile_result(s, variant))
        parsed = parse(page)
        assert parsed.structure == harmless_structure(variant), "markup came from the input"
        assert s in "".join(parsed.text) or s.strip() in "".join(parsed.text)
        for fig in figures:
            for text in plotly_strings(fig.to_plotly_json()):
                assert "<" not in text and ">" not in text, text


def markdown_page(result: MonitoringResult) -> str:
    """Every section's Markdown form (what Quarto reads), as one document."""
    parts = []
    for name in _sections():
        for block in section_blocks(result, name):
            if not isinstance(block, Figure):
                parts.append(bundle(block)["text/markdown"])
    return "\n\n".join(parts)


def pandoc_html(markdown: str) -> str:
    """The Markdown read by Pandoc, Quarto's reader (raw HTML and attributes included)."""
    import pypandoc

    return pypandoc.convert_text(markdown, "html", format="markdown")


def _words(text: str) -> str:
    return " ".join(text.split())


@cache
def harmless_markdown_structure(variant: int) -> frozenset[tuple[str, tuple[str, ...]]]:
    return frozenset(parse(pandoc_html(markdown_page(hostile_result(HARMLESS, variant)))).structure)


@settings(max_examples=10, deadline=None)
@given(TEXT)
def test_every_user_string_in_the_markdown_stays_text(s: str) -> None:
    for variant in (0, 1):
        parsed = parse(pandoc_html(markdown_page(hostile_result(s, variant))))
        # a line break in user text is shown as one
        new = set(parsed.structure) - harmless_markdown_structure(variant) - {("br", ())}
        assert not new, f"markup came from the input: {new}"
        shown = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in s)
        assert _words(shown) in _words("".join(parsed.text))


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_plot_text_is_escaped_for_plotly_and_html(s: str) -> None:
    for text in (plot_text(s), *plot_labels([s, s])):
        assert "<" not in text and ">" not in text
    assert plot_text(s).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == s


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_static_image_alt_stays_an_attribute(s: str) -> None:
    parsed = parse(static_img("iVBORw0KGgo=", s))
    assert parsed.structure == [("img", ("alt", "class", "src", "style"))]
    assert not parsed.text


@settings(max_examples=30, deadline=None)
@given(TEXT)
def test_figure_json_in_the_page_cannot_close_its_script(s: str) -> None:
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=[s], y=[1]), layout={"title": s})
    html = figure_bundle(fig, static=False, alt=s)["text/html"]
    parsed = parse(html)
    assert [t for t, _ in parsed.structure] == ["div", "div", "div", "div", "script"]
    assert json.loads(json.dumps(fig.to_plotly_json(), default=str))  # still a valid figure


def test_the_report_page_carries_a_strict_content_security_policy() -> None:
    page, _ = render(hostile_result(HARMLESS, 0))
    head = page[: page.index("</head>")]
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
    assert meta is not None
    policy = {}
    for part in meta.group(1).split(";"):
        name, _, sources = part.strip().partition(" ")
        policy[name] = sources
    assert policy["default-src"] == "'none'"
    # scripts: only the page's own, each by its hash (no 'unsafe-inline' for injected ones)
    # (render() cut plotly.js out of the page after finalizing, so compare counts, not digests)
    scripts = policy["script-src"].split()
    assert len(scripts) == len(script_hashes(page)) >= 1
    assert all(src.startswith("'sha256-") for src in scripts), scripts
    for directive in ("script-src", "style-src", "img-src", "connect-src"):
        sources = policy[directive]
        assert "'unsafe-eval'" not in sources
        assert not any(src.startswith(("http", "//", "*")) for src in sources.split()), sources
    # no external script or stylesheet survives finalizing, even one a renderer added
    cdn = '<script src="https://cdn.example/plotly.js"></script><link href="//cdn.example/x.css">'
    final = finalize_html(f"<html><head>{cdn}</head><body></body></html>")
    assert "cdn.example" not in final


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_quarto_title_is_plain_text_for_pandoc(s: str) -> None:
    # Pandoc reads the front matter's title as Markdown (raw HTML included): every ASCII
    # punctuation character is escaped, and the YAML reads back exactly
    front = front_matter(s, "en")
    assert front.startswith("---\n") and front.endswith("\n---")
    meta = yaml.safe_load(front[4:-4])
    assert meta == {"title": literal(s), "lang": "en"}
    shown = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in s)
    assert re.sub(r"\\(.)", r"\1", meta["title"], flags=re.S) == shown
    assert not re.search(r"(?<!\\)(\\\\)*[<>*_\[\]`]", meta["title"].replace("\\\\", ""))
