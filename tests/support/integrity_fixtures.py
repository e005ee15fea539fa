"""Session fixtures for the integrity tests: the release repo, and moto's S3 server on loopback."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from metricwatch.procs import free_port, kill_group
from support.release_repo import ReleaseRepo, build_release_repo

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "metricwatch-test-key",
    "AWS_SECRET_ACCESS_KEY": "metricwatch-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


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


def upload_folder(endpoint: str, bucket: str, prefix: str, folder: Path) -> int:
    """Copy a local DVC remote's objects into an S3 bucket (same layout); returns the count."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=FAKE_AWS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_AWS["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=bucket)
    n = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        s3.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(folder).as_posix()}")
        n += 1
    return n


def tree_digest(*roots: Path) -> str:
    """SHA-256 over every file's relative path, content and mode under the roots (incl. .git)."""
    h = hashlib.sha256()
    for root in roots:
        if root.is_file():
            h.update(root.read_bytes())
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                p = Path(dirpath) / name
                st = p.lstat()
                h.update(str(p.relative_to(root)).encode())
                h.update(oct(st.st_mode).encode())
                if p.is_file() and not p.is_symlink():
                    h.update(p.read_bytes())
    return h.hexdigest()
