"""The live processes of a child's tree, read from /proc: its group and its descendants.

A child started with `start_new_session` leads a process group whose id is its pid. Its
members may re-parent (to init, when their parent exits) and a descendant may leave the group
(`setsid`); `Tree` follows both: it remembers every process it has seen, identified by pid and
start time (a pid the kernel reuses for another program is not ours), and adds, at each
refresh, the group's new members and the new children of the processes it knows.
Without /proc (not Linux) it only knows the group, through `killpg(pgid, 0)`.
"""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from signal import Signals

PROC = Path("/proc")
GONE_STATES = frozenset("ZXx")  # zombie or dead: the process has exited


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    pgid: int
    state: str
    start: int  # clock ticks after boot: with pid, the identity of a process

    @property
    def alive(self) -> bool:
        return self.state not in GONE_STATES


def read_stat(pid: int) -> ProcStat | None:
    """/proc/<pid>/stat, or None when the process is gone (or /proc cannot tell)."""
    try:
        raw = (PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()  # the name, in parentheses, may hold spaces
    return ProcStat(pid, int(fields[1]), int(fields[2]), fields[0], int(fields[19]))


def process_table() -> list[ProcStat]:
    """Every process /proc lists now (empty without /proc)."""
    table = []
    for entry in PROC.glob("[0-9]*"):
        stat = read_stat(int(entry.name))
        if stat is not None:
            table.append(stat)
    return table


def has_proc() -> bool:
    return (PROC / "self" / "stat").is_file()


@dataclass
class Tree:
    """The processes of the group `pgid` and their descendants, as far as seen so far."""

    pgid: int
    known: dict[int, int] = field(default_factory=dict)  # pid -> start time

    def refresh(self) -> list[int]:
        """Look again; returns the pids of live processes seen for the first time."""
        if not has_proc():
            return []
        table = [s for s in process_table() if s.alive]
        starts = {s.pid: s.start for s in table}
        new: list[int] = []
        grew = True
        while grew:  # a child's child may come before its parent in the table
            grew = False
            for s in table:
                parent = self.known.get(s.ppid)
                ours = s.pgid == self.pgid or (parent is not None and parent == starts.get(s.ppid))
                if ours and self.known.get(s.pid) != s.start:
                    self.known[s.pid] = s.start
                    new.append(s.pid)
                    grew = True
        return new

    def alive(self) -> list[int]:
        """The pids of the tree that still run (zombies have exited: they do not count)."""
        if not has_proc():
            with contextlib.suppress(OSError):
                os.killpg(self.pgid, 0)
                return [self.pgid]
            return []
        return sorted(pid for pid, start in self.known.items() if self._is(pid, start))

    def signal(self, sig: Signals) -> None:
        """Send sig to the whole group, and by pid to the known processes outside it."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, sig)
        for pid in self.alive():
            stat = read_stat(pid)
            if stat is not None and stat.pgid != self.pgid:
                self._kill(pid, self.known[pid], sig)

    def signal_each(self, sig: Signals, pids: list[int]) -> None:
        """Send sig to these known processes only (late starters, which missed the group's)."""
        for pid in pids:
            self._kill(pid, self.known[pid], sig)

    def _kill(self, pid: int, start: int, sig: Signals) -> None:
        """Signal pid only while it is still the process we saw (a pidfd pins it on Linux)."""
        fd = None
        with contextlib.suppress(OSError, AttributeError):  # AttributeError: not Linux
            fd = os.pidfd_open(pid)
        try:
            if not self._is(pid, start):
                return
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if fd is not None:
                    signal.pidfd_send_signal(fd, sig)
                else:
                    os.kill(pid, sig)
        finally:
            if fd is not None:
                os.close(fd)

    @staticmethod
    def _is(pid: int, start: int) -> bool:
        stat = read_stat(pid)
        return stat is not None and stat.alive and stat.start == start
