"""The notes a source or the registered baseline stores are messages: worded in the reader's
language, English in `notes`, and a result saved when they were English strings reads back."""

from __future__ import annotations

from metricwatch.i18n.message import msg
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.integrity.model_registry import RegistryBaseline

BASE = {
    "run_id": "abc123",
    "model": "student-performance",
    "version": "3",
    "alias": "champion",
    "selector": "model student-performance@champion (version 3)",
}


def test_a_registered_baseline_not_ready_is_worded_in_each_language() -> None:
    note = msg(
        "kpis.note.registry_not_ready", label=BASE["selector"], status="PENDING_REGISTRATION"
    )
    base = RegistryBaseline(**BASE, remarks=[note])
    assert base.notes == [
        "baseline (model student-performance@champion (version 3)) is not READY yet "
        "(status PENDING_REGISTRATION)"
    ]
    assert base.remarks[0].text("es") == (
        "la baseline (model student-performance@champion (version 3)) aún no está READY "
        "(estado PENDING_REGISTRATION)"
    )
    assert RegistryBaseline.model_validate(base.model_dump(mode="json")) == base


def test_a_baseline_saved_with_english_notes_reads_back_with_them() -> None:
    old = RegistryBaseline.model_validate({**BASE, "notes": ["as it was"]})
    assert old.notes == ["as it was"] and old.remarks[0].text("es") == "as it was"


def test_the_baseline_selector_is_worded_in_the_reports_language() -> None:
    """The selector the KPI section shows ("model X@champion (version 3)") is a message; a
    result saved when it was English text reads back with it as it was."""
    from metricwatch.parts.integrity.model_registry import describe
    from metricwatch.parts.kpis.baseline import BaselineChoice
    from metricwatch.parts.kpis.baseline import describe as describe_config

    said = describe("student-performance", "champion", None, resolved="3")
    base = RegistryBaseline(**{**BASE, "selector": None}, label=[said])
    assert base.selector == BASE["selector"]  # English, as the CLI and the JSON read it
    assert words_text(base.label, "es") == "modelo student-performance@champion (versión 3)"
    assert RegistryBaseline.model_validate(base.model_dump(mode="json")) == base
    assert RegistryBaseline.model_validate(BASE).label[0].text("es") == BASE["selector"]
    pinned = describe("student-performance", None, 2)
    assert (str(pinned), pinned.text("es")) == (
        "model student-performance version 2",
        "modelo student-performance versión 2",
    )
    tag = describe_config({"tag": {"stage": "baseline"}})
    choice = BaselineChoice(run_id="r1", label=[tag], configured=False)
    assert choice.selector == "tag stage=baseline"
    version = describe_config({"version": "v1.0.0"})
    assert (str(version), version.text("es")) == ("version v1.0.0", "versión v1.0.0")
    old = BaselineChoice.model_validate({"run_id": "r1", "selector": "version v1", "configured": 1})
    assert old.selector == "version v1" and old.label[0].text("es") == "version v1"
