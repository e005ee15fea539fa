"""Which MLflow pages are photographed: the runs list whenever there are runs, release runs marked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from metricwatch.config import parse_config
from metricwatch.parts.evidence.mlflow_pages import highlight_css
from metricwatch.parts.evidence.plan import MAX_LIST_ROWS, VERIFIED_ROWS, page_specs
from metricwatch.sources.mlflow_runs import RunRecord, RunSet

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def run(n: int, name: str, exp: str = "7", **tags: str) -> RunRecord:
    return RunRecord(
        run_id=f"{n:032x}", run_name=name, experiment_id=exp, experiment_name=f"exp{exp}",
        status="FINISHED", lifecycle_stage="active", start_time=T0 + timedelta(hours=n),
        end_time=None, params={}, metrics={"rmse": 0.5, "quadratic_weighted_kappa": 0.8},
        tags=tags, artifact_uri="",
    )  # fmt: skip


def runset(runs: list[RunRecord]) -> RunSet:
    return RunSet(tracking_uri="file:///s", store_kind="file", experiments=[], runs=runs)


CFG = parse_config({}, "t", Path("."))


def test_without_release_runs_the_runs_list_shows_the_newest_runs() -> None:
    runs = [run(n, name) for n, name in enumerate(["Ridge", "Forest", "Boost"] * 3)]
    (spec,) = page_specs(CFG, {}, runset(runs))  # no compare page, no run pages
    assert spec.name == "mlflow_runs.png" and spec.highlight == []
    assert spec.route == "/#/experiments/7/runs?workflowType=machine_learning"
    newest = sorted(runs, key=lambda r: r.start_time, reverse=True)[:VERIFIED_ROWS]
    assert spec.run_ids == [r.run_id for r in newest]
    assert spec.texts[-2:] == ["rmse", "quadratic_weighted_kappa"]  # the KPI columns
    assert "(no release run: every run, newest first)" in spec.shows.text()
    assert "(ningún run de versión: todos los runs" in spec.shows.text("es")


def test_release_runs_are_highlighted_and_every_experiment_gets_its_list() -> None:
    releases = {"v1": run(1, "a", version="v1"), "v2": run(2, "b", version="v2")}
    other = [run(3, "c", exp="8"), *(run(10 + n, f"x{n}") for n in range(MAX_LIST_ROWS))]
    specs = page_specs(CFG, releases, runset([*releases.values(), *other]))
    names = [s.name for s in specs]
    assert names == [
        "mlflow_runs.png",
        "mlflow_compare.png",
        "mlflow_run_v1.png",
        "mlflow_run_v2.png",
    ]
    runs_list = specs[0]
    assert runs_list.highlight == [r.run_id for r in releases.values()]
    assert "searchFilter=" in runs_list.route  # more than MAX_LIST_ROWS runs: the releases only
    assert page_specs(CFG, {}, runset(other))[1].name == "mlflow_runs_exp8.png"


def test_highlight_is_css_only_for_plain_run_ids() -> None:
    css = highlight_css(["ab12", 'x"]{}*{display:none'])
    assert css.startswith(
        '[role="row"][row-id="ab12"], [role="row"][row-id="ab12"] [role="gridcell"]'
    )
    assert "display:none" not in css and 'x"' not in css
    assert highlight_css([]) == "" and highlight_css(["a-b"]) == ""
