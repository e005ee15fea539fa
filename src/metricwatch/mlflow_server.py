"""Start a local `mlflow server` for a tracking store, wait for /health, always stop it.

Used by the evidence capture (screenshots need an HTTP UI) and by the test suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from metricwatch.errors import SourceError, SourceUnavailableError
from metricwatch.procs import free_port, kill_group


def _with_parent_death_signal(args: list[str]) -> list[str]:
    """Linux: wrap in util-linux `setpriv --pdeathsig TERM`, so the server is stopped even when
    metricwatch is killed with SIGKILL (no orphaned server). Elsewhere the args as they are."""
    setpriv = shutil.which("setpriv")
    if sys.platform.startswith("linux") and setpriv:
        return [setpriv, "--pdeathsig", "TERM", "--", *args]
    return args


@dataclass(frozen=True)
class LocalServer:
    url: str
    port: int
    pid: int
    log_path: Path


def _log_tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def wait_healthy(url: str, timeout_s: float, proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:  # noqa: S310
                if resp.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    return False


@contextmanager
def local_mlflow_server(
    backend_store_uri: str,
    *,
    artifacts_destination: str | None = None,
    port: int | None = None,
    timeout_s: float = 60.0,
    workers: int = 1,
) -> Iterator[LocalServer]:
    """Run `mlflow server` on 127.0.0.1 for the duration of the block.

    The server only reads the store for our purposes; it runs in its own process group. When
    the block ends (also when it raises, or while the server is still starting) every process
    of that group, and any descendant that left it, has exited: SIGTERM, a bounded wait, then
    SIGKILL and a wait for the kernel to finish them (metricwatch.procs.kill_group).
    Its log (a temporary file) is removed once the server has stopped, also when the block was
    interrupted while it started; a server that did not become healthy keeps it, and the error
    names it.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log_fd, log_name = tempfile.mkstemp(prefix="metricwatch-mlflow-server-", suffix=".log")
    log_path = Path(log_name)
    args = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", backend_store_uri,
        "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers),
    ]  # fmt: skip
    if artifacts_destination:
        args += ["--artifacts-destination", artifacts_destination]
    env = dict(os.environ)
    env["MLFLOW_ALLOW_FILE_STORE"] = "true"  # MLflow 3 refuses file stores without it
    # no job runner: it starts one huey consumer per job type (8 more processes importing
    # MLflow, some long after /health answers) for jobs a read-only UI never submits
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    env.pop("MLFLOW_TRACKING_URI", None)
    with open(log_fd, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            _with_parent_death_signal(args),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    named = False  # the log stays only when an error names it
    try:
        if not wait_healthy(url, timeout_s, proc):
            named = True
            raise SourceUnavailableError(
                f"mlflow server for {backend_store_uri} did not become healthy at {url}/health "
                f"within {timeout_s:.0f} s. Last lines of its log ({log_path}):\n{_log_tail(log_path)}"
            )
        yield LocalServer(url=url, port=port, pid=proc.pid, log_path=log_path)
    finally:
        _stop(proc, url)
        if not named:  # a scheduled render must not leave a log behind each run
            log_path.unlink(missing_ok=True)


def _stop(proc: subprocess.Popen, url: str) -> None:
    """Stop the server's whole process tree; say so when a process refuses to go."""
    left = kill_group(proc)
    if left:
        raise SourceError(
            f"the mlflow server at {url} left processes {left} running after SIGKILL: they "
            "hang in the kernel (a hung disk or network mount?) and exit when its I/O ends; "
            f"see `ps -o pid,stat,wchan,cmd -p {','.join(map(str, left))}`"
        )
