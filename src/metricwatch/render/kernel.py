"""A Jupyter kernelspec for this very interpreter, in a folder metricwatch owns.

Notebooks are executed with an explicit kernel name. Rather than relying on (or editing) the
user's global Jupyter config, we write `kernels/<name>/kernel.json` pointing at sys.executable
under our own JUPYTER_PATH entry and put that first on JUPYTER_PATH only while executing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from metricwatch.errors import RenderError
from metricwatch.scoped_env import scoped_env

KERNEL_NAME = "metricwatch-python"


def install_hint(kernel_name: str) -> str:
    return (
        f"install it for this environment with `{sys.executable} -m pip install ipykernel && "
        f"{sys.executable} -m ipykernel install --user --name {kernel_name}`"
    )


def ensure_kernelspec(jupyter_dir: Path, name: str = KERNEL_NAME) -> Path:
    """Write (or refresh) the kernelspec for sys.executable under jupyter_dir; return its folder."""
    if importlib.util.find_spec("ipykernel") is None:
        raise RenderError(
            f"kernel {name!r} cannot be created: ipykernel is not installed in the environment "
            f"{sys.executable}; {install_hint(name)}"
        )
    folder = Path(jupyter_dir) / "kernels" / name
    spec = {
        # no IPython history database: a report run writes nothing into the user's ~/.ipython
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--HistoryManager.enabled=False",
        ],
        "display_name": f"Python (metricwatch, {Path(sys.executable).parent.parent.name})",
        "language": "python",
        "metadata": {"debugger": False, "metricwatch": True},
    }
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(spec, indent=1) + "\n"
    target = folder / "kernel.json"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return folder


@contextmanager
def kernel_env(jupyter_dir: Path, extra: Mapping[str, str] | None = None) -> Iterator[None]:
    """For the block: jupyter_dir first on JUPYTER_PATH, plus extra variables (the kernel
    inherits them); the previous environment is restored afterwards."""
    updates = dict(extra or {})
    old_path = os.environ.get("JUPYTER_PATH")
    updates["JUPYTER_PATH"] = os.pathsep.join([str(jupyter_dir), *([old_path] if old_path else [])])
    with scoped_env(updates):
        yield


def kernel_environment(name: str) -> str:
    """The interpreter a kernelspec starts (sys.executable for metricwatch's own kernel)."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        argv = KernelSpecManager().get_kernel_spec(name).argv
    except Exception:  # only used to word a message: any failure falls back to this process
        return sys.executable
    return argv[0] if argv else sys.executable


def available_kernels() -> list[str]:
    from jupyter_client.kernelspec import KernelSpecManager

    return sorted(KernelSpecManager().find_kernel_specs())


def check_kernel(name: str, *, hint: str = "", timeout_s: float = 60.0) -> None:
    """Fail early, saying which kernel and which environment, when the kernel `name` cannot
    start: no such kernelspec, its interpreter missing, or ipykernel not installed there."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    also = f", {hint}" if hint else ""
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        found = ", ".join(available_kernels()) or "none"
        raise RenderError(
            f"Jupyter kernel {name!r} is not installed for the environment {sys.executable}; "
            f"{install_hint(name)}{also}. Kernels Jupyter finds: {found}."
        ) from None
    argv = list(spec.argv)
    exe = argv[0] if argv else ""
    where = f"kernel {name!r} ({spec.resource_dir})"
    if exe and not shutil.which(exe):
        raise RenderError(
            f"{where} starts {exe}, which does not exist: recreate that environment, or "
            f"reinstall the kernel from the right one: {install_hint(name)}{also}"
        )
    if argv[1:3] == ["-m", "ipykernel_launcher"]:
        try:
            probe = subprocess.run(
                [exe, "-c", "import ipykernel"],
                capture_output=True,
                text=True,
                timeout=timeout_s,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"{where}: cannot run {exe}: {exc}") from exc
        if probe.returncode != 0:
            raise RenderError(
                f"{where}: ipykernel is not installed in the environment {exe}; install it with "
                f"`{exe} -m pip install ipykernel`{also}"
            )
