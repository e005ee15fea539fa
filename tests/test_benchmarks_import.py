"""The benchmarks import what exists: every `from metricwatch… import name` in benchmarks/*.py
resolves (a module moved by a refactor breaks a benchmark no other test runs)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).parent.parent / "benchmarks").glob("bench_*.py"))


def _metricwatch_imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("metricwatch")
        for alias in node.names
    ]


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_every_metricwatch_import_of_a_benchmark_resolves(path: Path) -> None:
    imports = _metricwatch_imports(path)
    assert imports, f"{path.name} imports nothing from metricwatch"
    missing = []
    for module, name in imports:
        mod = importlib.import_module(module)
        if not hasattr(mod, name) and importlib.util.find_spec(f"{module}.{name}") is None:
            missing.append(f"from {module} import {name}")
    assert not missing, f"{path.name}: {missing}"
