"""DVC metrics across tags, on a real git + DVC repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.configs import make_config
from support.repos import commit_all, dvc, git, init_repo

from metricwatch.errors import SourceError
from metricwatch.sources.dvc_metrics import (
    DvcMetrics,
    DvcMetricsFile,
    DvcRevMetrics,
    diff_against,
    load_dvc_metrics,
)
from metricwatch.sources.views import DvcSource

pytestmark = pytest.mark.slow


def _metrics(repo: Path, baseline_rev: str | None) -> DvcMetrics:
    """load_dvc_metrics of `repo`, configured as the project."""
    return load_dvc_metrics(
        DvcSource.of(make_config(repo, project={"path": str(repo)})), baseline_rev
    )


DVC_YAML = """\
stages:
  train:
    cmd: python train.py
    deps:
      - train.py
    outs:
      - model.txt
    metrics:
      - metrics.json:
          cache: false
      - eval/scores.json
"""

TRAIN = """\
import json, os
os.makedirs("eval", exist_ok=True)
json.dump({{"rmse": {rmse}, "nested": {{"qwk": {qwk}}}}}, open("metrics.json", "w"))
json.dump({{"auc": {auc}}}, open("eval/scores.json", "w"))
open("model.txt", "w").write("model {rmse}")
"""


def _release(repo: Path, tag: str, rmse: float, qwk: float, auc: float) -> None:
    (repo / "train.py").write_text(TRAIN.format(rmse=rmse, qwk=qwk, auc=auc), encoding="utf-8")
    dvc(repo, "repro", "-q")
    commit_all(repo, f"release {tag}", tag=tag)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("dvc-metrics")
    repo = init_repo(base / "proj", remote=base / "remote")
    (repo / "dvc.yaml").write_text(DVC_YAML, encoding="utf-8")
    _release(repo, "v1.0.0", 0.50, 0.80, 0.90)
    # v1.0.0's cached eval/scores.json leaves the local cache and was never pushed
    shutil.rmtree(repo / ".dvc" / "cache")
    _release(repo, "v1.0.1", 0.45, 0.82, 0.91)
    _release(repo, "v1.0.2", 0.47, 0.82, 0.93)
    git(repo, "tag", "not-a-release")
    (repo / "train.py").write_text(TRAIN.format(rmse=0.40, qwk=0.85, auc=0.95), encoding="utf-8")
    dvc(repo, "repro", "-q")  # the workspace differs from every tag
    return repo


def _snapshot(repo: Path) -> dict[str, bytes]:
    """Every file outside .git and DVC's own scratch folder .dvc/tmp."""
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.parts and "tmp" not in p.relative_to(repo).parts[:2]
    }


def test_values_per_tag_and_workspace(repo: Path) -> None:
    m = _metrics(repo, "v1.0.0")
    assert [r.rev for r in m.revs] == ["v1.0.0", "v1.0.1", "v1.0.2", "workspace"]
    by = {r.rev: {f.path: f for f in r.files} for r in m.revs}
    assert by["v1.0.1"]["metrics.json"].values == {"rmse": 0.45, "nested.qwk": 0.82}
    assert by["v1.0.2"]["eval/scores.json"].values == {"auc": 0.93}
    assert by["workspace"]["metrics.json"].values == {"rmse": 0.40, "nested.qwk": 0.85}
    assert m.revs[0].commit == git(repo, "rev-list", "-n1", "v1.0.0").stdout.strip()


def test_cached_metrics_missing_from_cache_is_unavailable(repo: Path) -> None:
    m = _metrics(repo, "v1.0.0")
    scores = next(f for f in m.revs[0].files if f.path == "eval/scores.json")
    assert scores.status == "unavailable"
    assert scores.reason.startswith(
        "unavailable at v1.0.0: eval/scores.json is a DVC-cached output missing from the local cache"
    )
    ok = next(f for f in m.revs[0].files if f.path == "metrics.json")
    assert ok.status == "ok" and ok.values["rmse"] == 0.5


def test_diff_against_baseline_tag(repo: Path) -> None:
    m = _metrics(repo, "v1.0.0")
    d = {(x.rev, x.path, x.key): x for x in m.diffs}
    rmse = d[("v1.0.1", "metrics.json", "rmse")]
    assert (rmse.baseline, rmse.value, rmse.status) == (0.5, 0.45, "changed")
    assert rmse.change == pytest.approx(-0.05)
    assert d[("workspace", "metrics.json", "nested.qwk")].change == pytest.approx(0.05)
    assert d[("v1.0.2", "eval/scores.json", "*")].status == "unavailable"
    assert not any(x.rev == "v1.0.0" for x in m.diffs)


def test_regex_pattern_and_no_baseline(repo: Path) -> None:
    m = load_dvc_metrics(
        DvcSource.of(
            make_config(
                repo, project={"path": str(repo)}, tags={"pattern": r"^v1\.0\.[12]$", "regex": True}
            )
        ),
        "v9",
    )
    assert [r.rev for r in m.revs] == ["v1.0.1", "v1.0.2", "workspace"]
    assert m.baseline_rev is None and m.diffs == []
    assert "baseline 'v9' is not a matching git tag: no DVC metrics diff" in m.notes
    es = "la baseline 'v9' no es un tag de git que coincida: sin diff de métricas DVC"
    assert [r.text("es") for r in m.remarks] == [es]
    # a metrics.json saved before the notes were messages reads back with its English text
    old = {**m.model_dump(mode="json", exclude={"notes", "remarks"}), "notes": ["as it was"]}
    assert DvcMetrics.model_validate(old).notes == ["as it was"]
    assert DvcMetrics.model_validate(m.model_dump(mode="json")) == m


def test_repo_left_untouched(repo: Path) -> None:
    before = _snapshot(repo)
    status = git(repo, "status", "--porcelain").stdout
    refs = git(repo, "show-ref").stdout
    _metrics(repo, "v1.0.0")
    assert _snapshot(repo) == before
    assert git(repo, "status", "--porcelain").stdout == status
    assert git(repo, "show-ref").stdout == refs


def test_not_a_dvc_project(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a DVC project"):
        _metrics(tmp_path, None)


def test_diff_known_answers() -> None:
    base = DvcRevMetrics(
        rev="v1", commit=None, status="ok",
        files=[DvcMetricsFile(path="m.json", status="ok", values={"a": 1.0, "b": "x", "gone": 2})],
    )  # fmt: skip
    other = DvcRevMetrics(
        rev="v2", commit=None, status="ok",
        files=[DvcMetricsFile(path="m.json", status="ok", values={"a": 1.5, "b": "x", "new": 3})],
    )  # fmt: skip
    got = {d.key: (d.status, d.change) for d in diff_against(base, other)}
    assert got == {
        "a": ("changed", 0.5),
        "b": ("same", None),
        "gone": ("removed", None),
        "new": ("added", None),
    }


def test_missing_from_cache_but_on_remote_is_read_without_filling_the_cache(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "proj", remote=tmp_path / "remote")
    (repo / "dvc.yaml").write_text(DVC_YAML, encoding="utf-8")
    _release(repo, "v2.0.0", 0.3, 0.9, 0.97)
    dvc(repo, "push", "-q")
    shutil.rmtree(repo / ".dvc" / "cache")
    before = _snapshot(repo)
    m = _metrics(repo, "v2.0.0")
    scores = next(f for f in m.revs[0].files if f.path == "eval/scores.json")
    assert (scores.status, scores.values) == ("ok", {"auc": 0.97})  # DVC streams it from the remote
    assert _snapshot(repo) == before
    assert not (repo / ".dvc" / "cache").exists()
