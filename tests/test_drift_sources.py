"""Data sources for drift: PATH@REV through DVC (workspace and cache untouched), Parquet batches."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.configs import make_config
from support.repos import commit_all, dvc, git, init_repo

from metricwatch.config import parse_config
from metricwatch.errors import SourceError
from metricwatch.parts.drift.collect import run_drift
from metricwatch.parts.drift.text import binning_text
from metricwatch.sources.datasets import parse_spec, read_frame
from metricwatch.sources.views import DvcSource


def _tree_hashes(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _data(n: int, shift: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x": rng.normal(shift, 1, n), "c": rng.choice(["a", "b"], n)})


HERE = {"project": {"path": "."}}  # the project is the config's folder


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("drift-dvc")
    project = init_repo(base / "project", remote=base / "remote")
    (project / "data").mkdir()
    _data(600, 0.0, 1).to_csv(project / "data" / "ref.csv", index=False)
    dvc(project, "add", "data/ref.csv")
    commit_all(project, "v1 data", tag="v1")
    dvc(project, "push")
    _data(600, 2.0, 2).to_csv(project / "data" / "ref.csv", index=False)
    dvc(project, "add", "data/ref.csv")
    commit_all(project, "v2 data", tag="v2")
    dvc(project, "push")
    return project


@pytest.mark.slow
def test_path_at_rev_reads_the_old_version_without_touching_anything(repo: Path) -> None:
    source = DvcSource.of(make_config(repo, HERE))
    status_before = git(repo, "status", "--porcelain", "--ignored").stdout
    work_before = (repo / "data" / "ref.csv").read_bytes()
    cache_before = _tree_hashes(repo / ".dvc" / "cache")
    old = read_frame(source, parse_spec(source, "data/ref.csv@v1"))
    new = read_frame(source, parse_spec(source, "data/ref.csv"))
    assert len(old) == 600
    assert old["x"].mean() == pytest.approx(0.0, abs=0.2)
    assert new["x"].mean() == pytest.approx(2.0, abs=0.2)
    assert git(repo, "status", "--porcelain", "--ignored").stdout == status_before
    assert (repo / "data" / "ref.csv").read_bytes() == work_before
    assert _tree_hashes(repo / ".dvc" / "cache") == cache_before


@pytest.mark.slow
def test_path_at_rev_streams_from_the_remote_when_the_cache_lacks_it(
    repo: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    cfg = make_config(
        clone,
        HERE,
        drift={"reference": "data/ref.csv@v1", "current": "data/ref.csv@v2", "target": None},
    )
    assert not (clone / ".dvc" / "cache").exists()
    report = run_drift(cfg, concept=False)
    assert not (clone / ".dvc" / "cache").exists() or not _tree_hashes(clone / ".dvc" / "cache")
    assert git(clone, "status", "--porcelain").stdout == ""
    assert report.reference == "data/ref.csv@v1" and report.current == "data/ref.csv@v2"
    assert report.drifted_features == ["x"]
    assert report.dataset_drift_pct == 50.0


@pytest.mark.slow
def test_unknown_rev_or_untracked_path_is_a_clear_error(repo: Path) -> None:
    source = DvcSource.of(make_config(repo, HERE))
    with pytest.raises(SourceError, match=r"data/nope\.csv@v1: data/nope\.csv is not tracked"):
        read_frame(source, parse_spec(source, "data/nope.csv@v1"))
    with pytest.raises(SourceError, match=r"data/ref\.csv@v9: revision 'v9' does not exist in "):
        read_frame(source, parse_spec(source, "data/ref.csv@v9"))


@pytest.mark.slow
def test_data_missing_from_cache_and_remote_says_so(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    dvc(clone, "remote", "modify", "--local", "local", "url", str(tmp_path / "empty-remote"))
    source = DvcSource.of(make_config(clone, HERE))
    with pytest.raises(SourceError, match=r"neither in the DVC cache nor on the remote"):
        read_frame(source, parse_spec(source, "data/ref.csv@v1"))


def test_parquet_in_batches_matches_in_memory(tmp_path: Path) -> None:
    ref, cur = _data(20_000, 0.0, 3), _data(20_000, 0.3, 4)
    ref.to_parquet(tmp_path / "ref.parquet", row_group_size=3000)
    cur.to_parquet(tmp_path / "cur.parquet", row_group_size=3000)
    cfg = parse_config(
        {"drift": {"reference": "ref.parquet", "current": "cur.parquet"}},
        str(tmp_path / "m.yaml"),
        tmp_path,
    )
    whole = run_drift(cfg, concept=False)
    batched = run_drift(cfg, concept=False, batch_rows=2500)
    assert whole.mode == "in memory" and batched.mode == "batches"
    assert "uniform random sample" in binning_text(batched)
    assert "uniform random sample" not in binning_text(whole)
    a, b = ({f.name: f for f in r.features} for r in (whole, batched))
    # the sample is the whole reference here (20k < 200k rows): identical numbers
    for name in ("x", "c"):
        assert b[name].model_dump() == a[name].model_dump()
    assert batched.drifted_features == whole.drifted_features == ["x"]
