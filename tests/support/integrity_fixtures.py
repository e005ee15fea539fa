"""Session fixtures for the integrity tests: the release repo, and moto's S3 server on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from metricwatch.procs import free_port, kill_group
from support.integrity_helpers import FAKE_AWS
from support.release_repo import ReleaseRepo, build_release_repo


@pytest.fixture(scope="session")
def release_repo(tmp_path_factory: pytest.TempPathFactory) -> ReleaseRepo:
    return build_release_repo(tmp_path_factory.mktemp("releases"))


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[str]:
    """moto's S3 server as a subprocess on a free 127.0.0.1 port; yields the endpoint URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/moto-api/", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        kill_group(proc)


@pytest.fixture()
def aws_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for k, v in FAKE_AWS.items():
        monkeypatch.setenv(k, v)
    return FAKE_AWS
