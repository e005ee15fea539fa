"""The local `mlflow server` helper: healthy, then stopped with its whole process group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from metricwatch.mlflow_server import local_mlflow_server

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); read its state
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_server_is_healthy_then_gone(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with local_mlflow_server(uri, timeout_s=120) as server:
        with urllib.request.urlopen(f"{server.url}/health", timeout=10) as resp:
            assert resp.status == 200
        pid = server.pid
    deadline = time.monotonic() + 15
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid)


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="parent-death signal is Linux-only"
)
def test_server_dies_with_a_killed_parent(tmp_path: Path) -> None:
    """A parent killed with SIGKILL cannot clean up; the server must still stop."""
    code = (
        "import sys, time\n"
        "from metricwatch.mlflow_server import local_mlflow_server\n"
        f"with local_mlflow_server('sqlite:///{tmp_path / 'm.db'}', timeout_s=120) as s:\n"
        "    print(s.pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        server_pid = int(parent.stdout.readline())
        assert _alive(server_pid)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(server_pid)
