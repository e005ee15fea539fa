"""The report's HTML builders never let a user string become live markup."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from metricwatch.doc import html as h
from metricwatch.doc.table import Cell, Column, Table, status_badge

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "**bold** [link](javascript:alert(1))",
    "'; DROP TABLE runs; --",
    "ñandú 学习 🚀" * 50,
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


def parse(fragment: str) -> _Collector:
    c = _Collector()
    c.feed(fragment)
    return c


ALLOWED = {
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "p",
    "h3",
    "h4",
    "ul",
    "li",
    "pre",
    "code",
    "div",
}


def assert_inert(fragment: str) -> None:
    c = parse(fragment)
    assert set(c.tags) <= ALLOWED, c.tags
    assert all(not name.startswith("on") for name, _ in c.attrs)


@given(st.text())
def test_any_string_in_any_builder_stays_text(s: str) -> None:
    fragments = [
        Table(
            [s, Column(s, align="right")],
            [[s, Cell(s, status=s, css=s, note=s), status_badge("fail", s)]],
            css=s,
            notes=[s],
            strong=frozenset({0}),
        ).html(),
        h.para(s, css=s),
        h.heading(s, 3),
        h.bullets([s, s]),
        h.code(s, lang=s),
        h.notice(s, s),
    ]
    for fragment in fragments:
        assert_inert(fragment)


def test_hostile_strings_come_out_escaped() -> None:
    for s in HOSTILE:
        out = Table(["col"], [[s]]).html()
        assert "<script" not in out and "<img" not in out
        assert_inert(out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in h.para(HOSTILE[0])


def test_status_badges() -> None:
    assert status_badge("ok").text == "✅"
    assert status_badge("fail", "missing run").text == "❌ missing run"
    assert status_badge("weird").text == "❓"


def test_long_text_is_cut_in_the_middle_and_says_how_much() -> None:
    name = "start-" + "x" * 10_000 + "-end"
    cell = Table(["Run"], [[name]]).html()
    assert "start-" in cell and "-end" in cell
    assert f"[{len(name) - h.CELL_MAX:,} characters cut]" in cell
    assert len(cell) < 1000
    assert h.clip("short") == "short"
    assert len(h.clip(name, 100)) < 150
