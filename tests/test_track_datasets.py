"""log_lineage's MLflow datasets on a real git + DVC repo and SQLite store, read back and checked
against the tag's DVC files ("training data = the tag's data")."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest
import yaml
from support.mlflow_fixtures import make_cfg
from support.repos import commit_all, dvc, git, init_repo

from metricwatch.parts.integrity.dvc_items import read_release_files
from metricwatch.parts.integrity.training_data import training_data_item
from metricwatch.sources.mlflow_inputs import run_datasets
from metricwatch.sources.views import MlflowSource
from metricwatch.track import log_lineage
from metricwatch.track_datasets import dvc_dataset, dvc_tracked

pytestmark = pytest.mark.slow

DVC_YAML = {
    "stages": {
        "train": {
            "cmd": "python train.py",
            "deps": ["train.py", "data/raw/a.csv", "data/images"],
            "outs": ["model.bin"],
        }
    }
}
TRAIN = 'import pathlib; pathlib.Path("model.bin").write_bytes(pathlib.Path("data/raw/a.csv").read_bytes())\n'


def _dvc_md5(repo: Path, dvc_file: str) -> str:
    return yaml.safe_load((repo / dvc_file).read_text())["outs"][0]["md5"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_repo(tmp_path_factory.mktemp("datasets") / "repo")
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "a.csv").write_text("x,y\n1,2\n")
    (root / "data" / "images").mkdir()
    (root / "data" / "images" / "1.txt").write_text("one")
    dvc(root, "add", "data/raw/a.csv", "data/images")
    (root / "train.py").write_text(TRAIN)
    (root / "dvc.yaml").write_text(yaml.safe_dump(DVC_YAML))
    dvc(root, "repro")
    commit_all(root, "v1", tag="v1")
    return root


def new_run(store: str, tmp_path: Path) -> str:
    client = mlflow.MlflowClient(store)
    exp = client.create_experiment(
        f"e-{tmp_path.name}", artifact_location=(tmp_path / "art").as_uri()
    )
    return client.create_run(exp).info.run_id


def test_dvc_tracked(repo: Path) -> None:
    assert dvc_tracked(repo, "data/raw/a.csv")
    assert dvc_tracked(repo, "data/images")
    assert dvc_tracked(repo, "data/images/1.txt")  # inside a dvc-added folder
    assert not dvc_tracked(repo, "train.py")


def test_log_lineage_logs_the_dvc_tracked_inputs(repo: Path, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'm.db'}"
    run_id = new_run(store, tmp_path)
    lineage = log_lineage(repo=repo, run_id=run_id, tracking_uri=store)  # HEAD is tag v1
    raw, images = _dvc_md5(repo, "data/raw/a.csv.dvc"), _dvc_md5(repo, "data/images.dvc")
    assert lineage.datasets == {"data/raw/a.csv": raw, "data/images": images}
    got = run_datasets(MlflowSource.of(make_cfg(store, tmp_path)), [run_id])[run_id]
    assert sorted((d.name, d.digest, d.source, d.source_type, d.context) for d in got) == [
        ("data/images", images, "dvc://data/images@v1", "dvc", "training"),
        ("data/raw/a.csv", raw, "dvc://data/raw/a.csv@v1", "dvc", "training"),
    ]
    rel = read_release_files(repo, {"v1": git(repo, "rev-parse", "v1").stdout.strip()})["v1"]
    item = training_data_item(got, rel, "v1")
    assert item.status == "ok" and item.reason.startswith("2 dataset(s) = the tag's data")
    # logging again (the release flow relabels the run) adds nothing
    log_lineage("v1", repo=repo, run_id=run_id, tracking_uri=store)
    assert len(run_datasets(MlflowSource.of(make_cfg(store, tmp_path)), [run_id])[run_id]) == 2


def test_changed_data_is_the_workspace_and_fails_the_check(repo: Path, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'm.db'}"
    run_id = new_run(store, tmp_path)
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    data = repo / "data" / "raw" / "a.csv"
    original = data.read_text()
    git(repo, "tag", "-d", "v1")  # HEAD without a tag: the rev is the commit or the workspace
    try:
        data.write_text(original + "5,6\n")
        lineage = log_lineage(repo=repo, run_id=run_id, tracking_uri=store, outs=[])
    finally:
        data.write_text(original)
        git(repo, "tag", "-a", "v1", "-m", "v1", head)
    got = {
        d.name: d
        for d in run_datasets(MlflowSource.of(make_cfg(store, tmp_path)), [run_id])[run_id]
    }
    assert got["data/raw/a.csv"].source == "dvc://data/raw/a.csv@workspace"
    assert got["data/images"].source == f"dvc://data/images@{head}"  # unchanged: the commit's
    rel = read_release_files(repo, {"v1": head})["v1"]
    item = training_data_item(list(got.values()), rel, "v1")
    tag_md5 = _dvc_md5(repo, "data/raw/a.csv.dvc")
    assert item.status == "fail"
    assert item.reason == (
        f"data/raw/a.csv: the run's data {lineage.datasets['data/raw/a.csv']} ≠ the tag's {tag_md5}"
    )


def test_changed_data_under_the_heads_tag_is_the_workspace(repo: Path, tmp_path: Path) -> None:
    """Mid-pipeline on a tagged HEAD (the next release's data not committed yet)."""
    store = f"sqlite:///{tmp_path / 'm.db'}"
    run_id = new_run(store, tmp_path)
    data = repo / "data" / "raw" / "a.csv"
    original = data.read_text()
    try:
        data.write_text(original + "7,8\n")
        lineage = log_lineage(repo=repo, run_id=run_id, tracking_uri=store, outs=[])
    finally:
        data.write_text(original)
    assert lineage.version == "v1"  # git describe: HEAD still carries v1
    got = {
        d.name: d.source
        for d in run_datasets(MlflowSource.of(make_cfg(store, tmp_path)), [run_id])[run_id]
    }
    assert got == {
        "data/raw/a.csv": "dvc://data/raw/a.csv@workspace",
        "data/images": "dvc://data/images@v1",
    }


def test_datasets_can_be_turned_off(repo: Path, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'm.db'}"
    run_id = new_run(store, tmp_path)
    lineage = log_lineage(repo=repo, run_id=run_id, tracking_uri=store, datasets=False)
    assert lineage.datasets == {}
    assert run_datasets(MlflowSource.of(make_cfg(store, tmp_path)), [run_id])[run_id] == []


def test_the_dataset_source_loads_through_dvc(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    ds = dvc_dataset("data/raw/a.csv", _dvc_md5(repo, "data/raw/a.csv.dvc"), "v1")
    target = ds.source.load(dst_path=str(tmp_path))
    assert Path(target).read_text() == "x,y\n1,2\n"
    assert ds.source.to_dict() == {"uri": "dvc://data/raw/a.csv@v1"}
    assert type(ds.source).from_dict(ds.source.to_dict()).to_dict() == ds.source.to_dict()
