"""kill_group on real process trees: stubborn members, escaped and orphaned descendants, late
starters, a group that outlived its leader. Nothing may run when kill_group returns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.processes import alive, live_group_members

from metricwatch.procs import kill_group

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc (Linux) to see what is left"
)

# ignores SIGTERM (as a server busy starting may), says when it is ready
STUBBORN = (
    "import signal, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(600)\n"
)
# dies at once on SIGTERM, leaving its child (in a session of its own) to init
MIDDLE = (
    "import subprocess, sys, time\n"
    f"p = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}], stdout=subprocess.PIPE,\n"
    "                     text=True, start_new_session=True)\n"
    "p.stdout.readline()\n"
    "print(p.pid, flush=True)\n"
    "time.sleep(600)\n"
)
# the leader: on SIGTERM it starts one more process (like `mlflow server` starting its job
# runner after installing its handler), writes its pid to argv[1], then exits
TREE = (
    "import os, pathlib, signal, subprocess, sys, time\n"
    "def start(code, **kw):\n"
    "    p = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, text=True, **kw)\n"
    "    return p, p.stdout.readline().strip()\n"
    "def late(signum, frame):\n"
    f"    p = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}], stdout=subprocess.PIPE)\n"
    "    pathlib.Path(sys.argv[1]).write_text(str(p.pid))\n"
    "    p.stdout.readline()\n"
    "    os._exit(0)\n"
    f"member, _ = start({STUBBORN!r})\n"
    f"escaped, _ = start({STUBBORN!r}, start_new_session=True)\n"
    f"middle, orphan = start({MIDDLE!r})\n"
    "signal.signal(signal.SIGTERM, late)\n"
    "print(member.pid, escaped.pid, middle.pid, orphan, flush=True)\n"
    "time.sleep(600)\n"
)


def _kill_all(pids: list[int]) -> None:
    """Test clean-up only: SIGKILL what a failed assertion would otherwise leave running."""
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_nothing_of_the_tree_survives(tmp_path: Path) -> None:
    late_file = tmp_path / "late.pid"
    leader = subprocess.Popen(
        [sys.executable, "-c", TREE, str(late_file)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    pids = [int(p) for p in leader.stdout.readline().split()]
    try:
        assert len(pids) == 4 and all(alive(p) for p in pids)
        escaped, orphan = pids[1], pids[3]
        assert os.getpgid(escaped) != leader.pid and os.getpgid(orphan) != leader.pid
        left = kill_group(leader, grace_s=2)
        late = [int(late_file.read_text())] if late_file.is_file() else []
        assert left == []
        assert [p for p in [*pids, *late] if alive(p)] == []
        assert live_group_members(leader.pid) == []
        assert leader.returncode is not None  # the leader is reaped, not a zombie
    finally:
        _kill_all([*pids, *live_group_members(leader.pid)])
        leader.stdout.close()


def test_a_group_that_outlived_its_leader_is_emptied() -> None:
    code = (
        "import subprocess, sys\n"
        f"p = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}], stdout=subprocess.PIPE)\n"
        "p.stdout.readline()\n"
        "print(p.pid, flush=True)\n"
    )
    leader = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    child = int(leader.stdout.readline())
    leader.wait(timeout=120)
    try:
        assert alive(child) and live_group_members(leader.pid) == [child]
        assert kill_group(leader, grace_s=1) == []
        assert not alive(child) and live_group_members(leader.pid) == []
    finally:
        _kill_all([child])
        leader.stdout.close()
