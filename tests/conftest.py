"""Shared fixtures and hooks: every test runs with a fixed git identity and no stray tracking
URI; the demo and its deliverable (support/delivered.py) are built once per run; files are
queued longest first for xdist, and under CI only a Quarto test may be skipped
(support/scheduling.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from support import warm_cli
from support.delivered import Delivered, build_delivered, load_delivered
from support.scheduling import order_items, unexpected_ci_skip
from support.session_cache import built_once, private_copy, settle_git_index

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "metricwatch tests",
    "GIT_AUTHOR_EMAIL": "tests@metricwatch.invalid",
    "GIT_COMMITTER_NAME": "metricwatch tests",
    "GIT_COMMITTER_EMAIL": "tests@metricwatch.invalid",
}


_CI_SKIPS: list[str] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    order_items(items)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if (unexpected := unexpected_ci_skip(report)) is not None:
        _CI_SKIPS.append(unexpected)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workeroutput"):  # an xdist worker: its CLI runs to the controller
        session.config.workeroutput["warm_cli"] = asdict(warm_cli.COUNTS)
    if _CI_SKIPS and not hasattr(session.config, "workerinput"):  # the controller decides
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    for key, value in getattr(node, "workeroutput", {}).get("warm_cli", {}).items():
        setattr(warm_cli.COUNTS, key, getattr(warm_cli.COUNTS, key) + value)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counts = warm_cli.COUNTS
    if counts.warm or counts.exec:
        terminalreporter.write_line(
            f"CLI runs (metricwatch, dvc) through support/warm_cli.py: {counts.warm} forked warm, "
            f"{counts.exec} exec'd (cold on request or an env name read at import changed), "
            f"{counts.zygotes} zygote(s)"
        )
    if _CI_SKIPS:
        terminalreporter.section("skipped under CI, which can run them (install what they need)")
        for line in _CI_SKIPS:
            terminalreporter.write_line(line)


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


@pytest.fixture(autouse=True, scope="session")
def _warm_cli_stopped() -> Iterator[None]:
    """The warm CLI runner's zygotes (support/warm_cli.py) end with the session."""
    yield
    warm_cli.stop_all()


# what MLflow creates in the working folder when a client is opened with no tracking URI
STRAY_STORES = ("mlflow.db", "mlruns")


@pytest.fixture(autouse=True)
def _nothing_written_in_the_working_folder(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that leaves an MLflow store in the folder pytest runs in (the repository) fails:
    an MlflowClient opened on MLflow's default URI, which metricwatch must never do."""
    cwd = Path.cwd()
    before = {name for name in STRAY_STORES if (cwd / name).exists()}
    yield
    new = [name for name in STRAY_STORES if (cwd / name).exists() and name not in before]
    assert not new, f"{request.node.nodeid} left {new} in {cwd} (MLflow's default store)"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded demo, built once per test run for every xdist worker (read-only).

    Its absolute paths (the DVC remote in project/.dvc/config, committed at every tag, and the
    runs' artifact URIs) point into this folder, so every copy of the demo uses its remote and
    artifacts: only test_demo.py, which checks those paths, and the workers' copies read it.
    """
    from metricwatch.demo.builder import build_demo

    def build(root: Path) -> None:
        build_demo(root)
        settle_git_index(root / "project")

    return built_once(tmp_path_factory, "demo", build)


@pytest.fixture(scope="session")
def demo_dir(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's copy of the demo (read-only for tests: copy it again to mutate).

    Layout: metricwatch.yaml, project/ (git + DVC), remote/ (DVC remote), mlflow.db. A worker
    of its own, because git and DVC write into a repository they only read (index, locks).
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return demo_build
    return private_copy(demo_build, tmp_path_factory.mktemp("shared-demo") / "demo")


@pytest.fixture(scope="session")
def delivered(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Delivered:
    """The demo's `make report` + `check --notify` + `export prometheus`, once per run
    (read-only: copy what you change)."""
    target = built_once(
        tmp_path_factory, "delivered", lambda folder: build_delivered(demo_build, folder)
    )
    return load_delivered(target)
