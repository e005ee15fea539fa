"""How the suite is ordered for xdist, and which skips CI tolerates (hooks in tests/conftest.py).

Order: `make test` runs `-n WORKERS --dist loadfile --no-loadscope-reorder`: a file's tests stay on
one worker (its module fixtures are built once) and files are queued in collection order. The
files whose fixtures run longest are queued first, so no worker starts one of them when the
others are nearly done (longest-first keeps every worker busy to the end).

CI skips: under CI=true a test may only be skipped for a reason that names a tool CI cannot
install (Quarto is not in the package registries CI reaches); any other skip fails the run,
so a missing package (promtool, chromium, poppler) cannot quietly turn tests off.
"""

from __future__ import annotations

import os

import pytest

# longest first (per-file worker time of a full run, docs/testing.md); unlisted files follow in
# their usual order (test_render_quarto_parts.py among them: it reads the deliverable that
# test_report.py, first in line, builds). test_report.py builds the run's demo (about 35 s of
# one core) before its deliverable; the two next files do not read the demo, so the other
# workers start at once instead of waiting for it, and the demo's readers come after them.
HEAVY_FIRST = (
    "tests/test_report.py",
    "tests/test_repro.py",
    "tests/test_evidence_capture.py",
    "tests/faults/test_fault_mlflow.py",
    "tests/test_drift_spark.py",
    "tests/faults/test_fault_git_dvc.py",
    "tests/test_onboarding.py",
    "tests/faults/test_fault_render.py",
    "tests/test_mlflow_server.py",
    "tests/test_demo.py",
    "tests/faults/test_fault_evidence.py",
    "tests/faults/test_fault_drift_scale.py",
    "tests/faults/test_fault_repro.py",
    "tests/faults/test_fault_alert_lifecycle.py",
    "tests/faults/test_fault_history.py",
)
CI_MAY_SKIP = ("quarto",)


def order_items(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def unexpected_ci_skip(report: pytest.TestReport) -> str | None:
    """`nodeid: reason` when this report is a skip CI must not accept, else None."""
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return None
    reason = skip_reason(report)
    if any(tool in reason.lower() for tool in CI_MAY_SKIP):
        return None
    return f"{report.nodeid}: {reason}"
