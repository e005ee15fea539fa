"""Process checks and CPU load for tests: live members of a group, busy CPUs for a while.

`live_group_members` reads /proc itself (not through metricwatch.proctree), so the tests of
the product's clean-up do not trust the code they test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# a busy loop that stops by itself: a test that dies cannot leave the CPUs loaded for long
BURN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()  # [state, ppid, pgrp, ...]


def alive(pid: int) -> bool:
    """True while pid runs (a zombie has exited: it does not count)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def live_group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(int(stat.parent.name))
        if fields is not None and fields[0] not in ("Z", "X") and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return sorted(members)


@contextmanager
def cpu_burners(count: int | None = None, seconds: float = 300) -> Iterator[list[int]]:
    """`count` (default: one per CPU) processes spinning on a CPU, each for at most `seconds`."""
    n = count or os.cpu_count() or 2
    code = BURN.format(seconds=seconds)
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]
    try:
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait(timeout=30)
