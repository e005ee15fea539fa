"""The local `mlflow server` helper: healthy, then stopped with its whole process group,
also while it is still starting and on a machine whose CPUs are all busy."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support.processes import alive as _alive
from support.processes import cpu_burners, live_group_members

from metricwatch import mlflow_server
from metricwatch.mlflow_server import local_mlflow_server

pytestmark = pytest.mark.slow
linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc (Linux) to see what is left"
)


class Interrupted(Exception):
    """Stands for a Ctrl-C (or any error) that ends the block while the server starts."""


def _interrupt_when(starting: str, seen: dict[str, object], before_stop=lambda: None):
    """A wait_healthy that raises once the server reaches `starting`, and records its state.

    "leader": at once (`mlflow server` itself is still importing MLflow); "workers": as soon
    as the leader has started a second process (uvicorn, which then imports the app).
    """

    def wait(url: str, timeout_s: float, proc: subprocess.Popen | None = None) -> bool:
        assert proc is not None
        deadline = time.monotonic() + timeout_s
        # one reading of the group decides and is recorded: a member may come and go between
        # two readings (a short-lived child of the leader's start, seen under load)
        members = live_group_members(proc.pid)
        while starting == "workers" and len(members) < 2:
            assert proc.poll() is None, "the server exited before it started its workers"
            assert time.monotonic() < deadline, f"no worker within {timeout_s} s"
            time.sleep(0.005)
            members = live_group_members(proc.pid)
        seen["pgid"] = proc.pid
        seen["log"] = os.readlink(f"/proc/{proc.pid}/fd/1")  # the server's log file
        seen["members"] = members
        seen["serving"] = _answers(url)
        before_stop()
        raise Interrupted

    return wait


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


def test_server_is_healthy_then_gone(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with local_mlflow_server(uri, timeout_s=240) as server:
        with urllib.request.urlopen(f"{server.url}/health", timeout=10) as resp:
            assert resp.status == 200
        pid = server.pid
        assert len(live_group_members(pid)) >= 2  # `mlflow server` and its uvicorn
        assert server.log_path.is_file()
    assert not _alive(pid)
    assert live_group_members(pid) == []
    assert not server.log_path.exists()  # nothing left in the temporary folder either


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="parent-death signal and /proc are Linux-only"
)
def test_server_dies_with_a_killed_parent(tmp_path: Path) -> None:
    """A parent killed with SIGKILL cannot clean up; the server must still stop.

    Stopping is less work than starting (no imports, no store to open): the server gets as
    long to stop as it took to start here and now, whatever the machine's load.
    """
    code = (
        "import sys, time\n"
        "from metricwatch.mlflow_server import local_mlflow_server\n"
        f"with local_mlflow_server('sqlite:///{tmp_path / 'm.db'}', timeout_s=240) as s:\n"
        "    print(s.pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    started = time.monotonic()
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        server_pid = int(parent.stdout.readline())
        took_to_start = time.monotonic() - started
        assert _alive(server_pid)
        log = Path(os.readlink(f"/proc/{server_pid}/fd/1"))  # the server's log file
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
    deadline = time.monotonic() + max(10.0, took_to_start)
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(server_pid)
    assert live_group_members(server_pid) == []  # it waited for its uvicorn
    log.unlink()  # the one thing a SIGKILLed parent leaves (it could not remove it): the test does


@linux_only
@pytest.mark.parametrize("starting", ["leader", "workers"])
def test_stopped_while_starting_leaves_nothing(
    starting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}
    monkeypatch.setattr(mlflow_server, "wait_healthy", _interrupt_when(starting, seen))
    uri = f"sqlite:///{tmp_path / 'm.db'}"
    with pytest.raises(Interrupted), local_mlflow_server(uri, timeout_s=240):
        pass
    assert seen["serving"] is False  # it was stopped before it served anything
    assert not Path(str(seen["log"])).exists()  # and its log went with it
    members = seen["members"]
    assert isinstance(members, list) and len(members) >= (2 if starting == "workers" else 1)
    assert live_group_members(int(seen["pgid"])) == []


@linux_only
@pytest.mark.parametrize("starting", ["workers", "serving"])
def test_nothing_is_left_on_a_machine_with_every_cpu_busy(
    starting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two spinning processes per CPU start just before the stop (the shared-CI case); they
    spin only while the server stops, so the test costs little CPU beyond the server's."""
    uri = f"sqlite:///{tmp_path / 'm.db'}"
    burners = 2 * (os.cpu_count() or 1)
    with contextlib.ExitStack() as load:
        if starting == "workers":
            seen: dict[str, object] = {}
            spin = lambda: load.enter_context(cpu_burners(burners, seconds=300))  # noqa: E731
            monkeypatch.setattr(
                mlflow_server, "wait_healthy", _interrupt_when("workers", seen, spin)
            )
            with pytest.raises(Interrupted), local_mlflow_server(uri, timeout_s=240):
                pass
            assert seen["serving"] is False
            pgid = int(seen["pgid"])
        else:
            with local_mlflow_server(uri, timeout_s=240) as server:
                search = f"{server.url}/api/2.0/mlflow/experiments/search?max_results=5"
                with urllib.request.urlopen(search, timeout=60) as resp:
                    assert resp.status == 200
                assert len(live_group_members(server.pid)) >= 2
                load.enter_context(cpu_burners(burners, seconds=300))
            pgid = server.pid
        assert live_group_members(pgid) == []
        assert not _alive(pgid)
