"""The reproducibility check's terminal runner, log line, verdict cache and environment section."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from metricwatch.config import parse_config
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import said
from metricwatch.parts.repro import cache as repro_cache
from metricwatch.parts.repro.environment import environment, read_pins, undeclared_inputs
from metricwatch.parts.repro.log import append_log, log_line
from metricwatch.parts.repro.model import OutputComparison, ReproReport, VolatileDiff
from metricwatch.parts.repro.session import drop_progress
from metricwatch.parts.repro.term import normalize, run_in_terminal


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state


def test_terminal_run_keeps_colours_and_separates_streams() -> None:
    code = "import sys; print('\\x1b[31mred\\x1b[0m', sys.stdout.isatty()); print('err', file=sys.stderr); sys.exit(4)"
    res = run_in_terminal([sys.executable, "-c", code], timeout_s=30)
    assert res.returncode == 4 and not res.timed_out
    assert res.stdout == "\x1b[31mred\x1b[0m True\n"
    assert res.stderr == "err\n"


def test_terminal_run_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    code = (
        "import subprocess, sys, pathlib;"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']);"
        f"pathlib.Path({str(pidfile)!r}).write_text(str(p.pid)); p.wait()"
    )
    # the timeout must fire after the grandchild exists: a few times what starting it takes
    # here and now (a run that stops once the pid is written), not a fixed number of seconds
    t0 = time.monotonic()
    first = run_in_terminal(
        [sys.executable, "-c", code.replace("p.wait()", "p.kill()")], timeout_s=300
    )
    assert first.returncode == 0 and pidfile.is_file()
    pidfile.unlink()
    res = run_in_terminal(
        [sys.executable, "-c", code], timeout_s=max(3.0, 4 * (time.monotonic() - t0))
    )
    assert res.timed_out and res.returncode is None
    grandchild = int(pidfile.read_text())
    assert not _alive(grandchild)  # gone when run_in_terminal returns: no waiting here


def test_normalize_resolves_redraws_and_drops_cursor_moves() -> None:
    raw = "\x1b]0;title\x07 10%\r 50%\r100% done\x1b[K\n\x1b[32mA\x1b[0m  data\n"
    assert normalize(raw) == "100% done\n\x1b[32mA\x1b[0m  data\n"


def test_drop_progress_keeps_errors() -> None:
    text = "Fetching\n!\nCollecting  |1.00 [00:00, 35.7entry/s]\n\x1b[31mERROR\x1b[39m: boom\n"
    assert drop_progress(text) == "\x1b[31mERROR\x1b[39m: boom\n"


def _report(**kw) -> ReproReport:
    base = dict(
        rev="v1.0.1",
        commit="0123456789abcdef0123456789abcdef01234567",
        verdict="differ",
        verdict_why=msg("repro.verdict.differ"),
        why=[said("repro.verdict.differ")],
        outputs=[
            OutputComparison(
                path="model.bin", stage="train", kind="file", expected="a", actual="b", match=False
            ),
            OutputComparison(
                path="out", stage="prep", kind="dir", expected="c.dir", actual="c.dir", match=True
            ),
        ],
        volatile_diffs=[
            VolatileDiff(
                path="metrics.json", stage="train", key="train_time_s", expected="1.5", actual="2.0"
            )
        ],
        checked_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        duration_s=12.34,
    )
    base.update(kw)
    return ReproReport(**base)


def test_log_line_has_iso_timestamp_with_zone_rev_commit_verdict_and_facts() -> None:
    line = log_line(_report(), "Europe/Madrid")
    assert line == (
        "2026-01-02T04:04:05+01:00 - rev v1.0.1 (commit 0123456789ab) - reproduced: outputs differ"
        " - differing outputs: model.bin (stage train)"
        " - volatile: metrics.json:train_time_s 1.5 -> 2.0 - 12.3 s"
    )


def test_log_appends_one_line_per_check(tmp_path: Path) -> None:
    cfg = parse_config({"report": {"output": "rep"}}, "test", tmp_path)
    append_log(cfg, _report())
    path = append_log(
        cfg,
        _report(
            verdict="identical",
            verdict_why=msg("repro.verdict.identical"),
            why=[said("repro.verdict.identical")],
            outputs=[],
        ),
    )
    assert path == tmp_path / "rep" / "logs" / "reproducibility.log"
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and "differing outputs: none" in lines[1]


def test_cache_round_trip_and_invalidation(tmp_path: Path) -> None:
    cfg = parse_config({"report": {"output": "rep"}}, "test", tmp_path)
    key = repro_cache.cache_key(cfg, second_run=False)
    report = _report()
    assert repro_cache.store(cfg, report, key) is not None
    hit = repro_cache.load(cfg, report.commit, key)
    assert hit is not None and hit.cached and hit.message == report.message
    assert repro_cache.load(cfg, report.commit, {**key, "volatile_keys": ["time"]}) is None
    assert repro_cache.load(cfg, report.commit, repro_cache.cache_key(cfg, second_run=True)) is None


def test_unavailable_verdict_is_not_cached(tmp_path: Path) -> None:
    cfg = parse_config({}, "test", tmp_path)
    report = _report(
        verdict="unavailable",
        verdict_why=msg("repro.verdict.unavailable", path="d"),
    )
    assert repro_cache.store(cfg, report, repro_cache.cache_key(cfg, False)) is None


def test_pins_detected_and_compared_with_installed(tmp_path: Path) -> None:
    import numpy

    (tmp_path / "requirements.txt").write_text(f"numpy=={numpy.__version__}\npandas==0.0.1\n# c\n")
    (tmp_path / "requirements-dev.txt").write_text("pytest>=8\n")
    found, pins, unpinned = read_pins(tmp_path)
    assert found == ["requirements.txt"]
    assert pins == {"numpy": numpy.__version__, "pandas": "0.0.1"}
    assert unpinned == ["requirements-dev.txt: pytest>=8"]
    env = environment(tmp_path)
    assert env.pinned is True
    by_name = {p.name: p for p in env.packages}
    assert by_name["numpy"].matches is True
    assert by_name["pandas"].matches is False
    assert any("pandas" in n and "pinned 0.0.1" in n for n in env.notes)


def test_no_pins_is_said(tmp_path: Path) -> None:
    env = environment(tmp_path)
    assert env.pinned is False and env.lock_files == []
    assert any("pins no dependencies" in n for n in env.notes)


def test_undeclared_input_named_from_a_traceback(tmp_path: Path) -> None:
    err = (
        "Traceback (most recent call last):\n"
        "FileNotFoundError: [Errno 2] No such file or directory: 'config/local.txt'\n"
    )
    found = undeclared_inputs("train", err, ["src/train.py"], tmp_path)
    assert [(u.stage, u.path) for u in found] == [("train", "config/local.txt")]
    assert undeclared_inputs("train", err, ["config/local.txt"], tmp_path) == []


def test_cli_table_from_a_cached_verdict_and_help(tmp_path: Path, capsys) -> None:
    from support.repos import commit_all, init_repo

    from metricwatch.cli import main
    from metricwatch.config import load_config

    repo = init_repo(tmp_path / "project", with_dvc=False)
    (repo / "f").write_text("x\n")
    (repo / "dvc.yaml").write_text("stages: {}\n")  # the tag has a pipeline: it is chosen
    commit = commit_all(repo, "one", tag="v2.0.0")
    (tmp_path / "metricwatch.yaml").write_text("project: {path: project}\n")
    cfg = load_config(tmp_path / "metricwatch.yaml")
    report = _report(rev="v2.0.0", commit=commit)
    repro_cache.store(cfg, report, repro_cache.cache_key(cfg, second_run=False))

    rc = main(["repro", "-c", str(tmp_path / "metricwatch.yaml")])
    out = capsys.readouterr()
    assert rc == 1  # outputs differ
    assert "reproduced: outputs differ: model.bin (stage train)" in out.out
    assert "cached verdict" in out.out
    assert "volatile metrics.json:train_time_s: 1.5 → 2.0" in out.out
    assert "using the cached verdict for v2.0.0" in out.err

    assert main(["repro", "--help"]) == 0
    assert "--second-run" in capsys.readouterr().out
    assert main(["repro", "-c", str(tmp_path / "metricwatch.yaml"), "--format", "xml"]) == 2


def test_cli_reproduces_repro_rev_from_the_config(tmp_path: Path, capsys) -> None:
    from support.repos import commit_all, init_repo

    from metricwatch.cli import main
    from metricwatch.config import load_config

    repo = init_repo(tmp_path / "project", with_dvc=False)
    (repo / "f").write_text("x\n")
    commit = commit_all(repo, "one", tag="v2.0.0")
    (repo / "f").write_text("y\n")
    commit_all(repo, "two", tag="v2.0.1")  # the newest tag: used only without repro.rev
    config = tmp_path / "metricwatch.yaml"
    config.write_text("project: {path: project}\nrepro: {rev: v2.0.0}\n")
    cfg = load_config(config)
    repro_cache.store(
        cfg, _report(rev="v2.0.0", commit=commit), repro_cache.cache_key(cfg, second_run=False)
    )
    assert main(["repro", "-c", str(config)]) == 1
    assert "using the cached verdict for v2.0.0" in capsys.readouterr().err


def test_error_line_keeps_the_targets_a_dvc_error_lists() -> None:
    from metricwatch.parts.repro.session import error_line
    from metricwatch.procs import ProcResult

    stderr = (
        "WARNING: Some of the cache files do not exist\n"
        "ERROR: failed to pull data from the cloud - Checkout failed for following targets:\n"
        "data/current/batch.csv\nIs your cache up to date?\n<https://error.dvc.org/missing-files>\n"
    )
    res = ProcResult(args=("dvc",), returncode=1, stdout="", stderr=stderr, duration_s=0.1)
    assert error_line(res) == (
        "ERROR: failed to pull data from the cloud - Checkout failed for following targets: "
        "data/current/batch.csv"
    )


def test_report_shows_no_verdict_as_unknown_not_as_a_failure() -> None:
    from metricwatch.parts.repro.section import _status

    assert _status("identical") == "ok"
    assert [_status(v) for v in ("differ", "failed", "timed_out")] == ["fail"] * 3
    assert _status("unavailable") == _status("error") == "unknown"


def test_default_revision_is_the_newest_matching_tag_with_a_pipeline(tmp_path: Path) -> None:
    """A course project: data tags with `.dvc` files only, the pipeline came later."""
    from support.repos import commit_all, git, init_repo

    from metricwatch.parts.repro.clone import resolve_target

    repo = init_repo(tmp_path / "p", with_dvc=False)
    (repo / "sub").mkdir()
    cfg = parse_config({"project": {"path": str(repo)}, "tags": {"pattern": "data-v*"}}, "t", repo)
    (repo / "a.csv.dvc").write_text("outs: []\n")
    commit_all(repo, "data", tag="data-v1.0")
    target = resolve_target(cfg, None)
    assert (target.rev, str(target.why)) == (
        "HEAD",
        "HEAD: none of the 1 tag(s) matching 'data-v*' has a dvc.yaml (newest: data-v1.0)",
    )
    (repo / "dvc.yaml").write_text("stages: {}\n")
    commit_all(repo, "pipeline", tag="data-v1.1")
    (repo / "dvc.yaml").unlink()
    commit_all(repo, "pipeline dropped", tag="data-v1.2")
    (repo / "b.csv.dvc").write_text("outs: []\n")
    commit_all(repo, "more data", tag="data-v1.3")
    target = resolve_target(cfg, None)
    assert target.rev == "data-v1.1"
    assert target.commit == git(repo, "rev-parse", "data-v1.1^{commit}").stdout.strip()
    assert str(target.why) == (
        "data-v1.1: the newest tag matching 'data-v*' with a dvc.yaml "
        "(newer without one: data-v1.3, data-v1.2)"
    )
    assert resolve_target(cfg, "data-v1.3").why is None  # asked for: no choice to explain
    none = parse_config({"project": {"path": str(repo)}, "tags": {"pattern": "v*"}}, "t", repo)
    assert str(resolve_target(none, None).why) == "HEAD: no tag matches 'v*'"
    # a DVC project in a subfolder: its dvc.yaml is looked for there
    sub = parse_config({"project": {"path": str(repo / "sub")}, "tags": {"pattern": "data-v*"}},
                       "t", repo)  # fmt: skip
    assert str(resolve_target(sub, None).why).startswith("HEAD: none of the 4 tag(s) matching")
    assert "has a sub/dvc.yaml" in str(resolve_target(sub, None).why)
