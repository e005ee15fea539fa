"""Faults in the time column of windowed drift (the demo cuts its batch into 7D windows of
event_time): unparseable times, mixed time zones, every row on one day, a week without rows.
The overall comparison always stands; the windows either say why there are none, or show the
honest row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from corpus import fault
from faultkit import edit_config, expect, run_mw

pytestmark = pytest.mark.slow
AREA = "Drift"
DRIFT_MD = "metricwatch drift --format markdown"
UNPARSEABLE = fault(
    id="drift-time-unparseable",
    area=AREA,
    fault="Three event_time values of the current batch are not times ('yesterday')",
    command=DRIFT_MD,
    exit_code=0,
    says="drift.time_column 'event_time': 3 of 2000 values are not ISO 8601 times (e.g. "
    "'yesterday'): no windows; fix them (e.g. 2026-03-14T10:00:00Z) or drop those rows",
)
MIXED_ZONES = fault(
    id="drift-time-mixed-zones",
    area=AREA,
    fault="Half the event_time values carry a UTC offset (…Z), half none",
    command=DRIFT_MD,
    exit_code=0,
    says="drift.time_column 'event_time' mixes times with a UTC offset (1000, e.g. "
    "'2026-01-05T00:00:20Z') and without one (1000, e.g. '2026-02-02T00:18:31'): no windows; "
    "write every time with its offset, or none",
)
ONE_DAY = fault(
    id="drift-time-all-one-day",
    area=AREA,
    fault="Every event_time of the current batch is on the same day",
    command=DRIFT_MD,
    exit_code=0,
    says="every row falls in one window (2026-01-05): the windows say nothing the overall "
    "comparison does not",
)
EMPTY_WEEK = fault(
    id="drift-time-empty-window",
    area=AREA,
    fault="The current batch has no rows in its third week (a gap in the data)",
    command=DRIFT_MD,
    exit_code=0,
    says="| 2026-01-19 | 0 | no rows: no verdict | — | — |",
)


def _run(demo: Path, batch: pd.DataFrame):
    batch.to_csv(demo / "current.csv", index=False)
    cfg = edit_config(demo / "metricwatch.yaml", drift={"current": "current.csv"})
    return run_mw("drift", "-c", cfg, "--format", "markdown", "--no-concept")


def _batch(demo: Path) -> pd.DataFrame:
    return pd.read_csv(demo / "project" / "data" / "current" / "batch.csv")


def test_unparseable_times(demo_copy: Path) -> None:
    batch = _batch(demo_copy)
    batch.loc[[3, 30, 300], "event_time"] = "yesterday"
    run = _run(demo_copy, batch)
    expect(UNPARSEABLE, run)
    assert "- Dataset drift: 20.0 % (drifting: study_hours, school_type)" in run.text


def test_mixed_time_zones(demo_copy: Path) -> None:
    batch = _batch(demo_copy)
    batch.loc[1000:, "event_time"] = batch.loc[1000:, "event_time"].str.rstrip("Z")
    expect(MIXED_ZONES, _run(demo_copy, batch))


def test_all_one_day(demo_copy: Path) -> None:
    batch = _batch(demo_copy).assign(event_time="2026-01-06T09:00:00Z")
    run = _run(demo_copy, batch)
    expect(ONE_DAY, run)
    assert "| 2026-01-05 | 2000 | ok | 20.0 % | study_hours, school_type |" in run.text


def test_a_window_without_rows(demo_copy: Path) -> None:
    batch = _batch(demo_copy)
    week = pd.to_datetime(batch["event_time"]).dt.strftime("%Y-%m-%d")
    batch = batch[~week.between("2026-01-19", "2026-01-25")]
    run = _run(demo_copy, batch)
    expect(EMPTY_WEEK, run)
    assert "| 2026-01-26 | 250 | ok | 0.0 % | none |" in run.text
