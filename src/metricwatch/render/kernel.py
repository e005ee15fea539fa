"""A Jupyter kernelspec for this very interpreter, in a folder metricwatch owns.

Notebooks are executed with an explicit kernel name. Rather than relying on (or editing) the
user's global Jupyter config, we write `kernels/<name>/kernel.json` pointing at sys.executable
under our own JUPYTER_PATH entry and put that first on JUPYTER_PATH only while executing.
"""

from __future__ import annotations

import importlib.util
import json
import os
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
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
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
