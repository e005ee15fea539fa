"""Build an expensive test input once per pytest run, shared by every xdist worker.

With pytest-xdist each worker is a process with a session of its own, so a session fixture
runs once per worker. `built_once` builds into the run's shared temporary folder (the parent
of the workers' own) under a file lock: the first worker builds, the others wait for it and
reuse the result. A build that failed is tried again by the next worker (and fails its tests
the same way). `private_copy` gives a worker its own copy, for inputs that tools write into
even when they only read (git refreshes its index, DVC takes locks in `.dvc/tmp`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest


def run_root(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this whole run (shared by the xdist workers)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """`build(folder)` once per run; returns the folder (read-only for tests: copy to mutate)."""
    root = run_root(factory)
    target, done = root / f"once-{name}", root / f"once-{name}.done"
    with open(root / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released by the kernel if the holder dies
        if not done.exists():
            if target.exists():
                shutil.rmtree(target)  # what a failed build left
            build(target)
            done.touch()
    return target


def settle_git_index(repo: Path) -> None:
    """Refresh the index now, so that later read-only git commands need not rewrite it
    (files written in the same second as the index are re-checked, and the index rewritten,
    by the next `git status`) while another worker copies the repository."""
    subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], check=True,
                   capture_output=True, timeout=120)  # fmt: skip


def private_copy(source: Path, target: Path) -> Path:
    """A copy of source at target (`cp -a`: modes, times and symlinks kept), for one worker.

    Lock files caught in the middle of a reader's work (git's index.lock) are stale in the
    copy, where nobody holds them: they are removed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(source), str(target)], check=True, timeout=300)
    for stale in target.rglob("index.lock"):
        stale.unlink()
    return target
