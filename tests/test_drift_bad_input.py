"""Broken inputs: a per-feature status or a clear error naming the file and column, never a crash
and never "no drift" for data that could not be compared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.configs import make_config

from metricwatch.config import DriftConfig
from metricwatch.errors import CheckError, ConfigError, SourceError
from metricwatch.parts.drift.collect import frames_report, run_drift
from metricwatch.parts.drift.text import definition_text


def _frame(n: int, seed: int = 0, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(shift, 1, n),
            "y": rng.normal(0, 1, n),
            "c": rng.choice(["a", "b", "c"], n),
        }
    )


def _by_name(report) -> dict:
    return {f.name: f for f in report.features}


def test_empty_frames_give_no_verdict(tmp_path: Path) -> None:
    (tmp_path / "ref.csv").write_text("x,c\n", encoding="utf-8")
    _frame(200)[["x", "c"]].to_csv(tmp_path / "cur.csv", index=False)
    report = run_drift(
        make_config(tmp_path, drift={"reference": "ref.csv", "current": "cur.csv"}), concept=False
    )
    feats = _by_name(report)
    for name in ("x", "c"):  # a header-only CSV has untyped (text) columns
        assert feats[name].status == "insufficient data"
        assert feats[name].reason == "insufficient data (n=0 in the reference, fewer than 10 bins)"
    assert all(f.drifted is None for f in report.features)
    assert report.dataset_drift_pct is None
    assert "undefined" in definition_text(report)


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "ref.csv").write_bytes(b"")
    _frame(10).to_csv(tmp_path / "cur.csv", index=False)
    with pytest.raises(SourceError, match=r"ref\.csv: the file is empty"):
        run_drift(
            make_config(tmp_path, drift={"reference": "ref.csv", "current": "cur.csv"}),
            concept=False,
        )


def test_column_missing_on_one_side(tmp_path: Path) -> None:
    ref, cur = _frame(500), _frame(500, 1).drop(columns=["y"]).assign(z=1.0)
    feats = _by_name(frames_report(ref, cur, DriftConfig()))
    assert feats["y"].status == "missing column"
    assert feats["y"].reason == "column 'y' is in the reference but not in the current data"
    assert feats["z"].reason == "column 'z' is in the current data but not in the reference"
    assert feats["y"].drifted is None and feats["z"].drifted is None
    assert feats["x"].status == "ok"


def test_numeric_in_reference_text_in_current(tmp_path: Path) -> None:
    ref = _frame(500)
    cur = _frame(500, 1)
    cur["x"] = cur["x"].astype(str)
    cur.loc[3, "x"] = "n/a (sensor off)"
    feats = _by_name(frames_report(ref, cur, DriftConfig()))
    assert feats["x"].status == "type mismatch"
    assert feats["x"].reason == (
        "column 'x': numeric in the reference but text in the current: 1 of 500 values are "
        "not numbers (e.g. 'n/a (sensor off)')"
    )
    assert feats["x"].drifted is None
    # numbers written as text compare as numbers
    cur2 = _frame(500, 1).assign(x=lambda f: f["x"].astype(str))
    assert _by_name(frames_report(ref, cur2, DriftConfig()))["x"].status == "ok"


def test_empty_numeric_reference_frame() -> None:
    ref = pd.DataFrame({"x": pd.Series([], dtype=float)})
    f = _by_name(frames_report(ref, _frame(100), DriftConfig()))["x"]
    assert f.status == "insufficient data"
    assert f.reason == "column 'x': insufficient data (n=0 rows in the reference)"


def test_inf_values_fall_in_the_overflow_bins_and_are_counted() -> None:
    ref, cur = _frame(1000), _frame(1000, 1)
    cur.loc[:99, "x"] = np.inf
    cur.loc[100:109, "x"] = -np.inf
    f = _by_name(frames_report(ref, cur, DriftConfig()))["x"]
    assert f.status == "ok"
    assert f.inf_current == 110 and f.inf_reference == 0
    assert f.distribution is not None
    assert f.distribution.current[-1] >= 0.1 and f.distribution.current[0] >= 0.01
    assert f.psi is not None and np.isfinite(f.psi)


def test_all_nan_constant_and_tiny_columns_get_statuses() -> None:
    ref, cur = _frame(1000), _frame(1000, 1)
    ref["nan"] = np.nan
    cur["nan"] = 1.0
    ref["const"] = 3.0
    cur["const"] = np.where(np.arange(1000) < 500, 3.0, 4.0)
    feats = _by_name(frames_report(ref, cur, DriftConfig()))
    assert feats["nan"].status == "all missing"
    assert feats["const"].status == "constant"
    assert feats["const"].reason == (
        "constant in the reference (every value is 3); no verdict; 1 category not in the "
        "reference ('4'): 500 of 1000 current values, counted in the 'unseen' bin"
    )
    assert feats["nan"].drifted is None and feats["const"].drifted is None
    tiny = _by_name(frames_report(_frame(30), _frame(30, 1), DriftConfig()))
    assert tiny["x"].status == "low sample size"
    assert tiny["x"].reason.startswith("low sample size (n=30 < 5 × 10 bins)")
    assert tiny["x"].psi is not None and tiny["x"].drifted is None
    few = _by_name(frames_report(_frame(5), _frame(5, 1), DriftConfig()))
    assert few["x"].status == "insufficient data" and few["x"].psi is None


def test_nan_share_is_reported_per_side() -> None:
    ref, cur = _frame(1000), _frame(1000, 1)
    cur.loc[:249, "y"] = np.nan
    cur.loc[:99, "c"] = None
    feats = _by_name(frames_report(ref, cur, DriftConfig()))
    assert feats["y"].nan_share_reference == 0.0
    assert feats["y"].nan_share_current == 0.25
    assert feats["c"].nan_share_current == 0.1


def test_mixed_types_in_one_column_compare_as_categories() -> None:
    ref = pd.DataFrame({"m": pd.Series([1, "a", 2.5, "b"] * 50, dtype=object)})
    cur = pd.DataFrame({"m": pd.Series(["a", "b", 1, "z"] * 50, dtype=object)})
    f = _by_name(frames_report(ref, cur, DriftConfig()))["m"]
    assert f.kind == "categorical" and f.status == "ok"
    assert f.distribution is not None and f.distribution.labels[-1] == "unseen"
    assert f.distribution.current[-1] == pytest.approx(0.25)  # "z" is unseen


def test_integer_categories_against_text_categories() -> None:
    ref = pd.DataFrame({"k": np.arange(300) % 3})
    cur = pd.DataFrame({"k": (np.arange(300) % 3).astype(str)})
    f = _by_name(frames_report(ref, cur, DriftConfig()))["k"]
    assert f.kind == "categorical" and f.status == "ok"
    assert f.js == 0.0 and f.drifted is False


def test_duplicate_column_names(tmp_path: Path) -> None:
    (tmp_path / "ref.csv").write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    _frame(10).to_csv(tmp_path / "cur.csv", index=False)
    with pytest.raises(SourceError, match=r"ref\.csv: column 'a' appears more than once"):
        run_drift(
            make_config(tmp_path, drift={"reference": "ref.csv", "current": "cur.csv"}),
            concept=False,
        )
    dup = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(CheckError, match="the current data has column 'a' more than once"):
        frames_report(pd.DataFrame({"a": [1]}), dup, DriftConfig())


def test_non_utf8_csv_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "ref.csv").write_bytes("name,x\nJosé,1\n".encode("latin-1"))
    _frame(10).to_csv(tmp_path / "cur.csv", index=False)
    with pytest.raises(
        SourceError, match=r"ref\.csv: not valid UTF-8 \(byte 0xe9 at offset 10, line 2\); re-save"
    ):
        run_drift(
            make_config(tmp_path, drift={"reference": "ref.csv", "current": "cur.csv"}),
            concept=False,
        )


def test_missing_file_unknown_format_and_unset_paths(tmp_path: Path) -> None:
    _frame(10).to_csv(tmp_path / "cur.csv", index=False)
    with pytest.raises(SourceError, match=r"nope\.csv: no such data file"):
        run_drift(
            make_config(tmp_path, drift={"reference": "nope.csv", "current": "cur.csv"}),
            concept=False,
        )
    (tmp_path / "ref.xlsx").write_bytes(b"x")
    with pytest.raises(SourceError, match="unsupported data format; use a .csv or .parquet"):
        run_drift(
            make_config(tmp_path, drift={"reference": "ref.xlsx", "current": "cur.csv"}),
            concept=False,
        )
    with pytest.raises(ConfigError, match="drift.reference is not set"):
        run_drift(make_config(tmp_path, drift={"current": "cur.csv"}), concept=False)


def test_high_cardinality_text_is_not_compared() -> None:
    ids = [f"id-{i}" for i in range(3000)]
    ref = pd.DataFrame({"id": ids})
    cur = pd.DataFrame({"id": ids[::-1]})
    f = _by_name(frames_report(ref, cur, DriftConfig()))["id"]
    assert f.status == "high cardinality" and f.drifted is None
    assert "3000 distinct values" in f.reason
