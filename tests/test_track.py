"""metricwatch.track on a real git + DVC repository and a real MLflow SQLite store."""

from __future__ import annotations

import json
import math
from pathlib import Path

import mlflow
import pytest
import yaml
from support.repos import commit_all, dvc, git, init_repo

from metricwatch.errors import MetricwatchError
from metricwatch.hashing import params_hash
from metricwatch.track import dvc_md5, log_kpis, log_lineage, pipeline_paths
from metricwatch.vocab import TAG_COMMIT, TAG_DEPS, TAG_DIRTY, TAG_OUTS, TAG_PARAMS_HASH

COPY_STAGE = """\
import shutil, pathlib
pathlib.Path("out").mkdir(exist_ok=True)
shutil.copy("data/raw/a.csv", "out/a.csv")
shutil.copy("data/raw/a.csv", "out/b.csv")
pathlib.Path("model.bin").write_bytes(b"model-" + pathlib.Path("data/raw/a.csv").read_bytes())
pathlib.Path("metrics.json").write_text('{"rmse": 1.0}')
"""

DVC_YAML = {
    "stages": {
        "build": {
            "cmd": "python copy_stage.py",
            "deps": ["copy_stage.py", "data/raw/a.csv"],
            "outs": ["out", "model.bin"],
            "metrics": [{"metrics.json": {"cache": False}}],
        }
    }
}


def _lock_hashes(repo: Path) -> dict[str, str]:
    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    found = {}
    for stage in lock["stages"].values():
        for entry in [*stage.get("outs", []), *stage.get("deps", [])]:
            found[entry["path"]] = entry["md5"]
    return found


@pytest.fixture(scope="module")
def pipeline_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git + DVC repo whose one stage has a folder output, a file output and a metric."""
    repo = init_repo(tmp_path_factory.mktemp("track") / "repo")
    (repo / "data" / "raw").mkdir(parents=True)
    (repo / "data" / "raw" / "a.csv").write_text("x,y\n1,2\n3,4\n")
    (repo / "copy_stage.py").write_text(COPY_STAGE)
    (repo / "dvc.yaml").write_text(yaml.safe_dump(DVC_YAML))
    dvc(repo, "repro")
    commit_all(repo, "pipeline", tag="v0.1.0")
    return repo


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mlflow.db'}"


@pytest.mark.slow
def test_dvc_md5_equals_the_hashes_dvc_recorded(pipeline_repo: Path) -> None:
    lock = _lock_hashes(pipeline_repo)
    assert lock["out"].endswith(".dir")
    for path in ("out", "model.bin", "data/raw/a.csv", "copy_stage.py"):
        assert dvc_md5(pipeline_repo / path) == lock[path], path


@pytest.mark.slow
def test_pipeline_paths_lists_cached_outputs_and_source_inputs(pipeline_repo: Path) -> None:
    outs, deps = pipeline_paths(pipeline_repo)
    assert outs == ["out", "model.bin"]  # metrics.json (cache: false) is not a lineage output
    assert deps == ["copy_stage.py", "data/raw/a.csv"]


@pytest.mark.slow
def test_log_lineage_in_an_active_run_matches_dvc_lock(pipeline_repo: Path, store: str) -> None:
    mlflow.set_tracking_uri(store)
    try:
        with mlflow.start_run() as run:
            mlflow.log_params({"build.lr": 0.1, "build.depth": 3})
            lineage = log_lineage(repo=pipeline_repo)
    finally:
        mlflow.set_tracking_uri("")
    tags = mlflow.MlflowClient(store).get_run(run.info.run_id).data.tags
    head = git(pipeline_repo, "rev-parse", "HEAD").stdout.strip()
    lock = _lock_hashes(pipeline_repo)
    assert tags["version"] == "v0.1.0"  # from git describe --exact-match
    assert tags[TAG_COMMIT] == head
    assert tags[TAG_DIRTY] == "false"
    assert tags[TAG_PARAMS_HASH] == params_hash({"build.lr": "0.1", "build.depth": "3"})
    outs, deps = json.loads(tags[TAG_OUTS]), json.loads(tags[TAG_DEPS])
    assert outs == {"out": lock["out"], "model.bin": lock["model.bin"]}
    assert deps == {
        "copy_stage.py": lock["copy_stage.py"],
        "data/raw/a.csv": lock["data/raw/a.csv"],
    }
    assert lineage.tags == {k: tags[k] for k in lineage.tags}


@pytest.mark.slow
def test_log_lineage_on_a_finished_run_with_explicit_version_and_dirty_tree(
    pipeline_repo: Path, store: str, tmp_path: Path
) -> None:
    client = mlflow.MlflowClient(store)
    exp = client.create_experiment("e", artifact_location=(tmp_path / "art").as_uri())
    run_id = client.create_run(exp).info.run_id
    client.set_terminated(run_id)
    scratch = pipeline_repo / "scratch.txt"
    scratch.write_text("uncommitted")
    try:
        lineage = log_lineage(
            "release-7",
            repo=pipeline_repo,
            run_id=run_id,
            tracking_uri=store,
            outs=["model.bin", "missing.bin"],
            deps=[],
        )
    finally:
        scratch.unlink()
    tags = client.get_run(run_id).data.tags
    assert tags["version"] == "release-7"
    assert tags[TAG_DIRTY] == "true"
    assert json.loads(tags[TAG_OUTS]) == {"model.bin": _lock_hashes(pipeline_repo)["model.bin"]}
    assert json.loads(tags[TAG_DEPS]) == {}
    assert lineage.dirty is True and lineage.params_hash == params_hash({})


@pytest.mark.slow
def test_log_lineage_without_a_run_says_what_to_do(pipeline_repo: Path) -> None:
    assert mlflow.active_run() is None
    with pytest.raises(MetricwatchError, match="no active MLflow run"):
        log_lineage(repo=pipeline_repo)


def test_log_lineage_outside_git_records_no_commit(tmp_path: Path, store: str) -> None:
    client = mlflow.MlflowClient(store)
    exp = client.create_experiment("e", artifact_location=(tmp_path / "art").as_uri())
    run_id = client.create_run(exp).info.run_id
    (tmp_path / "plain").mkdir()
    lineage = log_lineage(
        repo=tmp_path / "plain", run_id=run_id, tracking_uri=store, outs=[], deps=[]
    )
    tags = client.get_run(run_id).data.tags
    assert lineage.commit is None and TAG_COMMIT not in tags
    assert lineage.version is None and "version" not in tags


def test_log_kpis_logs_to_the_active_run_and_writes_metrics_json(
    tmp_path: Path, store: str
) -> None:
    mlflow.set_tracking_uri(store)
    target = tmp_path / "reports" / "metrics.json"
    try:
        with mlflow.start_run() as run:
            written = log_kpis(
                rmse=0.5,
                qwk=0.8,
                train_time_s=1.25,
                data_drift_pct=float("nan"),
                metrics_path=target,
            )
    finally:
        mlflow.set_tracking_uri("")
    metrics = mlflow.MlflowClient(store).get_run(run.info.run_id).data.metrics
    assert metrics["rmse"] == 0.5 and metrics["qwk"] == 0.8 and metrics["train_time_s"] == 1.25
    assert math.isnan(metrics["data_drift_pct"])
    assert json.loads(target.read_text()) == {
        "rmse": 0.5,
        "qwk": 0.8,
        "train_time_s": 1.25,
        "data_drift_pct": None,
    }
    assert written["data_drift_pct"] is None


def test_log_kpis_without_a_run_only_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    assert log_kpis(rmse=2.0, metrics_path=target) == {"rmse": 2.0}
    assert json.loads(target.read_text()) == {"rmse": 2.0}
