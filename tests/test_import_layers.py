"""Imports only go down the floors of docs/architecture.md, `render/` knows no domain, and no
module imports itself back through others (no cycle).

Floors: 1 ground (top-level modules) → 2 sources, stats → 3 parts (+ the result model) →
4 pipeline → 5 presenters (report, render, cli, alerts, demo). The history database is a
source (sources/history_db), the history part a part (parts/history). Every import counts,
also one inside a function; only `if TYPE_CHECKING:` imports are left out (annotations).
`PENDING` lists the edges other branches of issue 16 remove; an edge that is gone must leave
the list, so it only shrinks.
"""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PRESENTERS = ("report", "render", "cli", "alerts", "demo", "__main__")
# what render/ may import besides itself: plumbing, no domain (no config, parts, result…)
RENDER_MAY_USE = {
    "atomic",
    "browsers",
    "doc",
    "errors",
    "procs",
    "proctree",
    "redact",
    "scoped_env",
    "user_cache",
}

# what doc/ may import besides itself: the catalogue and the vocabulary's glyphs, no domain
DOC_MAY_USE = {"i18n", "vocab"}

# (importer pattern, imported pattern, why it is still here)
PENDING: list[tuple[str, str, str]] = []
PENDING_CYCLES: list[set[str]] = []


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in SRC.rglob("*.py") if "demo/project" not in p.as_posix()}


def _imports(path: Path) -> set[str]:
    """The metricwatch modules a file imports (a `from pkg import sub` names the submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = [f"{node.module}.{a.name}" for a in node.names]
            found.update(s for s in subs if s in MODULES)
            if any(s not in MODULES for s in subs):
                found.add(node.module)
    return {m for m in found if m in MODULES}


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def floor(module: str) -> int:
    top = [*module.split("."), ""][1]
    if module == "metricwatch.project_inspect":  # reads the project like a source
        return 2
    if top in ("sources", "stats"):
        return 2
    if top == "parts" or module == "metricwatch.result":
        return 3
    if top == "pipeline":
        return 4
    if top in PRESENTERS:
        return 5
    return 1


def _pending(importer: str, imported: str) -> bool:
    return any(fnmatch.fnmatch(importer, a) and fnmatch.fnmatch(imported, b) for a, b, _ in PENDING)


def upward_edges() -> list[tuple[str, str]]:
    return sorted((m, d) for m, deps in GRAPH.items() for d in deps if floor(d) > floor(m))


def domain_edges(package: str, may_use: set[str]) -> list[tuple[str, str]]:
    """Imports from metricwatch.<package> of modules outside it and outside may_use."""
    inside = f"metricwatch.{package}"
    return sorted(
        (m, d)
        for m, deps in GRAPH.items()
        if m.startswith(inside)
        for d in deps
        if not d.startswith(inside) and d.split(".")[1] not in may_use
    )


def render_domain_edges() -> list[tuple[str, str]]:
    return domain_edges("render", RENDER_MAY_USE)


def cycles() -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_the_floors_hold_every_module() -> None:
    assert {floor(m) for m in MODULES} == {1, 2, 3, 4, 5}
    assert floor("metricwatch.parts.registry") == 3 and floor("metricwatch.pipeline.run") == 4
    assert floor("metricwatch.config") == 1 and floor("metricwatch.report.notebook") == 5


def test_imports_only_go_down() -> None:
    bad = [f"{m} → {d}" for m, d in upward_edges() if not _pending(m, d)]
    assert bad == [], "imports going up a floor:\n" + "\n".join(bad)


def test_doc_knows_no_domain() -> None:
    """doc/ sits on the ground floor so parts can build with it; it imports no other module."""
    assert floor("metricwatch.doc.blocks") == 1 and "metricwatch.doc.table" in MODULES
    assert domain_edges("doc", DOC_MAY_USE) == []
    assert domain_edges("doc", set()) != []  # it does use the catalogue and the vocabulary


def test_render_knows_no_domain() -> None:
    bad = [f"{m} → {d}" for m, d in render_domain_edges() if not _pending(m, d)]
    assert bad == [], "render/ imports domain modules:\n" + "\n".join(bad)


def test_no_import_cycle() -> None:
    bad = [sorted(c) for c in cycles() if c not in PENDING_CYCLES]
    assert bad == [], f"import cycles: {bad}"


def test_pending_edges_still_exist() -> None:
    """A pending edge that is gone must leave PENDING (the list only shrinks)."""
    edges = set(upward_edges()) | set(render_domain_edges())
    stale = [
        (a, b)
        for a, b, _ in PENDING
        if not any(fnmatch.fnmatch(m, a) and fnmatch.fnmatch(d, b) for m, d in edges)
    ]
    assert stale == []
    assert all(c in cycles() for c in PENDING_CYCLES)


def test_the_checks_see_a_violation() -> None:
    """The graph is real: the pipeline imports the registry, a part does not import the CLI."""
    assert "metricwatch.parts.registry" in GRAPH["metricwatch.pipeline.collect"]
    assert floor("metricwatch.cli.check_cmd") > floor("metricwatch.parts.kpis.part")
    GRAPH["metricwatch.parts.kpis.part"].add("metricwatch.cli.check_cmd")
    try:
        assert ("metricwatch.parts.kpis.part", "metricwatch.cli.check_cmd") in upward_edges()
        GRAPH["metricwatch.cli.check_cmd"].add("metricwatch.parts.kpis.part")
        assert any("metricwatch.cli.check_cmd" in c for c in cycles())
    finally:
        GRAPH["metricwatch.parts.kpis.part"].discard("metricwatch.cli.check_cmd")
        GRAPH["metricwatch.cli.check_cmd"].discard("metricwatch.parts.kpis.part")
