"""Real git + DVC repositories in temporary folders, for tests.

`dvc(…)` is DVC's own CLI (`python -m dvc ARGS`) in a process of its own, forked warm from the
test run's zygote (support/warm_cli.py: `dvc.repo` already imported) unless the environment
changes a name read at import (then a real exec, as `MW_TESTS_COLD_CLI=1` makes every run).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from support.warm_cli import run_cli


def sh(
    cwd: Path, *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run a command in cwd (argument list, no shell) and fail the test with its output."""
    proc = subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    return _checked(proc, check)


def _checked(proc: subprocess.CompletedProcess, check: bool) -> subprocess.CompletedProcess:
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(proc.args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return sh(cwd, "git", *args, check=check)


def dvc(
    cwd: Path, *args: str, check: bool = True, timeout: float = 300
) -> subprocess.CompletedProcess:
    proc = run_cli(list(args), env=dict(os.environ), cwd=cwd, timeout=timeout, module="dvc")
    return _checked(proc, check)


def init_repo(path: Path, *, with_dvc: bool = True, remote: Path | None = None) -> Path:
    """git init (branch main) + dvc init, optionally with a local folder remote as default."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    if with_dvc:
        dvc(path, "init", "-q")
        dvc(path, "config", "core.analytics", "false")
        if remote is not None:
            remote.mkdir(parents=True, exist_ok=True)
            dvc(path, "remote", "add", "-d", "local", str(remote))
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", "init dvc")
    return path


def commit_all(path: Path, message: str, tag: str | None = None) -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    if tag:
        git(path, "tag", "-a", tag, "-m", f"release {tag}")
    return git(path, "rev-parse", "HEAD").stdout.strip()
