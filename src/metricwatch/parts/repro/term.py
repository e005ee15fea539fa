"""Run a command on pseudo-terminals so tools keep their ANSI colours, with a group-kill timeout.

DVC colours its ERROR/WARNING lines only when stdout/stderr are terminals; the transcript feeds
terminal images, so the check runs it on two ptys (stdout and stderr kept apart). Progress bars
redraw with carriage returns and cursor moves: `normalize` keeps the final state of each line.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
import tty
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from metricwatch.errors import MetricwatchError
from metricwatch.procs import ProcResult, kill_group, run
from metricwatch.transcript import TranscriptEntry

COLUMNS, ROWS = 100, 40
_CSI = re.compile(r"\x1b\[[0-9;?]*([A-Za-z])")
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(\x07|\x1b\\)")
_DRAIN_S = 1.0


def normalize(text: str) -> str:
    """Keep SGR colour codes; drop cursor moves and OSC titles; resolve carriage-return redraws."""
    text = _OSC.sub("", text)
    text = _CSI.sub(lambda m: m.group(0) if m.group(1) == "m" else "", text)
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        parts = [p for p in line.split("\r") if p.strip()]
        lines.append(parts[-1] if parts else "")
    return "\n".join(lines)


def _open_pty() -> tuple[int, int]:
    master, slave = os.openpty()
    tty.setraw(slave)  # no \n → \r\n translation, no line discipline surprises
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    return master, slave


def _read_until_done(
    proc: subprocess.Popen[bytes], masters: dict[int, bytearray], deadline: float
) -> bool:
    """Collect output until the child exits and its ptys drain; False when the deadline passed."""
    open_fds = set(masters)
    exited_at: float | None = None
    while open_fds:
        now = time.monotonic()
        if now >= deadline:
            return False
        if proc.poll() is not None:
            exited_at = exited_at or now
            if now - exited_at > _DRAIN_S:  # a grandchild holds the pty: stop reading
                break
        ready, _, _ = select.select(list(open_fds), [], [], min(0.2, deadline - now))
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: every writer closed the slave side
                chunk = b""
            if chunk:
                masters[fd].extend(chunk)
            else:
                open_fds.discard(fd)
    try:
        proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return False
    return True


def run_in_terminal(
    args: Sequence[str],
    *,
    timeout_s: float,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
) -> ProcResult:
    """Like metricwatch.procs.run, with stdout and stderr on two pseudo-terminals."""
    argv = tuple(str(a) for a in args)
    try:
        fds = [_open_pty(), _open_pty()]
    except OSError:  # no pseudo-terminals here (some sandboxes): plain pipes, no colours
        return run(argv, timeout_s=timeout_s, cwd=cwd, env=env)
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**(env or os.environ), "COLUMNS": str(COLUMNS), "LINES": str(ROWS)},
            stdin=subprocess.DEVNULL,
            stdout=fds[0][1],
            stderr=fds[1][1],
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        for pair in fds:
            for fd in pair:
                os.close(fd)
        raise MetricwatchError(f"command not found: {argv[0]} (is it installed?)") from exc
    for _, slave in fds:
        os.close(slave)
    buffers = {fds[0][0]: bytearray(), fds[1][0]: bytearray()}
    try:
        finished = _read_until_done(proc, buffers, start + timeout_s)
        if not finished:
            kill_group(proc)
    except BaseException:
        kill_group(proc)
        raise
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # leftovers of the group (daemons of a stage)
        for master in buffers:
            with contextlib.suppress(OSError):
                os.close(master)
    out, err = (normalize(buffers[fds[i][0]].decode("utf-8", "replace")) for i in (0, 1))
    return ProcResult(
        args=argv,
        returncode=proc.returncode if finished else None,
        stdout=out,
        stderr=err,
        duration_s=time.monotonic() - start,
        timed_out=not finished,
    )


def entry(
    display: Sequence[str], result: ProcResult, cwd: str, started_at: datetime
) -> TranscriptEntry:
    """A transcript entry showing `display` (the command as a user types it, e.g. `dvc repro`)."""
    return TranscriptEntry(
        command=list(display),
        cwd=cwd,
        started_at=started_at,
        duration_s=round(result.duration_s, 3),
        exit_code=result.returncode,
        stdout=result.stdout,
        stderr=result.stderr,
        timed_out=result.timed_out,
    )


def now_utc() -> datetime:
    return datetime.now(UTC)
