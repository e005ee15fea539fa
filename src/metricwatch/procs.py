"""Subprocesses with argument lists, timeouts, and whole-process-group cleanup.

Every child runs in its own session (process group), so a timeout or an error can kill the
child and everything it started (a `dvc repro` stage, a server's workers).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from metricwatch.errors import MetricwatchError


@dataclass(frozen=True)
class ProcResult:
    args: tuple[str, ...]
    returncode: int | None  # None when it timed out
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def kill_group(proc: subprocess.Popen, grace_s: float = 5.0) -> None:
    """SIGTERM the child's process group, then SIGKILL what is left after grace_s.

    Children are started with start_new_session, so the group id is the child's pid; members
    that outlive the leader (a server's workers) are killed too.
    """
    pgid = proc.pid
    if proc.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=grace_s)
                break
            except subprocess.TimeoutExpired:
                continue
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)  # stragglers of the group, if any


def run(
    args: Sequence[str],
    *,
    timeout_s: float,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    input_text: str | None = None,
) -> ProcResult:
    """Run a command (never through a shell) and return its output; kill its group on timeout."""
    argv = tuple(str(a) for a in args)
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise MetricwatchError(
            f"command not found: {argv[0]} (is it installed and on PATH?)"
        ) from exc
    try:
        out, err = proc.communicate(input=input_text, timeout=timeout_s)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, err = proc.communicate()
        timed_out = True
    except BaseException:
        kill_group(proc)
        raise
    return ProcResult(
        args=argv,
        returncode=None if timed_out else proc.returncode,
        stdout=out or "",
        stderr=err or "",
        duration_s=time.monotonic() - start,
        timed_out=timed_out,
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])
