"""The Model Registry reader, dataset inputs and logged models on file, SQLite and HTTP stores.

The same registry (support.registry_stores) is written into a file store and a SQLite store; a
real `mlflow server` on 127.0.0.1 serves a copy of the SQLite one. Every read leaves the
stores byte-identical.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.mlflow_fixtures import make_cfg
from support.mlflow_stores import tree_checksums
from support.registry_stores import DIR_MD5, MODEL, OTHER_MODEL, RAW_MD5, RegistryContent, build

from metricwatch.config import Config
from metricwatch.errors import CheckError, SourceError
from metricwatch.mlflow_server import local_mlflow_server
from metricwatch.parts.integrity.model_registry import resolve_registry_baseline
from metricwatch.sources import mlflow_inputs, mlflow_registry
from metricwatch.sources.mlflow_runs import load_runs
from metricwatch.sources.views import MlflowSource

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Built:
    file: RegistryContent
    sqlite: RegistryContent
    server: RegistryContent
    root: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("registry")
    file = build(str(root / "mlruns"))
    sql = build(f"sqlite:///{root / 'mlflow.db'}")
    shutil.copy(root / "mlflow.db", root / "server.db")
    with local_mlflow_server(f"sqlite:///{root / 'server.db'}", timeout_s=240) as srv:
        yield Built(file, sql, RegistryContent(srv.url, sql.runs, sql.logged_model_id), root)


def content(built: Built, kind: str) -> RegistryContent:
    return {"file": built.file, "sqlite": built.sqlite, "server": built.server}[kind]


def cfg_for(built: Built, kind: str) -> Config:
    return make_cfg(content(built, kind).uri, built.root)


KINDS = ["file", "sqlite", "server"]


@pytest.mark.parametrize("kind", KINDS)
def test_alias_and_version(built: Built, kind: str) -> None:
    source, runs = MlflowSource.of(cfg_for(built, kind)), content(built, kind).runs
    champion = mlflow_registry.get_model_version(source, MODEL, alias="champion")
    assert (champion.version, champion.run_id, champion.aliases) == (
        "1",
        runs["v1.0.0"],
        ["champion"],
    )
    assert champion.model_id is None and champion.status == "READY"
    assert champion.tags == {"git_tag": "v1.0.0"}
    challenger = mlflow_registry.get_model_version(source, MODEL, alias="challenger")
    assert (challenger.version, challenger.run_id) == ("3", runs["v1.0.3"])
    second = mlflow_registry.get_model_version(source, MODEL, version=2)
    assert second.run_id == runs["v1.0.1"]
    assert second.model_id == content(built, kind).logged_model_id
    assert second.aliases == []


@pytest.mark.parametrize("kind", KINDS)
def test_versions_for_runs(built: Built, kind: str) -> None:
    source, runs = MlflowSource.of(cfg_for(built, kind)), content(built, kind).runs
    listing = mlflow_registry.read_registry_listing(source, runs.values())
    assert listing.available
    got = [(v.model, v.version, v.run_id, v.aliases) for v in listing.versions]
    assert got == [
        (MODEL, "1", runs["v1.0.0"], ["champion"]),
        (MODEL, "2", runs["v1.0.1"], []),
        (MODEL, "3", runs["v1.0.3"], ["challenger"]),  # the deleted version 4 is left out
        (OTHER_MODEL, "1", runs["v1.0.0"], []),
    ]
    only = mlflow_registry.versions_for_runs(source, [runs["v1.0.0"]], model=MODEL)
    assert [(v.model, v.version) for v in only] == [(MODEL, "1")]
    assert mlflow_registry.versions_for_runs(source, []) == []


@pytest.mark.parametrize("kind", KINDS)
def test_missing_things_are_clear_errors(built: Built, kind: str) -> None:
    source = MlflowSource.of(cfg_for(built, kind))
    with pytest.raises(
        SourceError,
        match=r"has no alias @gold \(its aliases: @challenger → version 3, @champion → version 1\)",
    ):
        mlflow_registry.get_model_version(source, MODEL, alias="gold")
    with pytest.raises(
        SourceError, match=r"has no version 4 \(versions: 1, 2, 3\); fix the version number"
    ):
        mlflow_registry.get_model_version(source, MODEL, version=4)
    with pytest.raises(
        SourceError,
        match=rf"no registered model 'nope' \(registered models: {MODEL}, {OTHER_MODEL}\)",
    ):
        mlflow_registry.get_model_version(source, "nope", alias="champion")
    with pytest.raises(SourceError, match="give exactly one of alias or version"):
        mlflow_registry.get_model_version(source, MODEL)


@pytest.mark.parametrize("kind", KINDS)
def test_dataset_inputs_and_logged_models(built: Built, kind: str) -> None:
    source, runs = MlflowSource.of(cfg_for(built, kind)), content(built, kind).runs
    got = mlflow_inputs.run_datasets(source, [runs["v1.0.0"], runs["v1.0.1"]])
    assert got[runs["v1.0.1"]] == []
    assert [
        (d.name, d.digest, d.source, d.source_type, d.context) for d in got[runs["v1.0.0"]]
    ] == [  # by name: a file store lists them in its folder's order
        ("data/processed", DIR_MD5, "dvc://data/processed@v1.0.0", "dvc", "training"),
        ("data/raw/students.csv", RAW_MD5, "dvc://data/raw/students.csv@v1.0.0", "dvc", "training"),
    ]
    from mlflow import MlflowClient

    exp = (
        MlflowClient(tracking_uri=content(built, kind).uri)
        .get_run(runs["v1.0.0"])
        .info.experiment_id
    )
    models = mlflow_inputs.logged_models_by_run(source, [exp])
    assert list(models) == [runs["v1.0.1"]]
    (ref,) = models[runs["v1.0.1"]]
    assert (ref.model_id, ref.name, ref.status) == (
        content(built, kind).logged_model_id,
        "model",
        "READY",
    )


def test_reads_never_write(built: Built) -> None:
    before = tree_checksums(built.root / "mlruns") | tree_checksums(built.root / "mlflow.db")
    for kind in ("file", "sqlite"):
        source = MlflowSource.of(cfg_for(built, kind))
        mlflow_registry.get_model_version(source, MODEL, alias="champion")
        mlflow_registry.read_registry_listing(source, content(built, kind).runs.values())
        with pytest.raises(SourceError):
            mlflow_registry.get_model_version(source, MODEL, alias="gold")
    after = tree_checksums(built.root / "mlruns") | tree_checksums(built.root / "mlflow.db")
    assert after == before


def test_alias_left_on_a_deleted_version_sqlite(built: Built, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    shutil.copy(built.root / "mlflow.db", db)
    con = sqlite3.connect(db)
    # what an older MLflow or a hand edit leaves: an alias row on the deleted version 4
    con.execute(
        "INSERT INTO registered_model_aliases (alias, version, name) VALUES ('stale', 4, ?)",
        (MODEL,),
    )
    con.commit()
    con.close()
    source = MlflowSource.of(make_cfg(f"sqlite:///{db}", tmp_path))
    with pytest.raises(SourceError) as err:
        mlflow_registry.get_model_version(source, MODEL, alias="stale")
    assert str(err.value) == (
        f"sqlite:///{db}: alias @stale of registered model '{MODEL}' points at version 4, which "
        "does not exist (deleted); point the alias at a live version "
        "(MlflowClient().set_registered_model_alias) or fix the alias."
    )


def test_alias_left_on_a_deleted_version_file(built: Built, tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    shutil.copytree(built.root / "mlruns", root)
    (root / "models" / MODEL / "aliases" / "stale").write_text("4", encoding="utf-8")
    source = MlflowSource.of(make_cfg(str(root), tmp_path))
    with pytest.raises(
        SourceError,
        match=r"alias @stale of registered model .* points at version 4, which does not exist \(deleted\)",
    ):
        mlflow_registry.get_model_version(source, MODEL, alias="stale")


def test_deleting_the_version_takes_the_alias(built: Built, tmp_path: Path) -> None:
    from mlflow import MlflowClient

    db = tmp_path / "m.db"
    shutil.copy(built.root / "mlflow.db", db)
    uri = f"sqlite:///{db}"
    MlflowClient(tracking_uri=uri, registry_uri=uri).delete_model_version(MODEL, "1")
    source = MlflowSource.of(make_cfg(f"sqlite:///{db}", tmp_path))
    with pytest.raises(
        SourceError,
        match=r"has no alias @champion \(its aliases: @challenger → version 3\)\. MLflow removes an alias with the version it points at",
    ):
        mlflow_registry.get_model_version(source, MODEL, alias="champion")


def test_sqlite_without_registry_tables(built: Built, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(built.root / "mlflow.db", db)
    con = sqlite3.connect(db)
    con.execute("DROP TABLE registered_model_aliases")  # as a store made before MLflow 2.3
    con.commit()
    con.close()
    before = tree_checksums(db)
    source = MlflowSource.of(make_cfg(f"sqlite:///{db}", tmp_path))
    with pytest.raises(SourceError) as err:
        mlflow_registry.get_model_version(source, MODEL, alias="champion")
    assert str(err.value) == (
        f"{db}: the store holds no MLflow Model Registry (no registered_model_aliases table); it "
        "was made by an MLflow older than 2.3 or is not a full MLflow database. metricwatch "
        "never creates or migrates tables: upgrade a copy with `mlflow db upgrade`, or remove "
        "the registry settings (baseline.model, integrity.registered_model)."
    )
    listing = mlflow_registry.read_registry_listing(source, ["a" * 32])
    assert not listing.available and "no registered_model_aliases table" in (listing.reason or "")
    assert tree_checksums(db) == before


def test_file_store_without_models_folder(built: Built, tmp_path: Path) -> None:
    root = tmp_path / "mlruns"
    shutil.copytree(built.root / "mlruns", root)
    shutil.rmtree(root / "models")
    source = MlflowSource.of(make_cfg(str(root), tmp_path))
    with pytest.raises(
        SourceError, match=r"the file store holds no MLflow Model Registry \(no models/ folder"
    ):
        mlflow_registry.get_model_version(source, MODEL, version=1)
    assert not (root / "models").exists()


@pytest.mark.parametrize("kind", ["sqlite", "server"])
def test_registry_baseline(built: Built, kind: str) -> None:
    cfg, runs = cfg_for(built, kind), content(built, kind).runs
    run_set = load_runs(MlflowSource.of(cfg))
    base = resolve_registry_baseline(cfg, run_set, MODEL, alias="champion")
    assert (base.run_id, base.model, base.version, base.alias) == (
        runs["v1.0.0"],
        MODEL,
        "1",
        "champion",
    )
    assert base.selector == f"model {MODEL}@champion (version 1)"
    assert base.aliases == ["champion"] and base.notes == []
    pinned = resolve_registry_baseline(cfg, run_set, MODEL, version=2)
    assert (pinned.run_id, pinned.alias, pinned.selector) == (
        runs["v1.0.1"],
        None,
        f"model {MODEL} version 2",
    )
    assert pinned.model_id == content(built, kind).logged_model_id


def test_registry_baseline_on_a_run_outside_the_experiments(built: Built) -> None:
    cfg = make_cfg(built.sqlite.uri, built.root, experiments=["Default"])
    with pytest.raises(
        CheckError, match=r"is run [0-9a-f]{32}, which is not in the experiments read \(Default\)"
    ):
        resolve_registry_baseline(cfg, load_runs(MlflowSource.of(cfg)), MODEL, alias="champion")


def test_registry_baseline_on_a_deleted_run(built: Built, tmp_path: Path) -> None:
    from mlflow import MlflowClient

    db = tmp_path / "m.db"
    shutil.copy(built.root / "mlflow.db", db)
    MlflowClient(tracking_uri=f"sqlite:///{db}").delete_run(built.sqlite.runs["v1.0.0"])
    cfg = make_cfg(f"sqlite:///{db}", tmp_path)
    with pytest.raises(
        CheckError,
        match=r"baseline \(model student-performance@champion \(version 1\)\) is run .*, which is deleted; restore it",
    ):
        resolve_registry_baseline(cfg, load_runs(MlflowSource.of(cfg)), MODEL, alias="champion")
