"""Subprocesses with argument lists, timeouts, and whole-process-group cleanup.

Every child runs in its own session (process group), so a timeout or an error can kill the
child and everything it started (a `dvc repro` stage, a server's workers).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from metricwatch.errors import MetricwatchError
from metricwatch.proctree import Tree


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


def kill_group(
    proc: subprocess.Popen, grace_s: float = 5.0, kill_wait_s: float = 10.0
) -> list[int]:
    """Stop a child started with start_new_session and everything it started.

    SIGTERM to its process group and to descendants that left the group (members that appear
    while we wait get it too); after grace_s, SIGKILL to what is left. Then wait, at most
    kill_wait_s, until they have really exited: a signal is only queued when killpg returns,
    and a busy machine runs the dying process (and its exit) later. Returns the pids still
    alive after that, which is empty unless a process hangs in the kernel.
    """
    tree = Tree(proc.pid)
    tree.refresh()
    tree.signal(signal.SIGTERM)  # also when the leader is gone: its group may not be
    if _wait_gone(proc, tree, signal.SIGTERM, grace_s):
        return []
    tree.signal(signal.SIGKILL)
    _wait_gone(proc, tree, signal.SIGKILL, kill_wait_s)
    return tree.alive()


def _wait_gone(proc: subprocess.Popen, tree: Tree, sig: signal.Signals, within_s: float) -> bool:
    """Poll until the leader is reaped and the tree is empty; late starters get sig."""
    deadline = time.monotonic() + within_s
    pause = 0.01
    while True:
        proc.poll()  # reaps the leader
        late = tree.refresh()
        if late:
            tree.signal_each(sig, late)
        if proc.returncode is not None and not tree.alive():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 1.5, 0.1)


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
