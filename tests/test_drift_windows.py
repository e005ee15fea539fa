"""Drift by time window: window numbers and labels, the time column, one pass, honest rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metricwatch.cli.drift_windows import summary, window_rows
from metricwatch.config import DriftConfig
from metricwatch.i18n import t
from metricwatch.i18n.message import msg
from metricwatch.parts.drift.collect import frames_report
from metricwatch.parts.drift.section import window_blocks
from metricwatch.sources.drift_engines.local_count import count, tasks_of
from metricwatch.sources.drift_engines.local_freeze import freeze_frame
from metricwatch.sources.drift_engines.times import MISSING, parse_times
from metricwatch.stats.windowing import bounds, time_window_ids
from metricwatch.window_spec import parse_window


def _us(text: str) -> int:
    return int(np.datetime64(text, "us").astype(np.int64))


@pytest.mark.parametrize(
    ("window", "when", "label", "start"),
    [
        ("1D", "2026-03-14T23:59:59", "2026-03-14", "2026-03-14T00:00:00Z"),
        ("7D", "2026-03-14T10:00", "2026-03-09", "2026-03-09T00:00:00Z"),  # weeks start Monday
        ("1W", "2026-03-09T00:00", "2026-03-09", "2026-03-09T00:00:00Z"),
        ("1M", "2026-03-31T23:00", "2026-03", "2026-03-01"),
        ("6H", "2026-03-14T17:30", "2026-03-14 12:00", "2026-03-14T12:00:00Z"),
        ("7D", "1969-12-31T12:00", "1969-12-29", "1969-12-29T00:00:00Z"),  # before the origin
    ],
)
def test_windows_are_aligned_to_a_fixed_origin(
    window: str, when: str, label: str, start: str
) -> None:
    spec = parse_window(window)
    (w,) = time_window_ids(np.array([_us(when)]), spec)
    assert bounds(spec, int(w))[2] == label and bounds(spec, int(w))[0] == start


def test_window_forms() -> None:
    assert parse_window(5000).unit == "rows" and bounds(parse_window("100"), 2)[2] == "rows 200–299"
    for bad in ("7X", "0D", "D", "1.5D", True):
        with pytest.raises(ValueError):
            parse_window(bad)  # type: ignore[arg-type]


def test_time_text_with_and_without_offsets() -> None:
    p = parse_times(pd.Series(["2026-03-14", "2026-03-14 10:00:00", "2026-03-14T10:00:00Z",
                               "2026-03-14T11:00:00+01:00", None, "yesterday", "20260314"]))  # fmt: skip
    assert (
        p.us[:4].tolist()
        == [_us("2026-03-14"), _us("2026-03-14T10:00")] * 1 + [_us("2026-03-14T10:00")] * 2
    )
    assert p.us[4] == p.us[5] == p.us[6] == MISSING
    t = p.tally
    assert (t.n_missing, t.n_bad, t.n_zoned, t.n_naive) == (1, 2, 2, 2)
    assert t.bad_example == "yesterday"
    zoned = parse_times(pd.Series(pd.to_datetime(["2026-01-01T00:30+01:00"])))
    assert zoned.us[0] == _us("2025-12-31T23:30") and zoned.tally.n_zoned == 1
    assert parse_times(pd.Series([1.5, 2.0])).tally.numbers


def _batch(weeks: list[int], rows: int, seed: int, shift_from: int | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for w in weeks:
        shift = 1.0 if shift_from is not None and w >= shift_from else 0.0
        start = np.datetime64("2026-01-05") + np.timedelta64(7 * w, "D")
        times = start + rng.integers(0, 7 * 86400, rows).astype("timedelta64[s]")
        parts.append(pd.DataFrame({"t": [f"{x}Z" for x in times.astype("datetime64[s]")],
                                   "x": rng.normal(shift, 1, rows),
                                   "c": rng.choice(["a", "b"], rows, p=[0.5 + shift * 0.3, 0.5 - shift * 0.3])}))  # fmt: skip
    return pd.concat(parts, ignore_index=True).sample(frac=1, random_state=seed)


REF = pd.DataFrame({"x": np.random.default_rng(1).normal(0, 1, 4000),
                    "c": np.random.default_rng(2).choice(["a", "b"], 4000)})  # fmt: skip
WEEKLY = DriftConfig(time_column="t", window="7D")


def test_each_window_against_the_reference_and_drift_since() -> None:
    cur = _batch([0, 1, 3, 4], 300, 3, shift_from=3)  # week 2 has no rows; drift from week 3
    cur = pd.concat([cur, _batch([5], 20, 4, shift_from=3)])  # week 5: too few rows
    w = frames_report(REF, cur, WEEKLY).windows
    assert w is not None and w.status == "ok" and w.features == ["x", "c"]
    assert [(x.label, x.n_rows, x.status) for x in w.windows] == [
        ("2026-01-05", 300, "ok"), ("2026-01-12", 300, "ok"), ("2026-01-19", 0, "empty"),
        ("2026-01-26", 300, "ok"), ("2026-02-02", 300, "ok"), ("2026-02-09", 20, "too few rows"),
    ]  # fmt: skip
    assert w.first_drift == {"x": "2026-01-26", "c": "2026-01-26"}
    assert [x.dataset_drift_pct for x in w.windows] == [0.0, 0.0, None, 100.0, 100.0, None]
    assert w.js[0][2] is None and w.js[0][5] is None and w.min_rows == 50
    assert w.drifted[0] == [False, False, None, True, True, None]


def test_windows_are_counted_in_one_pass_and_add_up_to_the_whole() -> None:
    cur = _batch([0, 1, 2], 500, 5, shift_from=2)
    spec = freeze_frame(REF, WEEKLY, label="ref")
    windowed = count([cur], tasks_of(spec), window=parse_window("7D"), time_column="t")
    whole = count([cur], tasks_of(spec))
    for name in ("x", "c"):
        assert windowed.overall[name].same_as(whole.overall[name])
    assert windowed.windows is not None and sorted(windowed.windows.rows.values()) == [500] * 3
    for number, counts in windowed.windows.counts.items():  # each window = counting it alone
        start = np.datetime64(bounds(parse_window("7D"), number)[0].rstrip("Z"))
        t = pd.to_datetime(cur["t"]).dt.tz_localize(None)
        alone = cur[(t >= start) & (t < start + np.timedelta64(7, "D"))]
        solo = count([alone], tasks_of(spec))
        assert all(counts[n].same_as(solo.overall[n]) for n in ("x", "c"))


def test_row_windows_follow_the_file_order_across_batches() -> None:
    cur = _batch([0], 1000, 6).drop(columns=["t"])
    spec = freeze_frame(REF, DriftConfig(window=400), label="ref")
    one = count([cur], tasks_of(spec), window=parse_window(400))
    split = count([cur[:150], cur[150:730], cur[730:]], tasks_of(spec), window=parse_window(400))
    assert one.windows.rows == split.windows.rows == {0: 400, 1: 400, 2: 200}
    for w in (0, 1, 2):
        assert one.windows.counts[w]["x"].same_as(split.windows.counts[w]["x"])


@pytest.mark.parametrize(
    ("times", "code", "params"),
    [
        (["2026-01-05T10:00:00Z"] * 99 + ["yesterday"], "time_unparseable",
         {"column": "t", "count": 1, "total": 100, "example": "yesterday"}),
        (["2026-01-05T10:00:00Z"] * 60 + ["2026-01-05 11:00:00"] * 40, "time_mixed_zones",
         {"column": "t", "zoned": 60, "naive": 40, "zoned_example": "2026-01-05T10:00:00Z",
          "naive_example": "2026-01-05 11:00:00"}),
        ([None] * 100, "time_all_missing", {"column": "t", "total": 100}),
    ],
)  # fmt: skip
def test_a_time_column_that_cannot_cut_windows_says_why(times, code, params) -> None:
    cur = REF.sample(100, random_state=1).assign(t=times)
    report = frames_report(REF, cur, WEEKLY)
    w = report.windows
    assert w.status == "unavailable" and w.problem == msg(f"drift.window.{code}", **params)
    assert report.dataset_drift_pct is not None  # the overall comparison stands


def test_numbers_and_a_missing_time_column() -> None:
    w = frames_report(REF, REF.assign(t=1.0), WEEKLY).windows
    assert w.problem.key == "drift.window.time_numbers"
    w = frames_report(REF, REF, WEEKLY).windows
    assert w.problem == msg("drift.window.time_column_missing", column="t")
    [notice] = window_blocks(w, "es")
    assert notice.text == (
        "drift.time_column 't' no está en los datos actuales: sin ventanas; revise el nombre "
        "de la columna"
    )


def test_all_one_day_and_rows_without_time_are_noted() -> None:
    cur = REF.sample(400, random_state=2).assign(t="2026-01-07T12:00:00Z")
    cur.iloc[:10, cur.columns.get_loc("t")] = None
    w = frames_report(REF, cur, WEEKLY).windows
    assert w.status == "ok" and [x.n_rows for x in w.windows] == [390]
    assert [(n.key, n.params) for n in w.notes] == [
        ("drift.window.rows_without_time", {"column": "t", "count": 10}),
        ("drift.window.one_window", {"label": "2026-01-05"}),
    ]
    # the report words them in its language; the CLI in English
    shown = [b.text for b in window_blocks(w, "es")]
    assert shown == [
        "10 fila(s) sin fecha en 't': cuentan en la comparación global, en ninguna ventana",
        "todas las filas caen en una sola ventana (2026-01-05): las ventanas no dicen nada "
        "que la comparación global no diga",
    ]
    assert "Note: 10 row(s) have no time in 't': counted in the overall comparison" in "\n".join(
        summary(w)
    )
    assert window_rows(w)[0][2] == "ok"
    # the CLI's title is the catalogue's (cli.drift.*), in the CLI's English
    head = t("cli.drift.by_window_of", window=w.window, column="t")
    assert summary(w)[0].startswith(f"{head}: 1 window(s)") and head.startswith("Drift by window")


def test_the_time_column_is_never_a_feature() -> None:
    cur = _batch([0, 1], 300, 7)
    report = frames_report(REF.assign(t="2026-01-05"), cur, WEEKLY)
    assert [f.name for f in report.features] == ["x", "c"]
