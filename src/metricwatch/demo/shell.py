"""The demo build's commands: git and DVC, with timeouts and a build log.

Git runs through the one gateway (`metricwatch.git`: its timeout, no prompts) and gets its
identity and settings on the command line (`git -c …`), never from the user's global config
(no signing, no hooks) nor the caller's GIT_* variables. `dvc repro` runs as `python -m dvc` of this
interpreter (its stages are processes anyway); init/add/push use DVC's Python API in this
process, which saves an interpreter start each on a busy machine.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from metricwatch.errors import MetricwatchError
from metricwatch.git import run_git
from metricwatch.procs import ProcResult, run

GIT_SETTINGS = (
    "user.name=metricwatch demo",
    "user.email=demo@metricwatch.invalid",
    "commit.gpgsign=false",
    "tag.gpgsign=false",
    "core.hooksPath=/dev/null",
    "init.defaultBranch=main",
)
# Variables that would redirect or resume MLflow runs inside the stages.
MLFLOW_VARS = (
    "MLFLOW_TRACKING_URI",
    "MLFLOW_RUN_ID",
    "MLFLOW_EXPERIMENT_NAME",
    "MLFLOW_EXPERIMENT_ID",
)
TIMEOUT_S = 300.0
T = TypeVar("T")


class Shell:
    def __init__(self, cwd: Path, log_path: Path, *, python: Path) -> None:
        self.cwd = cwd
        self.log_path = log_path
        self.python = python

    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(DVC_NO_ANALYTICS="1", DVC_NO_UPDATER="1", GIT_TERMINAL_PROMPT="0")
        return env

    def stage_env(self, tracking_uri: str | None, run_id: str | None = None) -> dict[str, str]:
        """Environment for `dvc repro`: this interpreter first on PATH; MLflow only if given
        (run_id: the release's run, which the stages log into)."""
        env = {k: v for k, v in self.base_env().items() if k not in MLFLOW_VARS}
        env["PATH"] = os.pathsep.join([str(self.python.parent), env.get("PATH", "")])
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        if tracking_uri:
            env["MLFLOW_TRACKING_URI"] = tracking_uri
            if run_id:
                env["MLFLOW_RUN_ID"] = run_id
        return env

    def _log(self, text: str) -> None:
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(text)

    def _api(self, what: str, fn: Callable[[Any], T], *, init: bool = False) -> T:
        """Run fn(repo) with DVC's API; its console output goes to the build log."""
        from dvc.exceptions import DvcException
        from dvc.repo import Repo
        from dvc.ui import ui

        out = io.StringIO()
        enabled = ui._enabled  # DVC's console has enable() but no disable()
        ui._enabled = False
        dvc_logger = logging.getLogger("dvc")
        level = dvc_logger.level
        dvc_logger.setLevel(logging.WARNING)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                repo = Repo.init(str(self.cwd)) if init else Repo(str(self.cwd))
                with repo:
                    return fn(repo)
        except DvcException as exc:
            raise MetricwatchError(
                f"demo build: dvc {what} in {self.cwd} failed: {exc}; see {self.log_path}"
            ) from exc
        finally:
            ui._enabled = enabled
            dvc_logger.setLevel(level)
            self._log(f"$ dvc {what}  (in process)\n{out.getvalue()}")

    def dvc_init(self, remote_name: str, remote: Path) -> None:
        def configure(repo: Any) -> None:
            with repo.config.edit() as conf:
                conf["core"]["analytics"] = "false"
                conf["core"]["remote"] = remote_name
                conf["remote"][remote_name] = {"url": str(remote)}

        self._api(f"init; remote {remote_name} = {remote}", configure, init=True)

    def dvc_add(self, *paths: str) -> None:
        self._api(
            f"add {' '.join(paths)}", lambda repo: repo.add([str(self.cwd / p) for p in paths])
        )

    def dvc_push(self, remote_name: str) -> int:
        return self._api(f"push -r {remote_name}", lambda repo: repo.push(remote=remote_name))

    def _run(self, args: list[str], env: Mapping[str, str] | None) -> ProcResult:
        result = run(args, timeout_s=TIMEOUT_S, cwd=self.cwd, env=env or self.base_env())
        return self._checked(args, result)

    def _checked(self, args: list[str], result: ProcResult) -> ProcResult:
        """Log the command and its output; MetricwatchError naming it when it failed."""
        self._log(
            f"$ {' '.join(args)}  ({result.duration_s:.1f} s)\n{result.stdout}{result.stderr}"
        )
        if not result.ok:
            why = "timed out" if result.timed_out else f"exited {result.returncode}"
            tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
            raise MetricwatchError(
                f"demo build: `{' '.join(args)}` in {self.cwd} {why}:\n"
                + "\n".join(tail)
                + f"\nfull output in {self.log_path}"
            )
        return result

    def git(self, *args: str) -> ProcResult:
        """git through the gateway (metricwatch.git: its timeout, no prompts), from this
        builder's environment (no GIT_* of the caller's)."""
        argv = [part for s in GIT_SETTINGS for part in ("-c", s)] + list(args)
        result = run_git(self.cwd, *argv, base_env=self.base_env())
        return self._checked(["git", *argv], result)

    def dvc(self, *args: str, env: Mapping[str, str] | None = None) -> ProcResult:
        return self._run([str(self.python), "-m", "dvc", *args], env)
