"""The warm CLI runner (support/warm_cli.py): each run is a real process of its own (pid,
process group, cwd, exactly the environment given, argv, stdin at EOF), its streams apart, its
exit code, death by signal and timeout as subprocess reports them; nothing left running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support import warm_cli
from support.processes import alive

PROBE = Path(__file__).parent / "support" / "warm_probe.py"


def probe(
    *argv: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    return warm_cli.run_cli(list(argv), env=dict(os.environ) if env is None else env,
                            script=PROBE, **kw)  # type: ignore[arg-type]  # fmt: skip


def test_a_run_is_a_process_of_its_own_with_exactly_the_given_env_and_cwd(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GIT_AUTHOR_NAME"}
    env["MW_WARM_PROBE"] = "ü value"
    warm = warm_cli.COUNTS.warm
    run = probe("facts", "x y", env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert warm_cli.COUNTS.warm == warm + 1  # forked, not exec'd
    assert seen["env"] == env and "GIT_AUTHOR_NAME" not in seen["env"]
    assert seen["cwd"] == str(tmp_path) and seen["argv"] == [str(PROBE), "facts", "x y"]
    assert seen["pid"] not in (os.getpid(), seen["ppid"]) and seen["pgid"] == seen["pid"]
    assert seen["stdin"] == ""
    assert run.stderr == "to stderr\n"


def test_exit_codes_crashes_and_exceptions_are_reported_as_subprocess_does() -> None:
    exited = probe("exit", "7")
    assert (exited.returncode, exited.stdout) == (7, "leaving\n")
    assert probe("abort").returncode == -signal.SIGABRT
    raised = probe("raise")
    assert raised.returncode == 1 and "ValueError: probe failed" in raised.stderr


def test_a_timeout_kills_the_run_and_its_children_and_raises(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        probe("hang", str(pid_file), timeout=15)
    assert caught.value.timeout == 15 and caught.value.cmd[-2:] == ["hang", str(pid_file)]
    assert not alive(int(pid_file.read_text(encoding="utf-8")))


def test_an_env_change_read_at_import_runs_a_real_exec() -> None:
    execs = warm_cli.COUNTS.exec
    run = probe("facts", env={**os.environ, "PYTHONHASHSEED": "7"})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["ppid"] == os.getpid()  # started by us: an exec
    assert warm_cli.COUNTS.exec == execs + 1


def test_the_cli_forked_warm_prints_what_a_fresh_process_prints() -> None:
    """metricwatch's rich Consoles read COLUMNS at import: the child imports them fresh."""
    env = {**os.environ, "COLUMNS": "61", "NO_COLOR": "1"}
    warm = warm_cli.run_cli(["check", "--help"], env=env)
    cold = subprocess.run([sys.executable, "-m", "metricwatch", "check", "--help"],
                          capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert (warm.returncode, warm.stdout, warm.stderr) == (0, cold.stdout, cold.stderr)
    assert max(len(line) for line in warm.stdout.splitlines()) <= 61
    usage = warm_cli.run_cli(["no-such-command"], env=env)
    assert usage.returncode == 2 and "No such command" in usage.stderr and usage.stdout == ""


def test_dvc_forked_warm_answers_as_dvc_does(tmp_path: Path) -> None:
    """`module="dvc"` (support/repos.py's `dvc`): DVC's own CLI, in the given cwd, its code."""
    import dvc

    warm = warm_cli.COUNTS.warm
    version = warm_cli.run_cli(["--version"], env=dict(os.environ), module="dvc")
    assert (version.returncode, version.stdout.strip()) == (0, dvc.__version__)
    outside = warm_cli.run_cli(["status"], env=dict(os.environ), cwd=tmp_path, module="dvc")
    assert outside.returncode != 0 and "you are not inside of a DVC repository" in outside.stderr
    assert outside.args[1:3] == ["-m", "dvc"] and warm_cli.COUNTS.warm == warm + 2


def test_stop_all_leaves_no_zygote_running() -> None:
    probe("exit", "0")
    pids = [z.proc.pid for z in warm_cli._all]
    assert pids
    warm_cli.stop_all()
    assert not [pid for pid in pids if alive(pid)] and not warm_cli._all
