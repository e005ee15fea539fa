"""The notes a source or the registered baseline stores are messages: worded in the reader's
language, English in `notes`, and a result saved when they were English strings reads back."""

from __future__ import annotations

from metricwatch.i18n.message import msg
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
