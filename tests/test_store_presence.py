"""Is the tracking store there? DVC-tracked stores (pulled or not) in real git + DVC repos."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.configs import make_config
from support.repos import commit_all, dvc, init_repo

from metricwatch.i18n.words import text as words_text
from metricwatch.sources.store_presence import (
    MissingStore,
    dvc_tracked_stores,
    looks_like_store,
    missing_store,
)
from metricwatch.sources.views import MlflowSource

META = "experiment_id: '1'\nname: grades\nlifecycle_stage: active\nartifact_location: x\n"


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose file store data/mlflow and SQLite mlflow.db are `dvc add`-ed, pushed and
    committed; the work tree holds both (a copy per test removes them as a fresh clone would)."""
    base = tmp_path_factory.mktemp("tracked")
    repo = init_repo(base / "course", remote=base / "remote")
    exp = repo / "data" / "mlflow" / "1"
    exp.mkdir(parents=True)
    (exp / "meta.yaml").write_text(META)
    (repo / "mlflow.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    dvc(repo, "add", "-q", "data/mlflow", "mlflow.db")
    dvc(repo, "push", "-q")
    commit_all(repo, "stores under DVC")
    return repo


def _copy(src: Path, dest: Path, *drop: str) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    for rel in drop:
        target = dest / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return dest


HERE = {"project": {"path": "."}}  # the project is the config's folder


def _missing(project: Path, uri: str | None) -> MissingStore | None:
    """missing_store for a config in `project` with mlflow.tracking_uri `uri`."""
    return missing_store(MlflowSource.of(make_config(project, HERE, mlflow={"tracking_uri": uri})))


@pytest.mark.parametrize(
    ("path", "looks"),
    [
        ("data/mlflow", True),
        ("mlruns", True),
        ("tracking/mlflow.db", True),
        ("mlflow_store", True),
        ("data/raw", False),
        ("models/mlflowish", False),
    ],
)
def test_looks_like_store(path: str, looks: bool) -> None:
    assert looks_like_store(path) is looks


def test_pulled_stores_are_found_and_need_no_fix(tracked: Path, tmp_path: Path) -> None:
    repo = _copy(tracked, tmp_path / "p")
    found = {(s.path, s.dvc_file, s.pulled) for s in dvc_tracked_stores(repo)}
    assert found == {("data/mlflow", "data/mlflow.dvc", True), ("mlflow.db", "mlflow.db.dvc", True)}
    assert _missing(repo, "data/mlflow") is None
    assert _missing(repo, "sqlite:///mlflow.db") is None
    assert _missing(repo, "http://127.0.0.1:9") is None  # a server says for itself
    unset = _missing(repo, None)
    # the shallowest store is proposed first
    assert unset is not None and str(unset.fix) == "set mlflow.tracking_uri: sqlite:///mlflow.db"
    assert unset.fix.text("es") == "defina mlflow.tracking_uri: sqlite:///mlflow.db"
    assert unset.message == (
        f"{repo / 'metricwatch.yaml'}: mlflow.tracking_uri is not set and MLFLOW_TRACKING_URI is "
        "empty; set mlflow.tracking_uri: sqlite:///mlflow.db (the MLflow store of this project)"
    )


def test_a_store_that_is_not_pulled_names_the_dvc_pull(tracked: Path, tmp_path: Path) -> None:
    repo = _copy(tracked, tmp_path / "p", "data/mlflow", "mlflow.db", "mlflow.db.dvc")
    stores = dvc_tracked_stores(repo)
    assert {s.path: s.pulled for s in stores} == {"data/mlflow": False}
    unset = _missing(repo, None)
    assert unset is not None
    assert (str(unset.reason), str(unset.fix)) == (
        "mlflow.tracking_uri is not set",
        "run `dvc pull data/mlflow.dvc`, then set mlflow.tracking_uri: data/mlflow",
    )
    # the ❓ rows and the report word them in the report's language
    assert (unset.reason.text("es"), unset.fix.text("es")) == (
        "mlflow.tracking_uri no está definido",
        "ejecute `dvc pull data/mlflow.dvc` y luego defina mlflow.tracking_uri: data/mlflow",
    )
    assert words_text(unset.said, "es").startswith(
        f"{repo / 'metricwatch.yaml'}: mlflow.tracking_uri no está definido y MLFLOW_TRACKING_URI "
        "está vacío; data/mlflow es un store de MLflow versionado con DVC (data/mlflow.dvc)"
    )
    assert unset.message.startswith(f"{repo / 'metricwatch.yaml'}: mlflow.tracking_uri is not set")
    assert "(or run `metricwatch init --force`)" in unset.message
    repo = _copy(tracked, tmp_path / "q", "data/mlflow", "mlflow.db")
    db = _missing(repo, "sqlite:///mlflow.db")
    assert db is not None
    assert str(db.reason) == "tracking store mlflow.db is tracked by DVC and not pulled"
    assert str(db.fix) == f"run `dvc pull mlflow.db.dvc` in {repo}"
    assert db.message == (
        f"{repo / 'metricwatch.yaml'}: mlflow.tracking_uri: {db.reason}; {db.fix}. "
        "metricwatch never creates a store."
    )
    assert (
        db.reason.text("es")
        == "el store de tracking mlflow.db está versionado con DVC y no se ha hecho pull"
    )
    (repo / "data" / "mlflow").mkdir()  # an empty folder where the store should be
    folder = _missing(repo, "data/mlflow")
    assert folder is not None and str(folder.fix) == f"run `dvc pull data/mlflow.dvc` in {repo}"


def test_an_untracked_missing_store_says_check_the_uri(tmp_path: Path) -> None:
    gone = _missing(tmp_path, "file:///nowhere/my%20store")
    assert gone is not None
    assert str(gone.reason) == "tracking store /nowhere/my store is not there"
    assert str(gone.fix) == "check mlflow.tracking_uri (relative to the config file)"
    assert gone.reason.text("es") == "el store de tracking /nowhere/my store no existe"
    unset = _missing(tmp_path, None)
    assert unset is not None and unset.message.endswith("never falls back to creating ./mlruns.")


def test_a_pipeline_output_that_looks_like_a_store_is_found(tmp_path: Path) -> None:
    (tmp_path / "dvc.yaml").write_text(
        "stages:\n  train:\n    cmd: python train.py\n    outs:\n    - mlruns\n"
        "    - models/model.pkl\n    - tracking/mlflow.db:\n        cache: true\n"
    )
    stores = {s.path: s for s in dvc_tracked_stores(tmp_path)}
    assert set(stores) == {"mlruns", "tracking/mlflow.db"}
    assert not stores["mlruns"].pulled and stores["mlruns"].pull == "dvc pull mlruns"
    assert stores["tracking/mlflow.db"].uri == "sqlite:///tracking/mlflow.db"
    unset = _missing(tmp_path, None)
    assert (
        unset is not None
        and str(unset.fix) == "run `dvc pull mlruns`, then set mlflow.tracking_uri: mlruns"
    )


def test_a_missing_store_is_worded_in_the_reports_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The KPI part fails with the store's reason: English in `errors` (JSON, CLI), message
    pieces in `error_words`, so the KPI section and the summary word it in Spanish; a secret
    in it is scrubbed in both."""
    from metricwatch.parts.missing import part_missing
    from metricwatch.pipeline.collect import collect
    from metricwatch.pipeline.evaluate import evaluated

    gone = tmp_path / "none.db"
    cfg = make_config(tmp_path, HERE, mlflow={"tracking_uri": f"sqlite:///{gone}"})
    result = collect(cfg, ["kpis"])
    english = f"{cfg.source}: mlflow.tracking_uri: tracking store {gone} is not there; check"
    assert result.errors["kpis"].startswith(english)
    assert words_text(result.error_words["kpis"]) == result.errors["kpis"]
    (notice,) = part_missing(result, "kpis", "es")
    assert f"el store de tracking {gone} no existe; revise mlflow.tracking_uri" in notice.text
    assert "is not there" not in notice.text
    judged, _ = evaluated(result, cfg, ("kpis",), "candidate")
    assert words_text(judged.no_verdict["kpis"], "es") == words_text(
        result.error_words["kpis"], "es"
    )
    assert not gone.exists()
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "hunter2-secret")
    leaky = make_config(tmp_path, HERE, mlflow={"tracking_uri": "sqlite:///hunter2-secret.db"})
    said = collect(leaky, ["kpis"]).error_words["kpis"]
    assert "hunter2-secret" not in words_text(said, "es") and "***" in words_text(said, "es")
