"""The sources' config views: built from a Config, they carry what a source reads and resolve
paths and the tracking URI exactly as the Config does (same values, same errors)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from support.configs import make_config

from metricwatch.errors import ConfigError
from metricwatch.sources.views import DvcSource, MlflowSource

SECTIONS = {
    "project": {"path": "repo"},
    "mlflow": {
        "tracking_uri": "sqlite:///stores/mlflow.db",
        "experiments": ["grades", "7"],
        "timeout_s": 4.5,
        "max_retries": 3,
        "include_deleted": True,
    },
    "dvc": {"timeout_s": 12.0},
    "tags": {"pattern": r"^v\d+$", "regex": True},
}


def test_mlflow_view_carries_the_mlflow_section(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, SECTIONS)
    view = MlflowSource.of(cfg)
    assert view == MlflowSource(
        configured_uri="sqlite:///stores/mlflow.db",
        root=tmp_path,
        project=(tmp_path / "repo").resolve(),
        config_file=cfg.source,
        timeout_s=4.5,
        max_retries=3,
        include_deleted=True,
        experiments=("grades", "7"),
    )
    assert view.tracking_uri() == cfg.tracking_uri()
    assert view.tracking_uri() == f"sqlite:///{(tmp_path / 'stores' / 'mlflow.db').resolve()}"
    with pytest.raises(FrozenInstanceError):
        view.timeout_s = 1.0  # type: ignore[misc]


def test_mlflow_view_reads_the_environment_at_each_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = make_config(tmp_path, mlflow={"tracking_uri": None})
    view = MlflowSource.of(cfg)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    with pytest.raises(ConfigError) as unset:
        view.tracking_uri()
    with pytest.raises(ConfigError) as from_config:
        cfg.tracking_uri()
    assert str(unset.value) == str(from_config.value)
    assert str(unset.value).startswith(f"{cfg.source}: mlflow.tracking_uri is not set")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "mlruns")  # relative: against the config's folder
    assert view.tracking_uri() == f"file://{(tmp_path / 'mlruns').resolve()}"


def test_dvc_view_carries_the_project_dvc_and_tags(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, SECTIONS)
    view = DvcSource.of(cfg)
    assert view == DvcSource(
        project=(tmp_path / "repo").resolve(),
        root=tmp_path,
        config_file=cfg.source,
        timeout_s=12.0,
        tag_pattern=r"^v\d+$",
        tag_regex=True,
    )
    for path in ("data/ref.csv", "../elsewhere/x.parquet", "/abs/cur.csv", "~/home.csv"):
        assert view.resolve(path) == cfg.resolve(path)
