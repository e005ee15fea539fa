"""The report's History section and its page-1 line, on three renders recorded the real way.

The shared demo is collected once (KPIs, integrity, drift); three renders are then made the way
`metricwatch report` makes them (History data computed before the render records its own
snapshot, through the real store): the first before the release tag v1.0.3 existed, the second
with it, the third with a stricter QWK bound and a looser train-time one (a new breach and a
resolved one). Blocks and HTML are built from the results, no notebook is executed. The tests on
the demo are `slow` (the shared demo, collected once for the module); the others need no project.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.configs import make_config
from support.history_data import flag, snapshot

from metricwatch.config import Config, ThresholdRule, load_config
from metricwatch.doc.blocks import Figure
from metricwatch.i18n import catalogue
from metricwatch.parts.history.collect import collect_history
from metricwatch.parts.history.model import HistoryReport
from metricwatch.parts.history.report_view import history_of
from metricwatch.parts.history.section import summary_line
from metricwatch.parts.history.view import history_view
from metricwatch.parts.integrity.model import INTEGRITY
from metricwatch.parts.kpis.collect import KPIS
from metricwatch.pipeline.evaluate import evaluated
from metricwatch.pipeline.record import record_snapshot
from metricwatch.pipeline.run import run_pipeline
from metricwatch.report.notebook import as_html, section_blocks
from metricwatch.result import MonitoringResult
from metricwatch.runfacts import ReportMeta
from metricwatch.sources.history_db.db import history_path

PARTS = ("kpis", "integrity", "drift")
NEW_TAG = "v1.0.3"


def _with(cfg: Config, **update: object) -> Config:
    return cfg.model_copy(update=update)


def with_history(cfg: Config, result: MonitoringResult) -> MonitoringResult:
    """The result with the history part collected (what the pipeline collects for a report)."""
    return result.model_copy(update={"parts": {**result.parts, "history": collect_history(cfg)}})


def _render(cfg: Config, result: MonitoringResult) -> MonitoringResult:
    """What build_report does around the render: the history part, then the snapshot."""
    meta = result.meta.model_copy(update={"generated_at": datetime.now(UTC)})
    result, _ = evaluated(result.model_copy(update={"meta": meta}), cfg, PARTS, "versions")
    shown = with_history(cfg, result)
    at = shown.meta.generated_at
    recorded = record_snapshot(cfg, shown, shown.flags, command="report", taken_at=at)
    assert recorded.snapshot_id is not None
    return shown


def _without_tag(result: MonitoringResult, tag: str) -> MonitoringResult:
    rep = result.get(INTEGRITY)
    assert rep is not None and tag in [t.tag for t in rep.tags]
    older = rep.model_copy(update={"tags": [t for t in rep.tags if t.tag != tag]})
    return result.model_copy(update={"parts": {**result.parts, "integrity": older}})


@pytest.fixture(scope="module")
def renders(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[MonitoringResult]:
    out = tmp_path_factory.mktemp("history-section")
    cfg = load_config(demo_dir / "metricwatch.yaml")
    cfg = _with(cfg, history=cfg.history.model_copy(update={"path": str(out / "h.sqlite")}))
    collected = run_pipeline(cfg, PARTS, scope="versions").result
    assert collected.errors == {}
    kpis = collected.get(KPIS)
    assert kpis is not None
    qwk = {r.version: r.values["qwk"].value for r in kpis.rows}
    assert qwk["v1.0.0"] < qwk["v1.0.1"]
    strict = dict(cfg.thresholds)  # the baseline's QWK now breaches, v1.0.1's still passes
    strict["qwk"] = strict["qwk"].model_copy(update={"min": (qwk["v1.0.0"] + qwk["v1.0.1"]) / 2})
    strict["train_time_s"] = ThresholdRule(max_ratio_to_baseline=1000.0)  # now passes
    return [
        _render(cfg, _without_tag(collected, NEW_TAG)),  # before the tag was made
        _render(cfg, collected),
        _render(_with(cfg, thresholds=strict), collected),
    ]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.slow
def test_the_third_render_shows_three_points_and_what_changed(
    renders: list[MonitoringResult],
) -> None:
    third = renders[2]
    view = history_of(third).view  # type: ignore[union-attr]
    assert view is not None and len(view.points) == 3
    assert [p.snapshot_id is None for p in view.points] == [False, False, True]  # itself last
    (fig,) = [b.figure for b in section_blocks(third, "history") if isinstance(b, Figure)]
    assert fig.data and all(len(trace.x) == 3 for trace in fig.data)
    assert {"rmse", "dataset drift (%)"} <= {a.text.lower() for a in fig.layout.annotations}
    html = as_html(third, ["summary", "history"])
    text = _text(html)
    assert "9. History" in text
    assert f"Release tags first seen in these renders: {NEW_TAG} (" in text
    assert "New breaches (1): ⚠ qwk v1.0.0:" in text
    assert "Resolved breaches (1): ✅ train_time_s v1.0.3" in text
    assert text.count("The row in bold is this report; times in UTC.") == 1
    table = re.search(r"<table[^>]*>(?:(?!</table>).)*Breaches.*?</table>", html, flags=re.S)
    assert table is not None
    body = re.findall(r"<tr\b([^>]*)>", table.group(0))[1:]  # the header row first
    assert len(body) == 3 and ["mw-strong" in attrs for attrs in body] == [False, False, True]
    line = summary_line(third, "en")
    previous = view.points[1].taken_at.strftime("%Y-%m-%d %H:%M UTC")
    assert line == f"Since the last render ({previous}): 1 new breach, 1 resolved"
    assert line in text  # on page 1


@pytest.mark.slow
def test_the_second_render_names_the_new_tag_and_its_breach(
    renders: list[MonitoringResult],
) -> None:
    diff = history_of(renders[1]).view.since_last  # type: ignore[union-attr]
    assert diff is not None and diff.new_tags == [NEW_TAG]
    assert ("integrity", NEW_TAG) in [(f.rule, f.version) for f in diff.new_breaches]
    text = _text(as_html(renders[1], ["history"]))
    assert f"New release tags (1): {NEW_TAG}" in text
    assert f"new tag {NEW_TAG}" in summary_line(renders[1], "en")  # type: ignore[operator]


@pytest.mark.slow
def test_the_first_render_says_history_starts_with_the_next(
    renders: list[MonitoringResult],
) -> None:
    first = renders[0]
    assert not history_of(first).view.has_history  # type: ignore[union-attr]
    blocks = section_blocks(first, "history")
    assert [b.plain() for b in blocks[1:]] == [  # type: ignore[union-attr]
        f"History starts with the next render: no earlier render is recorded in "
        f"{history_of(first).path}."  # type: ignore[union-attr]
    ]
    assert "no earlier render recorded" in summary_line(first, "en")  # type: ignore[operator]


@pytest.mark.slow
def test_the_database_lists_the_three_renders(renders: list[MonitoringResult]) -> None:
    cfg = load_config(Path(renders[0].meta.project_path).parent / "metricwatch.yaml")
    path = history_of(renders[0]).path  # type: ignore[union-attr]
    cfg = _with(cfg, history=cfg.history.model_copy(update={"path": path}))
    stored = history_view(cfg).points
    assert [p.snapshot_id for p in stored] == [1, 2, 3]
    assert [p.taken_at for p in stored] == [r.meta.generated_at for r in renders]  # as shown
    shown = history_of(renders[2]).view.points  # type: ignore[union-attr]
    assert [p.kpis for p in stored] == [p.kpis for p in shown]


def _english_words(lang_keys: list[str]) -> set[str]:
    en, es = catalogue("en"), catalogue("es")
    words = set()
    for key in lang_keys:
        theirs = set(re.findall(r"[a-z]{3,}", es[key].lower()))
        words |= {w for w in re.findall(r"[a-z]{3,}", en[key].lower()) if w not in theirs}
    return words


@pytest.mark.slow
def test_the_spanish_section_has_no_english_words(renders: list[MonitoringResult]) -> None:
    keys = [k for k in catalogue("en") if k.startswith("history.") or k == "report.s_history"]
    english = _english_words(keys)
    assert len(english) > 40  # the check sees the section's words
    for shown in renders[1:]:  # a new tag and a status breach; a new and a resolved breach
        es = shown.model_copy(update={"meta": shown.meta.model_copy(update={"lang": "es"})})
        text = _text(as_html(es, ["summary", "history"]))
        assert "9. Histórico" in text and "Desde el informe anterior (" in text
        section = text[text.index("9. Histórico") :]
        path = history_of(shown).path  # type: ignore[union-attr]
        for value in (path, "train_time_s", "qwk", "rmse", "integrity"):
            section = section.replace(value, " ")  # the project's own names, quoted as they are
        assert sorted(w for w in english if re.search(rf"\b{w}\b", section.lower())) == []


def _bare_result(cfg: Config) -> MonitoringResult:
    meta = ReportMeta(project="p", project_path=str(cfg.project_path),
                      generated_at=datetime.now(UTC))  # fmt: skip
    return MonitoringResult(meta=meta)


def test_a_corrupt_database_gives_a_report_whose_section_says_why(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, report={"output": "out"})
    path = history_path(cfg)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is no database" * 100)
    result = with_history(cfg, _bare_result(cfg))
    assert history_of(result).problem == "corrupt"  # type: ignore[union-attr]
    text = _text(as_html(result, ["summary", "history"]))
    assert f"No history in this report: {path} is not a readable SQLite database" in text
    assert "could not be read (see the History section)" in text
    assert "Traceback" not in text
    assert path.read_bytes() == b"this is no database" * 100


def test_a_locked_database_gives_a_report_whose_section_says_why(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, report={"output": "out"}, history={"timeout_s": 0.2})
    record_snapshot(cfg, _bare_result(cfg), [], command="report")
    holder = sqlite3.connect(history_path(cfg), isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")  # no reader gets in, even under WAL
        result = with_history(cfg, _bare_result(cfg))
    finally:
        holder.close()
    assert history_of(result).problem == "locked"  # type: ignore[union-attr]
    text = _text(as_html(result, ["history"]))
    assert "is locked by another process" in text
    es = result.model_copy(update={"meta": result.meta.model_copy(update={"lang": "es"})})
    assert "está bloqueada por otro proceso" in _text(as_html(es, ["history"]))


def test_history_off_is_one_sentence_and_no_summary_line(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, history={"enabled": False})
    result = with_history(cfg, _bare_result(cfg))
    assert summary_line(result, "en") is None
    assert "History is off" in _text(as_html(result, ["history"]))
    assert not history_path(cfg).exists()


def test_hostile_tag_and_rule_names_stay_text(tmp_path: Path) -> None:
    evil = '<img src=x onerror="alert(1)">'
    before = snapshot(0, tags={"v1": "ok"}, flags=[])
    then = snapshot(1, tags={"v1": "fail", evil: "ok"}, flags=[flag(f"<script>{evil}", evil)])
    cfg = make_config(tmp_path)
    stored = [before, then.model_copy(update={"commit": evil})]  # this render resolves the flag
    part = HistoryReport(path=f"{tmp_path}/<b>h.sqlite", stored=stored)
    passing = flag(f"<script>{evil}", evil, outcome="pass")
    result = _bare_result(cfg).model_copy(update={"parts": {"history": part}, "flags": [passing]})
    assert history_of(result).view.since_last.resolved_breaches  # type: ignore[union-attr]
    html = as_html(result, ["summary", "history"])
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=" in html  # named, as text
    (fig,) = [b.figure for b in section_blocks(result, "history") if isinstance(b, Figure)]
    assert all("<img" not in text for trace in fig.data for text in trace.text)
