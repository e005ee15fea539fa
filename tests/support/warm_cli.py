"""The warm CLI runner: `python -m metricwatch ARGS` as a real process, without paying the
interpreter start and `import mlflow, pandas, dvc …` (≈4 s of CPU) each time.

`run_cli(argv, env=, cwd=, timeout=)` returns a `subprocess.CompletedProcess` (text) like
`subprocess.run(capture_output=True, text=True)` and raises `subprocess.TimeoutExpired` the same
way; `module="dvc"` runs `python -m dvc ARGS` instead (support/repos.py's `dvc`), `script=` a file
(support/course_project.py's MLflow logging). Each run is a child forked from a zygote
(support/warm_zygote.py) that imported the heavy modules once: its own pid, process group, cwd,
environment (exactly `env`: names left out are unset), argv, stdin /dev/null, stdout/stderr read
back separately, its exit code (-N when a signal killed it). A timeout kills the child's whole
process group. metricwatch's own modules are not pre-imported (cli/console.py builds its rich
Consoles from COLUMNS/NO_COLOR at import): each child imports them fresh under its own environment.

A request falls back to a real exec (`subprocess.run`) when its environment differs from the
zygote's in a name read at import: every name the pre-imports read (traced by the zygote), and
PYTHON*, LC_*, LANG*, TZ, OPENBLAS_*, OMP_*, MKL_* (read by the interpreter or C libraries).

MW_TESTS_COLD_CLI=1 in pytest's environment makes every run a real exec (to compare timings or
to rule the runner out when a test fails).

Zygotes are per pytest process, started lazily with os.environ as it is then, and stopped by
`stop_all()` (session fixture in tests/conftest.py; atexit too). One more starts for a concurrent
caller (e.g. a thread pool) or when a test changed os.environ in a name read at import since the
others started (a zygote started inside a monkeypatched test would otherwise send every later
run to exec), at most MAX_ZYGOTES; past that, a run that fits no idle zygote is exec'd.

Real execs on purpose, not through this runner: tests/test_onboarding.py's course-project `init`
(the installed entry point; its other commands are warm), test_alerts_cli.py's `serve` (the entry
point, a long-running server), support/delivered.py (`make report` and the deliverable's commands),
test_render_quarto (`report` with Quarto), and in tests/faults: test_fault_output.py (a report
killed by a signal; a file-size rlimit set in preexec_fn), test_fault_alert_lifecycle.py (two
checks racing), and test_fault_drift_scale.py's PYTHONPATH shims (fall back by the rule above).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ZYGOTE = Path(__file__).with_name("warm_zygote.py")
STATIC_PREFIXES = ("PYTHON", "LC_", "LANG", "TZ", "OPENBLAS_", "OMP_", "MKL_")
HELLO_TIMEOUT_S = 600  # the imports alone; on a loaded 2-core machine they take tens of seconds
REPLY_MARGIN_S = 60  # past the child's timeout: the zygote kills it and answers at once
MAX_ZYGOTES = 3  # per pytest process: ≈ 0.3 GB and ≈ 4 CPU-seconds each


@dataclass
class Counts:
    warm: int = 0
    exec: int = 0
    zygotes: int = 0


COUNTS = Counts()


@dataclass
class Zygote:
    proc: subprocess.Popen[bytes]
    to: IO[str]
    back: IO[str]
    env: dict[str, str]
    env_read: list[str] = field(default_factory=list)

    def reply(self, timeout: float) -> dict[str, Any]:
        ready, _, _ = select.select([self.back], [], [], timeout)
        line = self.back.readline() if ready else ""
        if not line:
            self.proc.kill()
            raise RuntimeError(
                f"warm zygote {self.proc.pid} gave no answer (exit {self.proc.poll()})"
            )
        return dict(json.loads(line))

    def stop(self) -> None:
        self.to.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.back.close()


_idle: list[Zygote] = []
_all: list[Zygote] = []
_lock = threading.Lock()


def _start() -> Zygote:
    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, str(ZYGOTE), str(req_r), str(rep_w)],
        pass_fds=(req_r, rep_w),
        stdout=subprocess.DEVNULL,
        env=env,
    )
    os.close(req_r)
    os.close(rep_w)
    zyg = Zygote(proc, os.fdopen(req_w, "w", buffering=1), os.fdopen(rep_r, "r"), env)
    zyg.env_read = zyg.reply(HELLO_TIMEOUT_S)["env_read"]
    COUNTS.zygotes += 1
    return zyg


def _differs(name: str, env: dict[str, str], zyg: Zygote) -> bool:
    """Whether `name` differs between env and the zygote's in a way read at import."""
    prefixes = STATIC_PREFIXES + tuple(n[:-1] for n in zyg.env_read if n.endswith("*"))
    if name in zyg.env_read or name.startswith(prefixes):
        return env.get(name) != zyg.env.get(name)
    return f"?{name}" in zyg.env_read and (name in env) != (name in zyg.env)


def needs_exec(env: dict[str, str], zyg: Zygote) -> bool:
    """True when `env` changes a name read at start or import (see the module docstring)."""
    if "*" in zyg.env_read:
        return True
    return any(_differs(n, env, zyg) for n in set(env) | set(zyg.env))


def _fits(env: dict[str, str], zygotes: list[Zygote]) -> Zygote | None:
    return next((z for z in zygotes if not needs_exec(env, z)), None)


def _acquire(env: dict[str, str]) -> Zygote | None:
    """An idle zygote that can run `env` warm; else a new one, started with os.environ as it
    is now, when no idle zygote fits that (a caller beside a busy one, or a test changed the
    environment after the first started) and fewer than MAX_ZYGOTES run; else None (exec)."""
    here = dict(os.environ)
    with _lock:
        zyg = _fits(env, _idle)
        if zyg is not None:
            _idle.remove(zyg)
            return zyg
        if _fits(here, _idle) is not None or len(_all) >= MAX_ZYGOTES:
            return None  # a new zygote would start like an idle one, or enough run already
    zyg = _start()
    with _lock:
        _all.append(zyg)
    return zyg


def _command(argv: list[str], script: Path | None, module: str) -> list[str]:
    return [sys.executable, *([str(script)] if script else ["-m", module]), *argv]


def run_cli(
    argv: list[str],
    env: dict[str, str],
    cwd: Path | None = None,
    timeout: float = 600,
    script: Path | None = None,
    module: str = "metricwatch",
) -> subprocess.CompletedProcess[str]:
    """`python -m MODULE *argv` (or `python SCRIPT *argv`) with exactly `env` in `cwd`."""
    cmd = _command(argv, script, module)
    if os.environ.get("MW_TESTS_COLD_CLI") == "1":
        COUNTS.exec += 1
        return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd,
                              timeout=timeout, stdin=subprocess.DEVNULL)  # fmt: skip
    zyg = _acquire(env)
    try:
        if zyg is None or needs_exec(env, zyg):
            COUNTS.exec += 1
            return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd,
                                  timeout=timeout, stdin=subprocess.DEVNULL)  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="warm-cli-") as tmp:
            out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
            req = {"argv": argv, "env": env, "cwd": str(cwd or Path.cwd()), "timeout": timeout,
                   "stdout": str(out), "stderr": str(err), "script": script and str(script),
                   "module": module}  # fmt: skip
            zyg.to.write(json.dumps(req) + "\n")
            rep = zyg.reply(timeout + REPLY_MARGIN_S)
            COUNTS.warm += 1
            texts = [p.read_text(encoding="utf-8") if p.exists() else ""
                     for p in (out, err)]  # fmt: skip
        if rep.get("timeout"):
            raise subprocess.TimeoutExpired(cmd, timeout, output=texts[0], stderr=texts[1])
        return subprocess.CompletedProcess(cmd, int(rep["code"]), texts[0], texts[1])
    finally:
        if zyg is not None:
            with _lock:
                _idle.append(zyg)


def stop_all() -> None:
    """Stop every zygote (EOF on its requests: it exits); nothing of ours is left running."""
    with _lock:
        zygotes = list(_all)
        _all.clear()
        _idle.clear()
    for zyg in zygotes:
        zyg.stop()


atexit.register(stop_all)
