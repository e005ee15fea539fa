"""The demo builder's git goes through the gateway (metricwatch.git) from the builder's own
environment: the caller's GIT_* variables never redirect it, a failure names the command and
the build log, and every command is in the log."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from metricwatch.demo.shell import Shell
from metricwatch.errors import MetricwatchError


def test_git_ignores_the_callers_git_variables_and_logs_each_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.setenv("GIT_DIR", str(elsewhere / ".git"))  # would redirect a plain `git`
    monkeypatch.setenv("GIT_AUTHOR_NAME", "someone else")
    sh = Shell(project, tmp_path / "build.log", python=Path(sys.executable))
    sh.git("init", "-q", "-b", "main")
    (project / "f.txt").write_text("x\n", encoding="utf-8")
    sh.git("add", "-A")
    sh.git("commit", "-q", "-m", "first")
    assert (project / ".git").is_dir() and not (elsewhere / ".git").exists()
    author = sh.git("log", "-1", "--format=%an <%ae>").stdout.strip()
    assert author == "metricwatch demo <demo@metricwatch.invalid>"
    seen = sh.git("-c", "alias.env=!env", "env").stdout.splitlines()  # git's own child's env
    assert "GIT_OPTIONAL_LOCKS=0" in seen  # the gateway's environment, not a private one
    assert "GIT_AUTHOR_NAME=someone else" not in seen
    log = (tmp_path / "build.log").read_text(encoding="utf-8")
    assert "git -c user.name=metricwatch demo" in log and " commit -q -m first" in log


def test_a_failing_git_names_the_command_and_the_log(tmp_path: Path) -> None:
    sh = Shell(tmp_path, tmp_path / "build.log", python=Path(sys.executable))
    with pytest.raises(MetricwatchError) as err:
        sh.git("rev-parse", "HEAD")  # not a repository
    text = str(err.value)
    assert "rev-parse HEAD" in text and "exited 128" in text
    assert f"full output in {tmp_path / 'build.log'}" in text
