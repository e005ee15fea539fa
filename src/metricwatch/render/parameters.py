"""Notebook parameters: allow-listed names, JSON-typed values, never secrets."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from typing import Any

from metricwatch.errors import RenderError

# A parameter whose name looks like a credential is refused even when allow-listed:
# executed notebooks are kept on disk and papermill records the parameters in them.
_SECRET_NAME = re.compile(r"(token|secret|password|passwd|webhook|api_?key|credential)", re.I)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _json_typed(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RenderError(f"parameter {where} is {value!r}: only finite numbers are allowed")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _json_typed(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise RenderError(f"parameter {where} has a non-string key {key!r}")
            _json_typed(item, f"{where}[{key!r}]")
        return
    raise RenderError(
        f"parameter {where} has type {type(value).__name__}: notebook parameters must be "
        "JSON-typed (None, bool, int, float, str, list, dict); pass paths as str"
    )


def check_parameters(
    parameters: Mapping[str, Any], allowed: Collection[str], notebook: str = "the notebook"
) -> dict[str, Any]:
    """Return parameters as plain JSON data, or raise RenderError naming the offending one."""
    clean: dict[str, Any] = {}
    for name, value in parameters.items():
        if not isinstance(name, str) or not _IDENT.match(name):
            raise RenderError(f"parameter name {name!r} for {notebook} is not a Python identifier")
        if name not in allowed:
            valid = ", ".join(sorted(allowed)) or "none"
            raise RenderError(
                f"parameter {name!r} is not accepted by {notebook}; allowed parameters: {valid}"
            )
        if _SECRET_NAME.search(name):
            raise RenderError(
                f"parameter {name!r} for {notebook} looks like a secret; secrets are never passed "
                "to notebooks (they are stored in the executed notebook): read them from the "
                "environment inside the library instead"
            )
        _json_typed(value, repr(name))
        # Round-trip so tuples become lists and the value is exactly what JSON can carry.
        clean[name] = json.loads(json.dumps(value))
    return clean
