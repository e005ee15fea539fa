"""Faults in the drift data: an all-missing column, categories the reference never had, and a
batch of 3 rows. Each drift table row says what happened (status and reason): never a crash, and
never a number computed from data that cannot support it.

The current batch is the demo's own (project/data/current/batch.csv) with one thing broken,
written beside the config; the reference stays the demo's training data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from corpus import fault
from faultkit import edit_config, expect, html_text, run_mw

pytestmark = pytest.mark.slow

DRIFT_ONLY = ("--no-pdf", "--skip", "kpis", "--skip", "integrity", "--skip", "evidence",
              "--skip", "repro")  # fmt: skip

ALL_MISSING = fault(
    id="drift-column-all-missing",
    area="Drift",
    fault="A column of the current batch is empty: every value missing (all NaN)",
    command="metricwatch report",
    exit_code=0,
    says="HTML:",
    report="sleep_hours numeric — — — — — 0.0% / 100.0% ❓ all missing: all values missing in "
    "the current (n=2000)",
)
UNSEEN = fault(
    id="drift-unseen-categories",
    area="Drift",
    fault="The current batch has a category the reference never had (30 % of `region` is "
    "'atlantis')",
    command="metricwatch report",
    exit_code=0,
    says="HTML:",
    report="❌ drift: 1 category not in the reference ('atlantis'): 600 of 2000 current values, "
    "counted in the 'unseen' bin",
)
TINY = fault(
    id="drift-tiny-sample",
    area="Drift",
    fault="The current batch has 3 rows",
    command="metricwatch report",
    exit_code=0,
    says="HTML:",
    report="study_hours numeric — — — — — 0.0% / 0.0% ❓ insufficient data (n=3 in the current, "
    "fewer than 10 bins)",
)


def _report_on(demo: Path, tmp_path: Path, current: pd.DataFrame) -> tuple[object, Path, str]:
    current.to_csv(demo / "current.csv", index=False)
    cfg = edit_config(demo / "metricwatch.yaml", drift={"current": "current.csv"})
    out = tmp_path / "out"
    run = run_mw("report", "-c", cfg, "-o", out, *DRIFT_ONLY)
    html = out / "metrics_monitoring.html"
    return run, html, html_text(html) if html.is_file() else ""


def _batch(demo: Path) -> pd.DataFrame:
    return pd.read_csv(demo / "project" / "data" / "current" / "batch.csv")


def test_all_missing_column_says_so(demo_copy: Path, tmp_path: Path) -> None:
    batch = _batch(demo_copy)
    batch["sleep_hours"] = float("nan")
    run, html, text = _report_on(demo_copy, tmp_path, batch)
    expect(ALL_MISSING, run, html=html)
    # the column without a verdict is left out of the dataset drift %, and the text says so
    assert "Dataset drift % = 2 of 9 comparable features that drift = 22.2 %" in text
    assert "1 feature(s) without a verdict" in text


def test_unseen_category_is_named(demo_copy: Path, tmp_path: Path) -> None:
    batch = _batch(demo_copy)
    batch.loc[batch.index % 10 < 3, "region"] = "atlantis"
    run, html, text = _report_on(demo_copy, tmp_path, batch)
    expect(UNSEEN, run, html=html)
    assert "region categorical" in text


def test_tiny_sample_gives_no_numbers(demo_copy: Path, tmp_path: Path) -> None:
    run, html, text = _report_on(demo_copy, tmp_path, _batch(demo_copy).head(3))
    expect(TINY, run, html=html)
    assert "Dataset drift: — (none)" in text
    assert "Dataset drift % is undefined here: none of the 10 feature(s) could be compared" in text
    # concept drift on 3 labelled rows would be a meaningless RMSE: it says why there is none
    assert "too few labelled rows to score a model: n=3 in the current, at least 30 needed" in text
