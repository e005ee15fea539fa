"""Faults of the outputs: a report killed mid-run, a full disk, a `.prom` write that fails.

Each case proves the previous file(s) survived byte for byte and that no temporary file was left
beside them. ("Two reports at once" is in test_fault_lock.py.) The disk-full faults are real OS
errors: a small tmpfs mounted as the report folder (when this machine lets us mount one), and a
file-size limit (RLIMIT_FSIZE) on the child process, so its writes fail with EFBIG.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus import fault
from faultkit import REPORT_FILES, Run, assert_kept, expect, file_hashes

from metricwatch.parts.registry import part_names
from metricwatch.render import default_build_dir
from metricwatch.render.lock import LOCK_NAME

pytestmark = pytest.mark.slow

FAST = ("--no-pdf", *(a for part in part_names() for a in ("--skip", part)))
PREVIOUS_PROM = "# previous check\nmetricwatch_last_success_timestamp_seconds 1.7e+09\n"

KILLED = fault(
    id="report-killed-while-rendering",
    area="Output",
    fault="`metricwatch report` is killed (SIGKILL) while it renders",
    command="metricwatch report",
    exit_code=137,
    says="metricwatch report: project",
)
DISK_FULL = fault(
    id="report-disk-full",
    area="Output",
    fault="The report folder's disk is full (a small tmpfs)",
    command="metricwatch report",
    exit_code=1,
    says=(
        "(the report folder): No space left on device. To fix: free space on that disk (or raise "
        "the quota), or write the report to another folder with --output. The report in"
    ),
)
FILE_TOO_LARGE = fault(
    id="report-file-size-limit",
    area="Output",
    fault="Writing the report fails with a real OS error (file-size limit, EFBIG)",
    command="metricwatch report",
    exit_code=1,
    says=(
        "(the build folder): File too large. To fix: the file is larger than this process may "
        "write: raise the file-size limit (ulimit -f) or free space on that disk, or point "
        "XDG_CACHE_HOME at a disk with room (the build folder lives under it). The report in"
    ),
)
PROM_FAILS = fault(
    id="prom-textfile-write-fails",
    area="Output",
    fault="Writing the Prometheus `.prom` textfile fails halfway (file-size limit, EFBIG)",
    command="metricwatch export prometheus",
    exit_code=1,
    says=(
        "File too large. The previous file is left in place (node_exporter keeps serving it). "
        "To fix: the file is larger than this process may write"
    ),
)


def child_env(cache: Path) -> dict[str, str]:
    return {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "XDG_CACHE_HOME": str(cache)}


def run_limited(*args: str | Path, fsize: int, cache: Path) -> Run:
    """`python -m metricwatch ARGS` whose writes fail with EFBIG past fsize bytes (a real OS
    limit on the child; the test process is not limited)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    argv = [str(a) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "metricwatch", *argv],
        capture_output=True,
        text=True,
        env={**child_env(cache), "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=limit,
        timeout=600,
    )
    return Run(argv, proc.returncode, proc.stdout, proc.stderr)


def build_dir_of(out: Path, cache: Path) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(cache))
        return default_build_dir(out)


def only_report_files(out: Path) -> None:
    """Nothing but the report's files (and the lock file) in the folder: no temp file left."""
    assert sorted(p.name for p in out.iterdir()) == sorted([*REPORT_FILES, LOCK_NAME])


def test_report_killed_while_rendering_leaves_the_previous_report(
    demo_copy: Path, prior_report: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    out, hashes = prior_report
    cache = tmp_path / "cache"
    build = build_dir_of(out, cache)
    rendering = build / "executed" / "metrics_monitoring.ipynb"  # papermill writes it first
    argv = ["report", "-c", str(demo_copy / "metricwatch.yaml"), "-o", str(out), *FAST]
    # its own temporary folder (short: the kernel's sockets go there), which the killed report
    # cannot remove; this test does
    tmp = Path(tempfile.mkdtemp(prefix="mw-test-"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "metricwatch", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**child_env(cache), "TMPDIR": str(tmp)},
        start_new_session=True,  # its own process group: the kernel is reaped below
    )
    try:
        deadline = time.monotonic() + 300
        while not rendering.exists():
            assert proc.poll() is None, f"the report ended before rendering: {proc.communicate()}"
            assert time.monotonic() < deadline, "the report never started rendering"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # the fault: the report process dies mid-render
        proc.wait(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # its orphaned kernel, if still alive
        stdout, stderr = proc.communicate(timeout=60)
        shutil.rmtree(tmp)
    run = Run(
        argv, 128 - proc.returncode if proc.returncode < 0 else proc.returncode, stdout, stderr
    )
    expect(KILLED, run)
    assert_kept(out, hashes)
    only_report_files(out)
    assert (build / "metrics.json").is_file()  # this run's result waited in the build folder


@contextlib.contextmanager
def small_tmpfs(where: Path, size: int) -> Iterator[Path]:
    where.mkdir(parents=True)
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mount.stderr.strip()}); the EFBIG case runs")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def test_report_folder_disk_full_keeps_the_previous_report(
    demo_copy: Path, prior_report: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8); the EFBIG case runs instead")
    good, hashes = prior_report
    used = sum(-(-(good / n).stat().st_size // 4096) * 4096 for n in REPORT_FILES)
    with small_tmpfs(tmp_path / "full", used + 4096) as out:
        for name in REPORT_FILES:
            shutil.copy2(good / name, out / name)
        assert file_hashes(out) == hashes
        argv = ["report", "-c", str(demo_copy / "metricwatch.yaml"), "-o", str(out), *FAST]
        proc = subprocess.run(
            [sys.executable, "-m", "metricwatch", *argv],
            capture_output=True,
            text=True,
            env=child_env(tmp_path / "cache"),
            timeout=600,
        )
        run = Run(argv, proc.returncode, proc.stdout, proc.stderr)
        expect(DISK_FULL, run)
        assert f"cannot write {out / 'metrics_monitoring.html'} (the report folder)" in run.text
        assert f"The report in {out} was not changed." in run.text
        assert_kept(out, hashes)
        only_report_files(out)


def test_write_past_the_file_size_limit_keeps_the_previous_report(
    demo_copy: Path, prior_report: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    out, hashes = prior_report
    cache = tmp_path / "cache"
    run = run_limited(
        "report", "-c", demo_copy / "metricwatch.yaml", "-o", out, *FAST,
        fsize=12 * 1024, cache=cache,
    )  # fmt: skip
    expect(FILE_TOO_LARGE, run)
    assert f"cannot write {build_dir_of(out, cache)}" in run.text
    assert f"The report in {out} was not changed." in run.text
    assert "Traceback" not in run.err
    assert_kept(out, hashes)
    only_report_files(out)


def test_prom_write_that_fails_keeps_the_previous_file(demo_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "textfile"
    folder.mkdir()
    prom = folder / "metricwatch.prom"
    prom.write_text(PREVIOUS_PROM)
    run = run_limited(
        "export", "prometheus", "-c", demo_copy / "metricwatch.yaml", "--textfile", prom,
        fsize=1024, cache=tmp_path / "cache",
    )  # fmt: skip
    expect(PROM_FAILS, run)
    assert f"cannot write the Prometheus textfile {prom}: File too large." in run.text
    assert prom.read_text() == PREVIOUS_PROM
    assert sorted(p.name for p in folder.iterdir()) == ["metricwatch.prom"]
