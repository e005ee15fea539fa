"""Execute one parameterized notebook with papermill: explicit kernel, start and cell timeouts.

Failures become RenderError naming the notebook, the cell and the exception; the partially
executed notebook is kept at the output path for inspection.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from metricwatch.errors import RenderError
from metricwatch.render.kernel import (
    KERNEL_NAME,
    ensure_kernelspec,
    install_hint,
    kernel_env,
    kernel_environment,
)
from metricwatch.render.parameters import check_parameters

_PREVIEW = re.compile(r"-{5,}\n(.*?)\n-{5,}", re.S)


def _ipc_kernel_manager(socket_dir: Path) -> type:
    """A kernel manager using IPC sockets: no TCP ports, no unencrypted-TCP warning on stderr.

    The sockets live in socket_dir (absolute, short: a socket path has at most 107 bytes).
    jupyter_client's default is `kernel-ipc-N` in the working folder, which papermill makes the
    notebook's (the report folder): a report killed mid-render left its sockets there.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IpcKernelManager(AsyncKernelManager):
        transport = "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return str(socket_dir / "kernel-ipc")

    return IpcKernelManager


def declared_parameters(notebook: Path) -> list[str]:
    """The names assigned in the notebook's `parameters`-tagged cell."""
    import papermill

    try:
        return list(papermill.inspect_notebook(str(notebook)).keys())
    except Exception as exc:  # papermill raises bare exceptions for unreadable notebooks
        raise RenderError(f"cannot read the parameters cell of {notebook}: {exc}") from exc


def _source_cell(notebook: Path, source: str) -> tuple[int | None, str]:
    """The index (in the source notebook) of the cell with this source, and its first line."""
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # the source is only used to locate the cell in the message
        return None, source.strip().splitlines()[0] if source.strip() else ""
    wanted = source.strip()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.strip() == wanted:
            return i, cell.source.strip().splitlines()[0] if wanted else ""
    for i, cell in enumerate(nb.cells):  # a preview may be truncated
        if cell.cell_type == "code" and wanted and cell.source.strip().startswith(wanted):
            return i, cell.source.strip().splitlines()[0]
    return None, wanted.splitlines()[0] if wanted else ""


def execute_notebook(
    notebook: Path,
    output: Path,
    parameters: Mapping[str, Any] | None = None,
    *,
    jupyter_dir: Path,
    allowed: Collection[str] | None = None,
    kernel_name: str | None = None,
    start_timeout_s: float = 60.0,
    cell_timeout_s: float = 600.0,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """Run notebook with parameters into output (a build folder) and return output.

    allowed: the parameter names accepted (default: those in the notebook's parameters cell).
    kernel_name: None → a kernelspec for this interpreter, written under jupyter_dir.
    cwd: where the notebook runs (default: the notebook's folder, as in JupyterLab).
    env: extra environment variables for the kernel (never secrets: they are not recorded,
    but the kernel can print them).
    """
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    notebook = Path(notebook)
    if not notebook.is_file():
        raise RenderError(f"notebook {notebook} does not exist")
    names = set(allowed) if allowed is not None else set(declared_parameters(notebook))
    params = check_parameters(parameters or {}, names, str(notebook))
    name = kernel_name or KERNEL_NAME
    if kernel_name is None:
        ensure_kernelspec(jupyter_dir, name)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    where = f"notebook {notebook.name}"
    try:
        with kernel_env(jupyter_dir, env), tempfile.TemporaryDirectory(prefix="mw-kernel-") as ipc:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=params,
                kernel_name=name,
                progress_bar=False,
                start_timeout=start_timeout_s,
                execution_timeout=cell_timeout_s,
                cwd=str(cwd or notebook.parent),
                kernel_manager_class=_ipc_kernel_manager(Path(ipc)),
            )
    except PapermillExecutionError as exc:
        index, first = _source_cell(notebook, exc.source)
        cell = f"cell {index}" if index is not None else f"cell [{exc.exec_count}]"
        raise RenderError(
            f"{where} failed in {cell} ({first!r}): {exc.ename}: {exc.evalue}; "
            f"the executed notebook is kept at {output}"
        ) from exc
    except CellTimeoutError as exc:
        m = _PREVIEW.search(str(exc))
        index, first = _source_cell(notebook, m.group(1) if m else "")
        cell = f"cell {index} ({first!r})" if index is not None else "a cell"
        raise RenderError(
            f"{where}: {cell} did not finish within {cell_timeout_s:g} s (the cell timeout, "
            f"report.cell_timeout_s); it was stopped and the partially executed notebook is kept "
            f"at {output}. Make the cell faster, or raise report.cell_timeout_s"
        ) from exc
    except NoSuchKernel as exc:
        raise RenderError(
            f"{where}: Jupyter kernel {name!r} not found for the environment {sys.executable}; "
            f"{install_hint(name)}, or remove report.kernel to use metricwatch's own kernel"
        ) from exc
    except (RuntimeError, TimeoutError, DeadKernelError) as exc:
        raise RenderError(
            f"{where}: kernel {name!r} ({kernel_environment(name)}) failed to start or died "
            f"(start timeout {start_timeout_s:g} s): {exc}"
        ) from exc
    except OSError as exc:  # papermill writing the executed notebook (disk full…); after
        # TimeoutError, which is an OSError too
        exc.filename = exc.filename or str(output)
        raise
    return output
