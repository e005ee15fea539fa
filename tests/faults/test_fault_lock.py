"""Fault: two `metricwatch report` processes on one output folder at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import fault
from faultkit import assert_kept, expect, run_mw

from metricwatch.render.lock import output_lock

pytestmark = pytest.mark.slow

SECOND_REPORT = fault(
    id="report-already-running",
    area="Output",
    fault="A second `metricwatch report` starts while one is writing the same output folder",
    command="metricwatch report",
    exit_code=2,
    says="already running",
)


def test_second_report_says_already_running(
    demo_copy: Path, prior_report: tuple[Path, dict[str, str]]
) -> None:
    out, hashes = prior_report
    with output_lock(out):  # the first report holds the folder's lock
        run = run_mw("report", "-c", demo_copy / "metricwatch.yaml", "-o", out, timeout=120)
    expect(SECOND_REPORT, run)
    assert_kept(out, hashes)
