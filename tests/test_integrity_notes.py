"""Integrity notes and "not run" reasons are stored as messages: the integrity section and the
rules word them in the report's language, JSON keeps the English, and a metrics.json saved
before (plain strings) reads back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from metricwatch.config import parse_config
from metricwatch.doc.blocks import Notice
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import joined
from metricwatch.parts.integrity.model import IntegrityReport
from metricwatch.parts.integrity.section import build
from metricwatch.pipeline.evaluate import evaluated
from metricwatch.result import MonitoringResult
from metricwatch.runfacts import ReportMeta

NO_MATCH = joined(
    [
        [msg("integrity.note.no_match", pattern="'v 1*'", n=3)],
        [msg("integrity.note.pattern_spaces")],
    ]
)


def _report() -> IntegrityReport:
    remarks = [NO_MATCH, [msg("integrity.note.no_dvc", repo="/p")]]
    return IntegrityReport(repo="/p", pattern="v 1*", regex=False, version_tag="version",
                           remote=None, remote_url=None, remote_available=None,
                           runs_available=True, remarks=remarks)  # fmt: skip


def _result(**kw: object) -> MonitoringResult:
    meta = ReportMeta(project="p", project_path="/p", generated_at=datetime.now(UTC))
    return MonitoringResult(meta=meta, **kw)  # type: ignore[arg-type]


def _notices(rep: IntegrityReport, lang: str) -> list[str]:
    blocks = build(_result(parts={"integrity": rep}), lang)  # type: ignore[arg-type]
    return [b.text for b in blocks if isinstance(b, Notice)]


def test_the_section_words_the_notes_in_the_report_language() -> None:
    rep = IntegrityReport.model_validate_json(_report().model_dump_json())  # metrics.json and back
    assert _notices(rep, "en") == [
        "no git tag matches 'v 1*' (3 tag(s) in the repository); git tag names cannot contain "
        "spaces, so this tags.pattern can never match: fix tags.pattern in metricwatch.yaml "
        "(e.g. 'v*')",
        "/p has no .dvc folder: not a DVC project (run `dvc init`)",
    ]
    assert _notices(rep, "es") == [
        "ningún tag de git cumple 'v 1*' (3 tag(s) en el repositorio); los nombres de tags de "
        "git no pueden contener espacios, así que este tags.pattern nunca coincidirá: corregir "
        "tags.pattern en metricwatch.yaml (p. ej. 'v*')",
        "/p no tiene carpeta .dvc: no es un proyecto DVC (ejecutar `dvc init`)",
    ]


def test_json_keeps_the_english_notes_and_an_older_report_reads_back() -> None:
    data = _report().model_dump(mode="json")
    assert data["notes"][1] == "/p has no .dvc folder: not a DVC project (run `dvc init`)"
    older = {k: v for k, v in data.items() if k != "remarks"}
    back = IntegrityReport.model_validate(older)
    assert back.notes == data["notes"]
    assert _notices(back, "es") == data["notes"]  # plain English: its words were not kept


def test_repro_not_run_by_check_is_worded_in_either_language() -> None:
    cfg = parse_config({}, "m.yaml", Path("."))
    result = _result(not_run={"repro": [msg("check.repro_not_run")]})
    shown, _ = evaluated(result, cfg, (), "candidate")
    repro = next(f for f in shown.flags if f.rule == "repro")
    assert repro.outcome == "no data"
    assert repro.reason == (
        "not run by this check (add --repro; `metricwatch repro` runs it on its own)"
    )
    assert repro.reason_in("es") == (
        "no ejecutado por esta comprobación (añadir --repro; `metricwatch repro` lo ejecuta por "
        "sí solo)"
    )
    older = MonitoringResult.model_validate(
        {**result.model_dump(mode="json"), "not_run": {"repro": "not run (an older check)"}}
    )
    again, _ = evaluated(older, cfg, (), "candidate")
    assert next(f for f in again.flags if f.rule == "repro").reason == "not run (an older check)"
