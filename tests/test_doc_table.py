"""The one table model (doc.table) and its renderers, and the parts' tables built once: the KPI,
integrity and thresholds tables agree between the report, the CLI and the CSV."""

from __future__ import annotations

import csv
import io

from rich.console import Console

from metricwatch.doc.table import Cell, Column, Table, status_badge
from metricwatch.doc.table_rich import to_rich
from metricwatch.doc.table_text import to_csv, to_markdown
from metricwatch.i18n.words import plain
from metricwatch.parts.integrity.model import CheckItem, IntegrityReport, TagIntegrity
from metricwatch.parts.integrity.table import checklist_table, correspondence_table
from metricwatch.parts.kpis.baseline import BaselineChoice
from metricwatch.parts.kpis.collect import KpiReport, KpiRow
from metricwatch.parts.kpis.dvc_table import dvc_table
from metricwatch.parts.kpis.metric_values import MetricValue
from metricwatch.parts.kpis.table import kpi_table
from metricwatch.rules_model import Flag
from metricwatch.rules_table import flags_table
from metricwatch.sources.dvc_metrics import (
    DvcMetricDiff,
    DvcMetrics,
    DvcMetricsFile,
    DvcRevMetrics,
)
from metricwatch.vocab import BASELINE_MARK, BREACH_MARK, ICON

HOSTILE = '<b>x</b> | a\\b "q" & \n2'


def _table() -> Table:
    cols = [Column("Name", key="name"), Column("Value", key="value", align="right"), "Empty"]
    rows = [
        [HOSTILE, Cell("0.5", status="fail", note="too high"), "—"],
        ["plain", None, ""],
    ]
    return Table(cols, rows, notes=["a note"], strong=frozenset({1}))


def test_cells_and_columns_are_normalized_and_selected_by_key() -> None:
    table = _table()
    assert table.headers() == ["Name", "Value", "Empty"]
    assert table.texts() == [[HOSTILE, "0.5", "—"], ["plain", "", ""]]
    picked = table.select(["value", "name", "nope"])
    assert picked.headers() == ["Value", "Name"] and picked.cells[0][0].status == "fail"
    assert picked.strong == table.strong and picked.notes == table.notes
    trimmed, dropped = table.without_empty()
    assert (trimmed.headers(), dropped) == (["Name", "Value"], ["Empty"])
    assert table.without_empty(keep=("Empty",))[1] == []
    assert status_badge("fail", "x") == Cell(f"{ICON['fail']} x", status="fail")


def test_html_escapes_and_carries_status_note_alignment_strong_rows_and_notes() -> None:
    html = _table().html()
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<td class="mw-fail" title="too high" style="text-align: right">0.5</td>' in html
    assert '<th style="text-align: right">Value</th>' in html
    assert '<tr class="mw-strong"><td>plain</td>' in html
    assert html.endswith('</table><p class="mw-small">a note</p>')
    assert "<colgroup>" in _table().markdown() and "```{=html}" in _table().markdown()


def test_csv_holds_the_texts_and_markdown_cannot_break_the_table() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_table()))))
    assert rows == [["Name", "Value", "Empty"], [HOSTILE, "0.5", "—"], ["plain", "", ""]]
    md = to_markdown(_table())
    lines = md.splitlines()
    assert lines[0] == "| Name | Value | Empty |" and lines[1] == "|---|---|---|"
    assert lines[2] == '| &lt;b&gt;x&lt;/b&gt; \\| a\\\\b "q" &amp;  2 | 0.5 | — |'
    assert lines[-1] == "> a note"


def test_rich_colours_statuses_and_never_reads_markup() -> None:
    console = Console(width=120, file=io.StringIO(), color_system=None)
    out = to_rich(console, "T", Table(["A"], [["[red]x[/red]"]]), records=False)
    console.print(out)
    assert "[red]x[/red]" in console.file.getvalue()  # type: ignore[attr-defined]


def _mv(value: float | None, state: str = "ok") -> MetricValue:
    return MetricValue(value=value, state=state, display="NaN" if value is None else f"{value}")  # type: ignore[arg-type]


def _row(name: str, run_id: str, rmse: MetricValue, *, baseline: bool = False) -> KpiRow:
    return KpiRow(
        run_id=run_id, run_id_short=run_id[:8], run_name=name, experiment="e", version="v1",
        stage=None, start_time=None, date="2026-12-06 11:22 UTC", status="FINISHED",
        is_baseline=baseline, values={"rmse": rmse}, metric_keys={"rmse": "rmse"}, extra={},
        params_hash=None,
    )  # fmt: skip


def _kpis() -> KpiReport:
    rows = [
        _row("base <b>", "a" * 32, _mv(0.4), baseline=True),
        _row("cand", "b" * 32, _mv(0.6)),
        _row("broken", "c" * 32, _mv(None, "nan")),
    ]
    return KpiReport(
        tracking_uri="sqlite:///m.db", store_kind="sqlite", experiments=["e"], timezone="UTC",
        columns=["rmse"], extra_columns=[], rows=rows, baseline_run_id="a" * 32,
        baseline=BaselineChoice(run_id="a" * 32, label=[plain("tag stage=baseline")], configured=False),
        trends={}, system=[], dvc_metrics=None, deleted_excluded=0, skipped=[],
    )  # fmt: skip


def test_the_kpi_table_is_one_table_in_every_view() -> None:
    rep = _kpis()
    flag = Flag(rule="rmse", metric="rmse", kind="max_ratio", severity="warn", outcome="breach",
                run_id="b" * 32, message="worse", action="look")  # fmt: skip
    report = kpi_table(rep, "en", flags=[flag], view="report")
    cli = kpi_table(rep, "en", view="cli")
    csv_view = kpi_table(rep, "en", view="csv")
    assert report.headers() == ["Date", "Run Name", "Run ID", "Version", "RMSE", "Params hash"]
    assert cli.headers()[:6] == ["Date", "Run name", "Run ID", "Version", "Stage", "RMSE"]
    assert csv_view.headers()[:4] == ["Date", "Run name", "Run ID", "Run ID (full)"]
    # the same baseline mark and strong row everywhere, from the vocabulary
    assert report.texts()[0][1] == f"base <b> {BASELINE_MARK} baseline"
    assert cli.texts()[0][-1] == f"{BASELINE_MARK} baseline" == csv_view.texts()[0][-1]
    assert report.strong == cli.strong == frozenset({0})
    # a breached value is marked in the report; a NaN is unknown in every view
    assert report.cells[1][4] == Cell(f"0.6 {BREACH_MARK}", status="warn", note="worse → look")
    assert report.cells[2][4].status == cli.cells[2][5].status == "unknown"
    assert [r[5] for r in cli.texts()] == ["0.4", "0.6", "NaN"] == [r[6] for r in csv_view.texts()]
    assert kpi_table(rep, "es", view="report").headers()[0] == "Fecha"
    assert '<td class="mw-baseline">base &lt;b&gt; ★ baseline</td>' in report.html()


def _integrity(unknown: int) -> IntegrityReport:
    items = [CheckItem(name="git_tag", status="ok", why=[plain("tag v1 exists")]),
             CheckItem(name="mlflow_run", status="unknown", why=[plain("store down")])]  # fmt: skip
    tag = TagIntegrity(tag="v1", commit="c" * 40, date=None, annotated=True, status="warn",
                       why=[plain("store down")], items=items, run_id="r" * 32, experiment="e",
                       unknown_count=unknown)  # fmt: skip
    return IntegrityReport(repo=".", pattern="v*", regex=False, version_tag="version", remote=None,
                           remote_url=None, remote_available=None, runs_available=False,
                           tags=[tag])  # fmt: skip


def test_integrity_tables_agree_between_report_and_cli() -> None:
    rep = _integrity(unknown=1)
    report, cli = correspondence_table(rep, "en"), correspondence_table(rep, "en", full_ids=True)
    assert report.texts()[0][3] == cli.texts()[0][3] == f"{ICON['unknown']} store down"
    assert report.texts()[0][1] == "r" * 12 and report.cells[0][1].note == "r" * 32
    assert cli.texts()[0][1] == "r" * 32
    one, every = checklist_table(rep, "en", rep.tags[0]), checklist_table(rep, "en")
    assert [r[1:] for r in every.texts()] == one.texts()
    assert [r[0] for r in every.texts()] == ["v1", ""]
    assert correspondence_table(rep, "es").headers()[2] == "Experimento"


def test_the_thresholds_table_words_every_outcome_alike_in_report_and_check() -> None:
    flags = [
        Flag(rule="rmse", metric="rmse", kind="max", severity="warn", outcome="breach",
             run_id="b" * 32, message="worse", action="look", reason="0.6 > 0.5"),
        Flag(rule="qwk", metric="qwk", kind="min", severity="fail", outcome="no data",
             message="no qwk", baseline=0.81234),
    ]  # fmt: skip
    report, cli = flags_table(flags, "en"), flags_table(flags, "en", view="cli")
    assert "Run" in cli.headers() and "Run" not in report.headers()
    assert report.texts()[0][-2:] == [f"{ICON['warn']} breach", "worse: 0.6 > 0.5 → look"]
    assert report.texts()[1][-2:] == [f"{ICON['unknown']} no data", "no qwk"]
    assert report.texts()[1][4] == "0.8123" and cli.texts()[0][2] == "b" * 8
    assert [r[-2:] for r in cli.texts()] == [r[-2:] for r in report.texts()]


def test_the_dvc_table_shows_the_same_diff_rows_in_the_report_and_the_cli() -> None:
    def rev(name: str, rmse: float) -> DvcRevMetrics:
        files = [DvcMetricsFile(path="m.json", status="ok", values={"rmse": rmse})]
        return DvcRevMetrics(rev=name, commit=None, status="ok", files=files)

    down = DvcRevMetrics(rev="v3", commit=None, status="unavailable", reason="no lock at v3")
    diff = DvcMetricDiff(rev="v2", path="m.json", key="rmse", baseline=0.4, value=0.4123456789,
                         change=0.0123456789, status="changed")  # fmt: skip
    dm = DvcMetrics(repo=".", baseline_rev="v1", revs=[rev("v1", 0.4), rev("v2", 0.4123456789),
                    down], diffs=[diff])  # fmt: skip
    report, cli = dvc_table(dm, "en").texts(), dvc_table(dm, "en", view="cli").texts()
    assert report == [["v2", "m.json", "rmse", "0.4", "0.412346", "+0.0123457", "changed"]]
    assert cli == [
        ["v1", "m.json", "rmse", "—", "0.4", "—", "baseline"],
        report[0],
        ["v3", "—", "—", "—", "—", "—", "no lock at v3"],
    ]
    assert dvc_table(dm, "es").texts()[0][-1] == "cambió"
