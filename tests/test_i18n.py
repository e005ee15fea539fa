"""The message catalogue: both languages complete and consistent, and every key the code uses."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from metricwatch import i18n
from metricwatch.i18n.message import Msg, msg

SRC = Path(i18n.__file__).resolve().parents[1]
# a key passed literally to t()/tl()/msg(): t("report.s1", …), t(f"integrity.item.{name}", …)
KEY_USE = re.compile(
    r"""\b(?:t|tl|label|msg|i18n\.t|i18n\.label)\(\s*f?["']([a-z_]+\.[a-z_.{}]*)["']"""
)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    en, es = i18n.catalogue("en"), i18n.catalogue("es")
    assert len(en) > 100
    assert set(en) == set(es), set(en) ^ set(es)
    for key in en:
        assert fields(en[key]) == fields(es[key]), key


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    known = set(i18n.catalogue("en"))
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        used |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 50
    for key in used:
        if "{" in key:  # a family (integrity.item.{name}): at least one member exists
            prefix = key.split("{")[0]
            assert any(k.startswith(prefix) for k in known), key
        else:
            assert key in known, key


def test_t_fills_parameters_and_names_what_is_wrong() -> None:
    assert i18n.t("kpis.count", "es", n=3, exps="default") == (
        "3 run(s) en default, todos en la tabla siguiente."
    )
    assert i18n.t("report.s1", "es") == "1. KPIs del proyecto"
    with pytest.raises(KeyError, match="no message 'report.nope'"):
        i18n.t("report.nope", "es")
    with pytest.raises(KeyError, match="needs the parameter 'exps'"):
        i18n.t("kpis.count", "en", n=3)
    assert i18n.tl("appendix.advice", "es")[0].startswith("Fijar seeds")
    assert i18n.lang_of("es") == "es" and i18n.lang_of("fr") == "en"


def test_a_message_keeps_its_parameters_and_is_worded_in_either_language() -> None:
    m = msg("kpis.count", n=3, exps="default")
    assert m.text("es") == "3 run(s) en default, todos en la tabla siguiente."
    assert str(m) == m.text("en") and "3" in str(m) and "default" in str(m)
    # it survives JSON (metrics.json, the history database) unchanged
    assert Msg.model_validate_json(m.model_dump_json()) == m
    with pytest.raises(KeyError, match="no message 'kpis.nope'"):
        msg("kpis.nope")
    with pytest.raises(KeyError, match="needs the parameter.*exps"):
        msg("kpis.count", n=3)
