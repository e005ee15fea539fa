"""The embedded demo's registry, system metrics, datasets and plots, read back through the readers
and checked with the pure checks (the session's demo, tests/conftest.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from metricwatch.config import Config, load_config
from metricwatch.demo.builder import MODEL
from metricwatch.parts.integrity.dvc_items import read_release_files
from metricwatch.parts.integrity.model_registry import (
    registered_version_item,
    resolve_registry_baseline,
)
from metricwatch.parts.integrity.training_data import training_data_item
from metricwatch.parts.kpis.baseline import resolve_baseline
from metricwatch.parts.kpis.trends import CPU_KEYS, MEMORY_KEYS, system_usage
from metricwatch.render.plot_pair import side_by_side
from metricwatch.sources.dvc_plots import load_dvc_plots
from metricwatch.sources.mlflow_history import system_metric_history
from metricwatch.sources.mlflow_inputs import run_datasets
from metricwatch.sources.mlflow_registry import get_model_version, read_registry_listing
from metricwatch.sources.mlflow_runs import RunSet, load_runs
from metricwatch.sources.views import DvcSource, MlflowSource

pytestmark = pytest.mark.slow
RELEASES_WITH_RUNS = ("v1.0.0", "v1.0.1", "v1.0.3")


@pytest.fixture(scope="module")
def cfg(demo_dir: Path) -> Config:
    return load_config(demo_dir / "metricwatch.yaml")


@pytest.fixture(scope="module")
def runs(cfg: Config) -> RunSet:
    return load_runs(MlflowSource.of(cfg))


def run_of(runs: RunSet, tag: str) -> str:
    (run,) = [r for r in runs.runs if r.tags.get("version") == tag]
    return run.run_id


def commit_of(cfg: Config, tag: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(cfg.project_path), "rev-parse", f"{tag}^{{commit}}"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return out.stdout.strip()


def test_champion_is_todays_baseline_and_challenger_is_v1_0_3(cfg: Config, runs: RunSet) -> None:
    today = resolve_baseline(cfg, runs)  # the demo's config: {stage: baseline}
    champion = resolve_registry_baseline(cfg, runs, MODEL, alias="champion")
    assert champion.run_id == today.run_id == run_of(runs, "v1.0.0")
    assert (champion.model, champion.version, champion.alias) == (MODEL, "1", "champion")
    assert champion.selector == f"model {MODEL}@champion (version 1)"
    challenger = get_model_version(MlflowSource.of(cfg), MODEL, alias="challenger")
    assert (challenger.version, challenger.run_id) == ("3", run_of(runs, "v1.0.3"))
    assert challenger.tags == {"version": "v1.0.3"}


def test_every_release_run_is_a_registered_version(cfg: Config, runs: RunSet) -> None:
    listing = read_registry_listing(MlflowSource.of(cfg), [r.run_id for r in runs.runs])
    reasons = {
        tag: registered_version_item(run_of(runs, tag), listing, MODEL)
        for tag in RELEASES_WITH_RUNS
    }
    assert {t: i.status for t, i in reasons.items()} == dict.fromkeys(RELEASES_WITH_RUNS, "ok")
    assert reasons["v1.0.0"].reason == f"{MODEL} version 1 @champion"
    assert reasons["v1.0.1"].reason == f"{MODEL} version 2"
    assert reasons["v1.0.3"].reason == f"{MODEL} version 3 @challenger"
    assert reasons["v1.0.0"].text("es") == f"{MODEL} versión 1 @champion"
    gone = registered_version_item(None, listing, MODEL)
    assert gone.text("es") == "no hay run de MLflow que buscar"


def test_system_metrics_give_peak_memory_and_cpu(cfg: Config, runs: RunSet) -> None:
    keys = [*MEMORY_KEYS, *CPU_KEYS]
    ids = {tag: run_of(runs, tag) for tag in RELEASES_WITH_RUNS}
    history = system_metric_history(MlflowSource.of(cfg), {rid: keys for rid in ids.values()})
    for tag, rid in ids.items():
        usage = system_usage(rid, tag, history[rid])
        assert usage.samples >= 1, tag
        assert usage.peak_memory_mb is not None and usage.peak_memory_mb > 0, tag
        assert usage.peak_cpu_pct is not None, tag


def test_training_data_is_the_tags_data(cfg: Config, runs: RunSet) -> None:
    ids = {tag: run_of(runs, tag) for tag in RELEASES_WITH_RUNS}
    releases = read_release_files(cfg.project_path, {t: commit_of(cfg, t) for t in ids})
    datasets = run_datasets(MlflowSource.of(cfg), ids.values())
    for tag, rid in ids.items():
        names = sorted(d.name for d in datasets[rid])
        assert names == ["data/current/batch.csv", "data/raw/students.csv"], tag
        item = training_data_item(datasets[rid], releases[tag], tag)
        assert item.status == "ok", (tag, item.reason)
        assert item.text("es").startswith("2 dataset(s) = los datos del tag: data/"), tag
    # v1.0.3 trained on the drifted batch, which v1.0.0's tag does not hold
    crossed = training_data_item(datasets[ids["v1.0.3"]], releases["v1.0.0"], "v1.0.0")
    assert crossed.status == "fail" and crossed.reason.startswith(
        "data/current/batch.csv: the run's data "
    )
    assert crossed.text("es").startswith("data/current/batch.csv: los datos del run ")


def test_confusion_matrices_of_v1_0_0_and_v1_0_3_side_by_side(cfg: Config) -> None:
    base, last = load_dvc_plots(DvcSource.of(cfg), ["v1.0.0", "v1.0.3"])
    plot_id = "reports/plots/confusion.csv"
    left, right = base.plot(plot_id), last.plot(plot_id)
    assert left is not None and right is not None
    assert (left.template, left.x, left.files[0].y) == ("confusion", "actual", "predicted")
    fig = side_by_side(("v1.0.0", left), ("v1.0.3", right))
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert [sum(map(sum, h.z)) for h in heatmaps] == [1000, 1000]  # the 1,000-row test split
    assert heatmaps[0].z != heatmaps[1].z
    assert list(heatmaps[0].x) == ["0", "1", "2", "3"]
