"""The fault corpus registry: every case says what is broken and exactly what the user sees.

Each `tests/faults/test_fault_*.py` module declares its cases with `fault(...)` at import time and
checks them with `expect(...)` (conftest.py). docs/failure-modes.md is generated from this
registry (`make failure-modes`), and tests/faults/test_failure_modes_doc.py fails when the page
and the corpus differ, so the two cannot drift apart.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
DOC = HERE.parents[1] / "docs" / "failure-modes.md"
AREAS = (
    "MLflow",
    "Git + DVC",
    "Reproducibility",
    "Drift",
    "Rendering",
    "Alerts",
    "History",
    "Output",
    "Input strings",
)


@dataclass(frozen=True)
class Fault:
    id: str  # kebab-case, unique
    area: str  # one of AREAS
    fault: str  # what is broken, one line
    command: str  # what the user ran, e.g. "metricwatch report"
    exit_code: int
    says: str  # exact text on stdout/stderr (whitespace-normalized when compared)
    report: str | None = None  # exact text in the new HTML report; None: no new report


FAULTS: dict[str, Fault] = {}


def fault(**fields: object) -> Fault:
    """Register one case; its id must be unique in the corpus."""
    case = Fault(**fields)  # type: ignore[arg-type]
    if case.area not in AREAS:
        raise ValueError(f"fault {case.id!r}: area {case.area!r} is not one of {AREAS}")
    if case.id in FAULTS and FAULTS[case.id] != case:
        raise ValueError(f"fault id {case.id!r} is declared twice")
    FAULTS[case.id] = case
    return case


def load_all() -> dict[str, Fault]:
    """Import every corpus module (so FAULTS is complete even when only one test runs)."""
    for path in sorted(HERE.glob("test_fault_*.py")):
        name = f"_faults_corpus_{path.stem}"
        if any(getattr(m, "__file__", None) == str(path) for m in list(sys.modules.values())):
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return FAULTS


def _cell(text: str | None, command: str = "metricwatch report") -> str:
    if text is None:
        if "report" not in command:
            return "— (this command writes no report)"
        return "— (no new report; the previous one is kept)"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def render_doc(faults: dict[str, Fault]) -> str:
    lines = [
        "# Failure modes",
        "",
        "What metricwatch does when something is broken. Every row is a case of the fault",
        "corpus in `tests/faults/`, run end to end in CI; this page is generated from it",
        "(`make failure-modes`) and a test fails when the two differ.",
        "",
        'Exit codes: 0 done (the report may still hold ❌ or "unknown" rows), 1 a known error',
        "or a breached `fail` rule, 2 no verdict possible / already running, 3 an unexpected",
        "error (the traceback goes to a log file with secrets scrubbed).",
        "",
        f"{len(faults)} cases.",
    ]
    for area in AREAS:
        rows = sorted((f for f in faults.values() if f.area == area), key=lambda f: f.id)
        if not rows:
            continue
        lines += [
            "",
            f"## {area}",
            "",
            "| Fault | Command | Exit | The terminal says | The report says |",
            "|---|---|---|---|---|",
        ]
        for f in rows:
            lines.append(
                f"| {f.fault.replace('|', chr(92) + '|')} | `{f.command}` | {f.exit_code} "
                f"| {_cell(f.says)} | {_cell(f.report, f.command)} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # make failure-modes (the cases register in the `corpus` module)
    sys.path.insert(0, str(HERE))
    import corpus as registry

    faults = registry.load_all()
    DOC.write_text(registry.render_doc(faults), encoding="utf-8")
    print(f"wrote {DOC} ({len(faults)} cases)")
