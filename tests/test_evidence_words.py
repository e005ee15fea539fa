"""The evidence result stores messages: the section words a missing image's reason, the notes and
why images are not reused in the report's language; JSON keeps the English; an older result
(plain strings) reads back."""

from __future__ import annotations

from datetime import UTC, datetime

from metricwatch.doc.blocks import Notice, Paragraph
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import plain
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.evidence.images import ImageCheckError
from metricwatch.parts.evidence.mlflow_pages import PageCheckError
from metricwatch.parts.evidence.model import Caption, EvidenceItem, EvidenceReport
from metricwatch.parts.evidence.section import build
from metricwatch.result import MonitoringResult
from metricwatch.runfacts import ReportMeta

NO_STATUS = [msg("evidence.why.no_status"), plain(" ("), msg("words.plain", text="✅"), plain(")")]


def _report() -> EvidenceReport:
    items = [
        EvidenceItem(name="mlflow_runs.png", kind="mlflow", status="skipped",
                     shows=Caption(key="runs_list_any"), why=[msg("evidence.why.no_browser")]),
        EvidenceItem(name="dvc_status.png", kind="terminal", status="skipped",
                     shows=Caption(key="status_any"), why=NO_STATUS),
    ]  # fmt: skip
    remarks = [[msg("evidence.note.not_run", command="git tag -n")]]
    reuse_why = [msg("evidence.reuse.not_reusable"), msg("evidence.nokey.runs"), plain(".")]
    return EvidenceReport(images_dir="/x/imgs", items=items, captured_at=datetime.now(UTC),
                          duration_s=1.5, remarks=remarks, reuse_why=reuse_why)  # fmt: skip


def _shown(rep: EvidenceReport, lang: str) -> str:
    meta = ReportMeta(project="p", project_path="/p", generated_at=datetime.now(UTC))
    result = MonitoringResult(meta=meta, parts={"evidence": rep})
    blocks = build(result, lang)  # type: ignore[arg-type]
    return "\n".join(b.text for b in blocks if isinstance(b, Notice | Paragraph))


def test_the_section_words_reasons_notes_and_reuse_in_the_report_language() -> None:
    rep = EvidenceReport.model_validate_json(_report().model_dump_json())  # metrics.json and back
    english, spanish = _shown(rep, "en"), _shown(rep, "es")
    assert "mlflow_runs.png — " in english and ": no browser" in english
    assert "no `dvc status` in the transcript (✅)" in english
    assert "`git tag -n` not run" in english
    assert "These images will not be reused: the MLflow runs could not be read." in english
    assert ": sin navegador" in spanish
    assert "no hay `dvc status` en la transcripción (✅)" in spanish
    assert "`git tag -n` no ejecutado" in spanish
    assert "Estas imágenes no se reutilizarán: no se pudieron leer los runs de MLflow." in spanish
    for phrase in ("no browser", "not run", "in the transcript", "will not be reused"):
        assert phrase not in spanish


def test_json_keeps_the_english_and_an_older_result_reads_back() -> None:
    data = _report().model_dump(mode="json")
    assert [i["reason"] for i in data["items"]] == [
        "no browser", "no `dvc status` in the transcript (✅)"
    ]  # fmt: skip
    assert data["notes"] == ["`git tag -n` not run"]
    assert (
        data["reuse_note"] == "These images will not be reused: the MLflow runs could not be read."
    )
    older = {k: v for k, v in data.items() if k not in ("remarks", "reuse_why")}
    older["items"] = [{k: v for k, v in i.items() if k != "why"} for i in data["items"]]
    back = EvidenceReport.model_validate(older)
    assert back.model_dump(mode="json")["notes"] == data["notes"]
    assert back.reuse_note == data["reuse_note"]
    assert [i.reason for i in back.items] == [i["reason"] for i in data["items"]]
    assert back.items[0].text("es") == "no browser"  # plain English: its words were not kept
    none = EvidenceReport.model_validate({**older, "notes": [], "reuse_note": None})
    assert none.remarks == [] and none.reuse_why == [] and none.reuse_note is None


def test_a_page_or_image_check_keeps_its_words_for_the_report() -> None:
    where = "http://127.0.0.1:5000/#/experiments/1"
    page = PageCheckError(
        [msg("evidence.page.load_timeout", name="mlflow_runs.png", secs="3", where=where)]
    )
    blank = ImageCheckError([msg("evidence.image.blank", stddev="0.00")])
    assert str(page).startswith(
        "mlflow_runs.png: timed out after 3 s: the MLflow page never finished loading ("
    )
    assert str(blank) == "the image is blank (pixel standard deviation 0.00)"
    item = EvidenceItem(name="mlflow_runs.png", kind="mlflow", status="failed",
                        shows=Caption(key="runs_list_any"), why=page.why)  # fmt: skip
    assert item.reason == str(page)
    assert item.text("es").startswith(
        "mlflow_runs.png: se agotó el tiempo tras 3 s: la página de MLflow nunca terminó de cargar"
    )
    assert words_text(blank.why, "es") == (
        "la imagen está en blanco (desviación estándar de píxeles 0.00)"
    )
