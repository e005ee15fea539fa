"""Fault-corpus fixtures: a private copy of the demo and a previous good report.

A case: copy the demo (`demo_copy`), break one thing (`edit_config`, files, env), run the tool
(`run_mw`), then `expect(FAULT, run, html=...)` (helpers in faultkit.py). `prior_report` puts a
previous good report in the output folder first, so a failing case can prove it survived
(`assert_kept`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from faultkit import REPORT_FILES, file_hashes
from support.delivered import EXPECTED_CODES, Delivered
from support.session_cache import private_copy


@pytest.fixture
def demo_copy(demo_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the session's demo (config, project, remote, tracking store)."""
    return private_copy(demo_dir, tmp_path / "demo")


@pytest.fixture(scope="session")
def good_report(delivered: Delivered) -> Path:
    """One real, good report of the demo: the run-wide deliverable's (support/delivered.py,
    HTML + PDF + metrics.json), which the suite makes anyway; read-only, prior_report copies."""
    assert delivered.codes == EXPECTED_CODES, delivered.streams
    return delivered.out


@pytest.fixture
def prior_report(good_report: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An output folder holding a previous good report, and the hashes of its files."""
    out = tmp_path / "reports"
    out.mkdir()
    for name in REPORT_FILES:
        shutil.copy2(good_report / name, out / name)
    return out, file_hashes(out)
