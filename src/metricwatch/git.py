"""The one git gateway: every git command metricwatch runs goes through this module.

One policy for all of them:
- argument lists, never a shell; refs and paths from users are passed after the options;
- the environment turns off optional locks (reading the user's repository never rewrites its
  index) and terminal prompts (a credential request fails instead of waiting for a person);
- one timeout policy, derived from the work: TIMEOUT_S for a command on a local repository,
  plus PER_ITEM_S for each object a batched read asks for, and COPY_TIMEOUT_S for commands that
  copy a repository (clone, fetch). A timed-out git is killed with its process group.

`run_git` returns the result for callers to whom a failure is an answer ("not a repository",
"no such revision"); `git` and `git_bytes` raise GitError naming the repository and the command.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from metricwatch.errors import GitError
from metricwatch.procs import ProcResult, kill_group, run

TIMEOUT_S = 60.0  # any command on a local repository (refs, objects, index, work tree)
PER_ITEM_S = 0.05  # plus this for each object a batched read (`cat-file --batch`) asks for
COPY_TIMEOUT_S = 120.0  # commands that copy a repository: clone, fetch


def timeout_for(items: int = 0) -> float:
    """The wait for one git command that handles `items` objects in a batch."""
    return TIMEOUT_S + max(items, 0) * PER_ITEM_S


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment (or `base`, e.g. the demo builder's, without GIT_*) with no
    optional locks and no prompts."""
    env = os.environ if base is None else base
    return {**env, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}


def _argv(repo: Path | None, args: Sequence[str]) -> list[str]:
    return ["git", *(["-C", str(repo)] if repo is not None else []), *args]


def run_git(
    repo: Path | None,
    *args: str,
    timeout_s: float = TIMEOUT_S,
    input_text: str | None = None,
    base_env: Mapping[str, str] | None = None,
) -> ProcResult:
    """Run `git -C repo ARGS` (no -C when repo is None); the result, whatever it is.
    `base_env`: the environment to start from instead of this process's (see git_env)."""
    env = git_env(base_env)
    return run(_argv(repo, args), timeout_s=timeout_s, env=env, input_text=input_text)


def _command(args: Sequence[str]) -> str:
    return next((a for a in args if not a.startswith("-") and "=" not in a), "git")


def git(
    repo: Path | None,
    *args: str,
    timeout_s: float = TIMEOUT_S,
    input_text: str | None = None,
) -> ProcResult:
    """Run git like run_git; GitError naming the repository and the command when it fails."""
    res = run_git(repo, *args, timeout_s=timeout_s, input_text=input_text)
    where = repo if repo is not None else Path.cwd()
    if res.timed_out:
        raise GitError(
            f"{where}: `git {_command(args)}` timed out after {timeout_s:.0f} s; "
            "check that the repository is on a responsive disk and not locked by another git"
        )
    if res.returncode != 0:
        raise GitError(f"{where}: `git {_command(args)}` failed: {res.stderr.strip()[:500]}")
    return res


def git_bytes(repo: Path, *args: str, input_bytes: bytes, timeout_s: float) -> bytes:
    """Run git with binary stdin and stdout (object contents); GitError when it fails."""
    proc = subprocess.Popen(
        _argv(repo, args),
        env=git_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(input=input_bytes, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        kill_group(proc)
        proc.communicate()
        raise GitError(
            f"{repo}: `git {_command(args)}` timed out after {timeout_s:.0f} s; "
            "check that the repository is on a responsive disk"
        ) from exc
    except BaseException:
        kill_group(proc)
        raise
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[:500]
        raise GitError(f"{repo}: `git {_command(args)}` failed: {detail}")
    return out
