"""Executing notebooks with papermill: parameters injected, failures named, timeouts, kernels."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from support.notebooks import failing_notebook, report_notebook, sleeping_notebook, write_notebook

from metricwatch.errors import RenderError
from metricwatch.render.execute import declared_parameters, execute_notebook
from metricwatch.render.kernel import KERNEL_NAME, ensure_kernelspec

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def jupyter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jupyter")


def test_kernelspec_points_at_this_interpreter(jupyter_dir: Path) -> None:
    folder = ensure_kernelspec(jupyter_dir)
    spec = (folder / "kernel.json").read_text()
    assert folder == jupyter_dir / "kernels" / KERNEL_NAME
    assert f'"{sys.executable}"' in spec and "ipykernel_launcher" in spec


def test_parameters_injected_and_cwd(tmp_path: Path, jupyter_dir: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb" / "p.ipynb",
        [
            nbformat.v4.new_code_cell(
                "import os, sys\nprint(name, n, os.getcwd())\nprint(sys.executable)"
            )
        ],
        params="name = 'x'\nn = 0",
    )
    assert declared_parameters(nb) == ["name", "n"]
    out = execute_notebook(
        nb, tmp_path / "build" / "p.ipynb", {"name": "from-cli", "n": 3}, jupyter_dir=jupyter_dir
    )
    executed = nbformat.read(out, as_version=4)
    text = executed.cells[-1].outputs[0]["text"]
    assert text.splitlines() == [f"from-cli 3 {tmp_path / 'nb'}", sys.executable]
    assert executed.metadata.papermill.parameters == {"name": "from-cli", "n": 3}


def test_kernel_sockets_stay_out_of_the_working_folder(tmp_path: Path, jupyter_dir: Path) -> None:
    """The kernel's IPC sockets live in a private temporary folder, gone afterwards; never in
    the notebook's working folder (the report folder), where a killed report left them."""
    code = (
        "import os\nfrom ipykernel.kernelapp import IPKernelApp\n"
        "print(sorted(os.listdir('.')))\nprint(IPKernelApp.instance().ip)"
    )
    nb = write_notebook(tmp_path / "work" / "s.ipynb", [nbformat.v4.new_code_cell(code)], "n = 0")
    out = execute_notebook(nb, tmp_path / "build" / "s.ipynb", {}, jupyter_dir=jupyter_dir)
    listing, ip = nbformat.read(out, as_version=4).cells[-1].outputs[0]["text"].splitlines()
    assert listing == "['s.ipynb']"  # the working folder holds the notebook only
    sockets = Path(ip)
    assert sockets.is_absolute() and len(str(sockets)) < 90, ip  # a socket path: ≤ 107 bytes
    assert not sockets.parent.exists()  # removed with its sockets when the kernel ended
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["s.ipynb"]


def test_undeclared_parameter_rejected_before_running(tmp_path: Path, jupyter_dir: Path) -> None:
    nb = report_notebook(tmp_path / "r.ipynb")
    with pytest.raises(RenderError) as err:
        execute_notebook(nb, tmp_path / "o.ipynb", {"tracking_uri": "x"}, jupyter_dir=jupyter_dir)
    assert str(err.value) == (
        f"parameter 'tracking_uri' is not accepted by {nb}; "
        "allowed parameters: lang, run_id, run_name, threshold"
    )
    assert not (tmp_path / "o.ipynb").exists()


def test_failing_cell_named_and_notebook_kept(tmp_path: Path, jupyter_dir: Path) -> None:
    nb = failing_notebook(tmp_path / "broken.ipynb")
    out = tmp_path / "build" / "broken.ipynb"
    with pytest.raises(RenderError) as err:
        execute_notebook(nb, out, {"x": 5}, jupyter_dir=jupyter_dir)
    assert str(err.value) == (
        "notebook broken.ipynb failed in cell 3 (\"raise ValueError(f'bad input {x}')\"): "
        f"ValueError: bad input 1; the executed notebook is kept at {out}"
    )
    kept = nbformat.read(out, as_version=4)
    failed = [c for c in kept.cells if c.get("metadata", {}).get("papermill", {}).get("exception")]
    assert len(failed) == 1 and failed[0].outputs[0]["ename"] == "ValueError"


def test_cell_timeout(tmp_path: Path, jupyter_dir: Path) -> None:
    nb = sleeping_notebook(tmp_path / "slow.ipynb")
    out = tmp_path / "build" / "slow.ipynb"
    with pytest.raises(RenderError) as err:
        execute_notebook(nb, out, {}, jupyter_dir=jupyter_dir, cell_timeout_s=2)
    assert str(err.value) == (
        "notebook slow.ipynb: cell 1 ('import time') did not finish within 2 s (the cell "
        "timeout, report.cell_timeout_s); it was stopped and the partially executed notebook is "
        f"kept at {out}. Make the cell faster, or raise report.cell_timeout_s"
    )


def test_missing_kernel_says_which_and_how(tmp_path: Path, jupyter_dir: Path) -> None:
    nb = sleeping_notebook(tmp_path / "k.ipynb")
    with pytest.raises(RenderError) as err:
        execute_notebook(
            nb, tmp_path / "o.ipynb", {}, jupyter_dir=jupyter_dir, kernel_name="no-such-kernel"
        )
    msg = str(err.value)
    assert msg.startswith(
        f"notebook k.ipynb: Jupyter kernel 'no-such-kernel' not found for the environment "
        f"{sys.executable}; install it for this environment with"
    )
    assert "-m ipykernel install --user --name no-such-kernel" in msg
