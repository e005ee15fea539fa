"""Shared fixtures: every test runs with a fixed git identity and no stray tracking URI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "metricwatch tests",
    "GIT_AUTHOR_EMAIL": "tests@metricwatch.invalid",
    "GIT_COMMITTER_NAME": "metricwatch tests",
    "GIT_COMMITTER_EMAIL": "tests@metricwatch.invalid",
}


@pytest.fixture(autouse=True, scope="session")
def _clean_env() -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(GIT_IDENTITY)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    os.environ.setdefault("DVC_NO_ANALYTICS", "1")
    os.environ.setdefault("DVC_NO_UPDATER", "1")
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded demo, built once per test session (read-only for tests: copy to mutate).

    Layout: metricwatch.yaml, project/ (git + DVC), remote/ (DVC remote), mlflow.db.
    """
    from metricwatch.demo.builder import build_demo

    root = tmp_path_factory.mktemp("shared-demo") / "demo"
    build_demo(root)
    return root
