"""The embedded demo: built for real (git + DVC + MLflow) and checked from the outside."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from scipy.spatial.distance import jensenshannon

from metricwatch.cli import main
from metricwatch.config import load_config
from metricwatch.demo.builder import MARKER, prepare_dir
from metricwatch.errors import MetricwatchError

TAGS = ["v1.0.0", "v1.0.1", "v1.0.2", "v1.0.3"]
HASHED = ("data/raw/students.csv", "data/current/batch.csv", "data/processed", "models/model.pkl")


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    """stderr with rich's line wrapping undone."""
    return " ".join(capsys.readouterr().err.split())


def _git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60, check=True
    )
    return out.stdout


def _lock(repo: Path, tag: str) -> dict:
    return yaml.safe_load(_git(repo, "show", f"{tag}:dvc.lock"))


def _hashes(repo: Path, tag: str) -> dict[str, str]:
    """path -> md5 of every out and dep in the tag's dvc.lock, plus the .dvc-tracked data."""
    found = {}
    for stage in _lock(repo, tag)["stages"].values():
        for entry in [*stage.get("outs", []), *stage.get("deps", [])]:
            found[entry["path"]] = entry["md5"]
    return found


def _cached_outs(repo: Path, tag: str) -> dict[str, str]:
    spec = yaml.safe_load(_git(repo, "show", f"{tag}:dvc.yaml"))
    cached = {o for s in spec["stages"].values() for o in s.get("outs", []) if isinstance(o, str)}
    return {p: h for p, h in _hashes(repo, tag).items() if p in cached}


def _on_remote(remote: Path, md5: str) -> bool:
    path = remote / "files" / "md5" / md5[:2] / md5[2:]
    if not path.is_file():
        return False
    if md5.endswith(".dir"):
        return all(_on_remote(remote, e["md5"]) for e in json.loads(path.read_text()))
    return True


@pytest.fixture(scope="session")
def demo(demo_build: Path) -> Path:
    """The run's demo as build_demo left it (tests/conftest.py); these tests only read it."""
    return demo_build


@pytest.fixture(scope="session")
def runs(demo: Path) -> dict[str, mlflow.entities.Run]:
    client = mlflow.MlflowClient(f"sqlite:///{demo / 'mlflow.db'}")
    exps = client.search_experiments()
    found = client.search_runs([e.experiment_id for e in exps], max_results=100)
    return {r.data.tags.get("version", f"<untagged {r.info.run_id}>"): r for r in found}


@pytest.mark.slow
def test_layout_and_release_tags(demo: Path) -> None:
    for name in ("metricwatch.yaml", "mlflow.db", "project", "remote", "build.log", MARKER):
        assert (demo / name).exists(), name
    project = demo / "project"
    assert _git(project, "tag", "--list").split() == TAGS
    assert _git(project, "branch", "--show-current").strip() == "main"
    assert _git(project, "status", "--porcelain") == ""  # the build leaves a clean work tree
    # the remote is outside the git work tree
    top = Path(_git(project, "rev-parse", "--show-toplevel").strip())
    assert not (demo / "remote").resolve().is_relative_to(top)
    config = (project / ".dvc" / "config").read_text()
    assert str((demo / "remote").resolve()) in config
    pins = (project / "requirements.txt").read_text().splitlines()[1:]
    assert pins and all("==" in line for line in pins)
    assert any(line.startswith("scikit-learn==") for line in pins)


@pytest.mark.slow
def test_store_holds_runs_for_every_release_but_v1_0_2(
    runs: dict[str, mlflow.entities.Run],
) -> None:
    assert sorted(runs) == ["v1.0.0", "v1.0.1", "v1.0.3"]
    assert runs["v1.0.0"].data.tags["stage"] == "baseline"
    assert runs["v1.0.1"].data.tags["stage"] == "candidate"
    for run in runs.values():
        assert set(run.data.metrics) >= {"rmse", "qwk", "train_time_s", "data_drift_pct"}


@pytest.mark.slow
def test_runs_carry_model_metrics_json_and_release_lineage(
    demo: Path, runs: dict[str, mlflow.entities.Run]
) -> None:
    project = demo / "project"
    client = mlflow.MlflowClient(f"sqlite:///{demo / 'mlflow.db'}")
    for tag, run in runs.items():
        tags = run.data.tags
        artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
        assert {"model", "metrics.json"} <= artifacts, tag
        assert [a.path for a in client.list_artifacts(run.info.run_id, "model")] == [
            "model/model.pkl"
        ]
        # artifacts live beside the store, never inside the git work tree
        assert run.info.artifact_uri.startswith((demo / "mlartifacts").as_uri())
        assert (
            tags["mlflow.source.git.commit"]
            == _git(project, "rev-parse", f"{tag}^{{commit}}").strip()
        )
        assert tags["metricwatch.git.dirty"] == "false"
        lock = _hashes(project, tag)
        lineage = {
            **json.loads(tags["metricwatch.lineage.outs"]),
            **json.loads(tags["metricwatch.lineage.deps"]),
        }
        assert set(HASHED) <= set(lineage), tag
        assert all(lineage[p] == lock[p] for p in lineage), tag
        locked_params = {
            f"{section}.{k}": str(v)
            for stage in _lock(project, tag)["stages"].values()
            for sections in stage.get("params", {}).values()
            for section, body in sections.items()
            for k, v in body.items()
        }
        assert run.data.params == locked_params, tag


@pytest.mark.slow
def test_remote_has_pushed_releases_and_lacks_v1_0_3(demo: Path) -> None:
    project, remote = demo / "project", demo / "remote"
    for tag in ("v1.0.0", "v1.0.1", "v1.0.2"):
        outs = _cached_outs(project, tag)
        assert set(outs) == {"data/processed", "models/model.pkl"}
        assert all(_on_remote(remote, h) for h in outs.values()), tag
    latest = _cached_outs(project, "v1.0.3")
    assert latest and not any(_on_remote(remote, h) for h in latest.values())


@pytest.mark.slow
def test_v1_0_3_breaches_the_rmse_and_train_time_thresholds_by_a_wide_margin(
    runs: dict[str, mlflow.entities.Run],
) -> None:
    base, bad = runs["v1.0.0"].data.metrics, runs["v1.0.3"].data.metrics
    better = runs["v1.0.1"].data.metrics
    assert bad["rmse"] > 1.1 * base["rmse"]
    assert bad["train_time_s"] >= 3 * base["train_time_s"]
    assert better["rmse"] < base["rmse"] and better["qwk"] > base["qwk"]
    assert base["data_drift_pct"] == 0.0 and bad["data_drift_pct"] == 20.0


def _drifted(ref: pd.Series, cur: pd.Series) -> bool:
    """Two-sample test at p < 0.05 plus JS distance >= 0.1 (scipy's implementations)."""
    if pd.api.types.is_numeric_dtype(ref):
        p = stats.ks_2samp(ref, cur).pvalue
        edges = np.unique(np.quantile(ref, np.linspace(0, 1, 11)))
        a = np.histogram(np.clip(ref, edges[0], edges[-1]), edges)[0]
        b = np.histogram(np.clip(cur, edges[0], edges[-1]), edges)[0]
    else:
        cats = sorted(set(ref) | set(cur))
        a = ref.value_counts().reindex(cats, fill_value=0).to_numpy()
        b = cur.value_counts().reindex(cats, fill_value=0).to_numpy()
        p = stats.chi2_contingency(np.vstack([a, b]))[1]
    return bool(p < 0.05 and jensenshannon(a / a.sum(), b / b.sum(), base=2) >= 0.1)


@pytest.mark.slow
def test_current_batch_drifts_in_exactly_two_features_and_the_target(demo: Path) -> None:
    cfg = yaml.safe_load((demo / "metricwatch.yaml").read_text())
    reference = pd.read_csv(demo / cfg["drift"]["reference"])
    current = pd.read_csv(demo / cfg["drift"]["current"])
    target = cfg["drift"]["target"]
    drifted = {c for c in reference.columns if c != target and _drifted(reference[c], current[c])}
    assert drifted == {"study_hours", "school_type"}
    assert _drifted(reference[target].astype(str), current[target].astype(str))


@pytest.mark.slow
def test_demo_config_passes_config_check(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", "-c", str(demo / "metricwatch.yaml")]) == 0
    assert "is valid" in _err(capsys)
    cfg = load_config(demo / "metricwatch.yaml")
    assert cfg.tracking_uri() == f"sqlite:///{(demo / 'mlflow.db').resolve()}"
    assert cfg.project_path == (demo / "project").resolve()
    assert cfg.baseline.selector() == {"tag": {"stage": "baseline"}}
    assert cfg.dvc.remote == "storage" and cfg.report.lang == "en"
    assert cfg.repro.rev == "v1.0.1"  # the newest release whose data was pushed


@pytest.mark.slow
def test_second_build_gives_the_same_data_and_model_hashes(
    demo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = tmp_path_factory.mktemp("demo2") / "demo"
    assert main(["demo", str(again)]) == 0  # the second build goes through the CLI
    first, second = demo / "project", again / "project"
    for tag in TAGS:
        a, b = _hashes(first, tag), _hashes(second, tag)
        assert {p: a[p] for p in HASHED} == {p: b[p] for p in HASHED}, tag
        ma = json.loads(_git(first, "show", f"{tag}:reports/metrics.json"))
        mb = json.loads(_git(second, "show", f"{tag}:reports/metrics.json"))
        # train_time_s is the only volatile value
        assert {k: v for k, v in ma.items() if k != "train_time_s"} == {
            k: v for k, v in mb.items() if k != "train_time_s"
        }


def test_refuses_a_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["demo", str(tmp_path)]) == 1
    err = _err(capsys)
    assert "folder is not empty" in err and "--force" in err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_force_replaces_only_a_previous_demo(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(MetricwatchError, match="not a metricwatch demo"):
        prepare_dir(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    old = tmp_path / "old-demo"
    old.mkdir()
    (old / MARKER).write_text("metricwatch demo\n")
    (old / "stale.txt").write_text("from the last build")
    prepare_dir(old, force=True)
    assert sorted(p.name for p in old.iterdir()) == [MARKER]


def test_refuses_a_file_as_dir(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(MetricwatchError, match="not a folder"):
        prepare_dir(target, force=True)
