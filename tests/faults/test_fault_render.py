"""Faults: a team notebook cell that raises or hangs, and a Jupyter kernel that cannot start.

The report notebook ships in the package; users reach the renderer's fault paths through the
team notebooks they append (`report.notebooks`) and the kernel they choose (`report.kernel`).
Every case runs `metricwatch report` end to end with no data parts (they play no role here) and
proves the previous report survived.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from corpus import fault
from faultkit import Run, assert_kept, edit_config, expect, run_mw, work_bound

from metricwatch.parts.registry import part_names
from metricwatch.render import default_build_dir

pytestmark = pytest.mark.slow

# The faults are in the rendering: collect nothing, print no PDF.
FAST = ("--no-pdf", *(a for part in part_names() for a in ("--skip", part)))

CELL_RAISES = fault(
    id="notebook-cell-raises",
    area="Rendering",
    fault="A cell of a team notebook (`report.notebooks`) raises an exception",
    command="metricwatch report",
    exit_code=1,
    says=(
        "notebook team_checks.ipynb failed in cell 2 ('raise RuntimeError(\"team check: no run "
        "is tagged stage=production\")'): RuntimeError: team check: no run is tagged "
        "stage=production; the executed notebook is kept at"
    ),
)
CELL_HANGS = fault(
    id="notebook-cell-timeout",
    area="Rendering",
    fault="A notebook cell runs past `report.cell_timeout_s`",
    command="metricwatch report",
    exit_code=1,
    says=(
        "notebook team_slow.ipynb: cell 2 ('time.sleep(3600)  # waits on a service that never "
        "answers') did not finish within 20 s (the cell timeout, report.cell_timeout_s); it was "
        "stopped and the partially executed notebook is kept at"
    ),
)
KERNEL_MISSING = fault(
    id="kernel-missing",
    area="Rendering",
    fault="`report.kernel` names a Jupyter kernel that is not installed",
    command="metricwatch report",
    exit_code=1,
    says="Jupyter kernel 'team-gpu' is not installed for the environment",
)
KERNEL_NO_IPYKERNEL = fault(
    id="kernel-without-ipykernel",
    area="Rendering",
    fault="`report.kernel`'s environment (a venv) has no ipykernel",
    command="metricwatch report",
    exit_code=1,
    says="ipykernel is not installed in the environment",
)


def write_notebook(path: Path, params: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def report(config: Path, out: Path, cache: Path) -> Run:
    return run_mw("report", "-c", config, "-o", out, *FAST, env={"XDG_CACHE_HOME": str(cache)})


def test_cell_that_raises_is_named_and_its_notebook_kept(
    demo_copy: Path, prior_report: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    out, hashes = prior_report
    write_notebook(
        demo_copy / "team" / "team_checks.ipynb",
        'result_path = ""  # metrics.json of this report',
        'import json\n\nresult = json.load(open(result_path, encoding="utf-8"))',
        'raise RuntimeError("team check: no run is tagged stage=production")',
    )
    config = edit_config(
        demo_copy / "metricwatch.yaml", report={"notebooks": ["team/team_checks.ipynb"]}
    )
    run = report(config, out, tmp_path / "cache")
    expect(CELL_RAISES, run)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        kept = default_build_dir(out) / "executed" / "team_checks.ipynb"
    assert f"kept at {kept}. The report in {out} was not changed." in run.text
    executed = nbformat.read(kept, as_version=4)
    failed = [c for c in executed.cells if c.metadata.get("papermill", {}).get("exception")]
    assert [c.outputs[-1]["ename"] for c in failed] == ["RuntimeError"]
    # the team notebook read this run's result (from the build folder, not the report folder)
    params = executed.metadata["papermill"]["parameters"]
    assert Path(params["result_path"]).parent == kept.parent.parent
    assert "Traceback" not in run.err
    assert_kept(out, hashes)


def test_cell_past_its_timeout_is_stopped_and_named(
    demo_copy: Path, prior_report: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    out, hashes = prior_report
    write_notebook(
        demo_copy / "team" / "team_slow.ipynb",
        "# no parameters",
        "import time",
        "time.sleep(3600)  # waits on a service that never answers",
    )
    # the limit must pass the report notebook's own cells (its first one imports the plotting
    # stack) on this machine now: 20 s when it is quiet, more when it is busy
    limit = work_bound(20, "from metricwatch.render.figures import setup")
    config = edit_config(
        demo_copy / "metricwatch.yaml",
        report={"notebooks": ["team/team_slow.ipynb"], "cell_timeout_s": limit},
    )
    run = report(config, out, tmp_path / "cache")
    expect(
        replace(CELL_HANGS, says=CELL_HANGS.says.replace("within 20 s", f"within {limit} s")), run
    )
    assert "Make the cell faster, or raise report.cell_timeout_s" in run.text
    assert_kept(out, hashes)


def test_missing_kernel_says_which_kernel_environment_and_fix(
    demo_copy: Path, prior_report: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    out, hashes = prior_report
    config = edit_config(demo_copy / "metricwatch.yaml", report={"kernel": "team-gpu"})
    run = report(config, out, tmp_path / "cache")
    expect(KERNEL_MISSING, run)
    assert f"for the environment {sys.executable};" in run.text
    assert "-m ipykernel install --user --name team-gpu" in run.text
    assert f"or remove report.kernel from {config}" in run.text
    assert_kept(out, hashes)


def test_kernel_environment_without_ipykernel(
    demo_copy: Path, prior_report: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    out, hashes = prior_report
    venv = tmp_path / "team-venv"  # a real venv, made without pip: no ipykernel in it
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    assert subprocess.run([python, "-c", "import ipykernel"], capture_output=True).returncode != 0
    spec = tmp_path / "jupyter" / "kernels" / "team-venv" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Team venv",
                "language": "python",
            }
        )
    )
    config = edit_config(demo_copy / "metricwatch.yaml", report={"kernel": "team-venv"})
    run = run_mw(
        "report", "-c", config, "-o", out, *FAST,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "JUPYTER_PATH": str(tmp_path / "jupyter")},
    )  # fmt: skip
    expect(KERNEL_NO_IPYKERNEL, run)
    assert f"in the environment {python}; install it with `{python} -m pip install ipykernel`" in (
        run.text
    )
    assert_kept(out, hashes)
