"""Known answers for "since the last render" and the History section's points; the view read
from a real database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.configs import make_config
from support.history_data import at, flag, snapshot

from metricwatch.parts.history.diff import ReproChange, TagChange, since_last
from metricwatch.parts.history.view import history_view, view_of
from metricwatch.sources.history_db.db import history_path, opened
from metricwatch.sources.history_db.fingerprint import fingerprint, judge
from metricwatch.sources.history_db.store import write_snapshot


def test_fingerprint_is_rule_and_version_not_value() -> None:
    a = flag("rmse", "v1.0.3", value=1.4)
    assert fingerprint(a) == fingerprint(flag("rmse", "v1.0.3", value=2.0, outcome="pass"))
    assert fingerprint(a) != fingerprint(flag("rmse", "v1.0.4"))
    assert fingerprint(a) != fingerprint(flag("qwk", "v1.0.3"))
    assert len(fingerprint(a)) == 16


def test_a_per_feature_flag_is_its_own_breach_and_keeps_its_feature() -> None:
    from metricwatch.rules_model import Flag
    from metricwatch.sources.history_db.flag_rows import _extra

    class FeatureFlag(Flag):  # what a per-feature rule's flag carries
        feature: str | None = None

    a = FeatureFlag(**flag("drift_js", "v1.0.3").model_dump(), feature="study_hours")
    b = FeatureFlag(**flag("drift_js", "v1.0.3").model_dump(), feature="age")
    assert fingerprint(a) != fingerprint(b) != fingerprint(flag("drift_js", "v1.0.3"))
    assert _extra(a) == '{"feature": "study_hours"}'  # stored until it has a column
    assert _extra(flag("rmse", "v1")) is None


@pytest.mark.parametrize(
    ("now", "verdict", "resolved"),
    [
        ([flag("rmse", "v1.0.3", "pass")], True, True),  # judged and passing
        ([flag("rmse", "v1.0.4", "pass")], True, True),  # a new candidate passes
        ([flag("rmse", "v1.0.3", "no data")], True, False),  # this one has no data
        ([flag("rmse", None, "no data")], True, False),  # the rule could not be judged
        ([flag("rmse", "v1.0.3", "no baseline")], True, False),
        ([flag("qwk", "v1.0.3", "pass")], True, False),  # rmse absent: not judged
        ([flag("rmse", "v1.0.3", "pass")], False, False),  # the run had no verdict
        ([flag("rmse", "v1.0.3")], True, False),  # still breaching
    ],
)
def test_when_a_breach_counts_as_resolved(now: list, verdict: bool, resolved: bool) -> None:
    old = flag("rmse", "v1.0.3")
    assert judge(now, verdict=verdict).resolves(fingerprint(old), "rmse") is resolved


def test_since_last_known_answer() -> None:
    before = snapshot(
        0,
        flags=[flag("rmse", "v1.0.3"), flag("integrity", "v1.0.2"), flag("qwk", "v1.0.3"),
               flag("train_time_s", "v1.0.3")],
        tags={"v1.0.0": "ok", "v1.0.1": "ok", "v1.0.2": "fail"},
        repro="identical",
    ).model_copy(update={"id": 7})  # fmt: skip
    now = snapshot(
        5,
        flags=[
            flag("rmse", "v1.0.3"),  # still breaching: neither new nor resolved
            flag("integrity", "v1.0.2", "pass"),  # fixed
            flag("integrity", "v1.0.4"),  # the new tag breaches
            flag("qwk", "v1.0.3", "no data"),  # unknown now: not resolved
            flag("train_time_s", "v1.0.3", "pass"),  # resolved
            flag("drift_pct", "v1.0.3"),  # new
        ],
        tags={"v1.0.0": "ok", "v1.0.1": "warn", "v1.0.2": "ok", "v1.0.4": "fail"},
        repro="differ",
    )
    diff = since_last(before, now)
    assert diff.previous_id == 7 and diff.current_id is None
    assert (diff.previous_at, diff.current_at) == (at(0), at(5))
    assert [(f.rule, f.version) for f in diff.new_breaches] == [
        ("integrity", "v1.0.4"),
        ("drift_pct", "v1.0.3"),
    ]
    assert [(f.rule, f.version) for f in diff.resolved_breaches] == [
        ("integrity", "v1.0.2"),
        ("train_time_s", "v1.0.3"),
    ]
    assert diff.integrity_changed == [
        TagChange(tag="v1.0.1", before="ok", after="warn"),
        TagChange(tag="v1.0.2", before="fail", after="ok"),
    ]
    assert diff.new_tags == ["v1.0.4"]
    assert diff.repro == ReproChange(
        before="identical", after="differ", rev_before="v1.0.1", rev_after="v1.0.1"
    )
    assert diff.changed


def test_nothing_changed_and_unchecked_parts_are_no_change() -> None:
    a = snapshot(0, tags={"v1.0.0": "ok"}, repro="identical")
    b = snapshot(1, tags=None, repro=None)  # a check: integrity and repro not run
    diff = since_last(a, b)
    assert not diff.changed
    assert diff.new_tags == [] and diff.integrity_changed == [] and diff.repro is None
    first_repro = since_last(b, a).repro
    assert first_repro == ReproChange(before=None, after="identical", rev_after="v1.0.1")


def test_points_and_view_of_three_renders() -> None:
    snaps = [
        snapshot(0, rmse=1.0, drift=0.0, flags=[]),
        snapshot(24, rmse=1.2, drift=10.0, flags=[flag("rmse", "v1.0.3")]),
        snapshot(48, rmse=1.45, drift=20.0,
                 flags=[flag("rmse", "v1.0.3"), flag("integrity", "v1.0.2")]),
    ]  # fmt: skip
    view = view_of(snaps[:2], current=snaps[2])
    assert view.has_history
    assert [p.kpis["rmse"] for p in view.points] == [1.0, 1.2, 1.45]
    assert [p.dataset_drift_pct for p in view.points] == [0.0, 10.0, 20.0]
    assert [(p.breaches, p.breaches_fail) for p in view.points] == [(0, 0), (1, 0), (2, 1)]
    assert {p.candidate for p in view.points} == {"v1.0.3"}
    assert view.points[-1].snapshot_id is None  # the current run, not stored yet
    assert view.since_last is not None
    assert [(f.rule, f.version) for f in view.since_last.new_breaches] == [("integrity", "v1.0.2")]
    one = view_of([], current=snaps[0])
    assert not one.has_history and one.since_last is None


def test_history_view_reads_the_newest_renders_from_the_file(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, report={"output": "out"})
    assert history_path(cfg) == tmp_path / "out" / "history.sqlite"
    assert history_view(cfg).points == []  # no database yet: an empty view, no file made
    assert not history_path(cfg).exists()
    with opened(history_path(cfg), timeout_s=5, source="m.yaml", write=True) as db:
        for h in range(4):
            write_snapshot(db, snapshot(h, rmse=1.0 + h / 10), keep=100)
        write_snapshot(db, snapshot(5, command="check", rmse=9.9), keep=100)
    view = history_view(cfg, last=3)
    assert [p.kpis["rmse"] for p in view.points] == [1.1, 1.2, 1.3]  # renders only
    assert [p.snapshot_id for p in view.points] == [2, 3, 4]
    assert view.since_last is not None and view.since_last.previous_id == 3
    with_current = history_view(cfg, last=3, current=snapshot(6, rmse=2.0))
    assert [p.kpis["rmse"] for p in with_current.points] == [1.2, 1.3, 2.0]
    every = history_view(cfg, last=2, commands=None)
    assert [p.command for p in every.points] == ["report", "check"]
