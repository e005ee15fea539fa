"""metricwatch.vocab: one word list and one glyph per status, used everywhere."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from metricwatch import vocab
from metricwatch.alerts.formats import to_markdown
from metricwatch.doc.html import notice
from metricwatch.doc.table import status_badge
from metricwatch.i18n.words import plain
from metricwatch.parts.integrity.model import CheckItem, TagIntegrity
from metricwatch.parts.integrity.table import tag_status
from metricwatch.rules_model import Flag

SRC = Path(vocab.__file__).parent
GLYPHS = set(vocab.ICON.values()) | {vocab.BASELINE_MARK, vocab.BREACH_MARK, "◆", "❔", "⚠️"}


def test_every_status_has_one_distinct_glyph():
    assert set(vocab.ICON) == set(get_args(vocab.Status))
    assert len(set(vocab.ICON.values())) == len(vocab.ICON)
    assert vocab.BASELINE_MARK not in vocab.ICON.values()
    assert set(vocab.STYLE) == set(vocab.ICON)  # and one terminal colour


def test_an_unknown_word_shows_as_unknown_never_as_ok():
    assert vocab.icon("bogus") == vocab.ICON["unknown"]
    assert vocab.severity_icon("warn") == vocab.ICON["warn"]
    assert vocab.severity_icon("fail") == vocab.ICON["fail"]


def test_every_verdict_and_outcome_has_a_status():
    assert set(vocab.VERDICT_STATUS) == set(vocab.VERDICTS)
    assert set(vocab.OUTCOME_STATUS) == set(vocab.OUTCOMES)
    assert set(vocab.NO_VERDICT_OUTCOMES) <= set(vocab.OUTCOMES)
    assert vocab.COMMIT_VERDICTS.issubset(vocab.VERDICTS)
    assert set(vocab.STATUS_VALUES) == set(vocab.STATUS_METRICS)


def test_cli_report_and_alerts_draw_the_same_glyphs():
    warn = vocab.ICON["warn"]
    tag = TagIntegrity(
        tag="v1", commit=None, date=None, annotated=None, status="warn", why=[plain("params differ")],
        items=[],
    )  # fmt: skip
    assert tag_status(tag, "en").text == f"{warn} params differ"
    unknown = tag_status(tag.model_copy(update={"unknown_count": 2}), "en")
    assert (unknown.text, unknown.status) == (f"{vocab.ICON['unknown']} params differ", "unknown")
    failed = tag_status(tag.model_copy(update={"status": "fail", "unknown_count": 2}), "en")
    assert failed.text == f"{vocab.ICON['fail']} params differ (2 unknown)"
    assert status_badge("warn", "x").text == f"{warn} x"
    assert notice("careful", "warn").split(">", 1)[1].startswith(warn)
    flag = Flag(rule="r", metric="rmse", kind="max", severity="warn", outcome="breach")
    md = to_markdown([flag], project="p", exit_code=2, errors={})
    assert f"{vocab.ICON['unknown']} no verdict" in md and f"| {warn} " in md
    assert (
        CheckItem(name="git_tag", status="unknown", why=[plain("r")]).status in vocab.ITEM_STATUSES
    )


def _glyph_literals(path: Path) -> list[tuple[int, str]]:
    """String constants in a module (docstrings and comments aside) holding a status glyph."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and any(g in node.value for g in GLYPHS)
    ]


def test_no_module_but_vocab_writes_a_status_glyph():
    """Glyphs come from vocab.ICON; a literal elsewhere would be a second icon table."""
    allowed = {SRC / "vocab.py"}
    # glyphs inside sentences are wording (the message catalogue's), not status cells
    prose = ("integridad de versión ❌", "report are unknown (❓)", "(❓ rows say why")
    found = {
        f"{path.relative_to(SRC)}:{line}": text
        for path in sorted(SRC.rglob("*.py"))
        if path not in allowed
        for line, text in _glyph_literals(path)
        if not any(p in text for p in prose)
    }
    assert found == {}
