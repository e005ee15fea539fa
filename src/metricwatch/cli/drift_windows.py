"""`metricwatch drift` output for drift by time window: the windows, the JS matrix, and what the
result's problem and note codes mean, worded here (the result holds codes and numbers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metricwatch.stats.windows import Note, WindowDrift, WindowedDrift

MATRIX_MAX_WINDOWS = 16  # wider JS matrices are left to --format json and --figures

MESSAGES = {
    "time_column_missing": "drift.time_column {column!r} is not in the current data: no windows; "
    "check the column name",
    "time_numbers": "drift.time_column {column!r} holds numbers, not times: no windows; write "
    "ISO 8601 times (e.g. 2026-03-14T10:00:00Z) or use a date/time column",
    "time_unparseable": "drift.time_column {column!r}: {count} of {total} values are not ISO 8601 "
    "times (e.g. {example!r}): no windows; fix them (e.g. 2026-03-14T10:00:00Z) or drop those rows",
    "time_mixed_zones": "drift.time_column {column!r} mixes times with a UTC offset ({zoned}, e.g. "
    "{zoned_example!r}) and without one ({naive}, e.g. {naive_example!r}): no windows; write "
    "every time with its offset, or none",
    "time_all_missing": "drift.time_column {column!r} has no value in any of the {total} rows: "
    "no windows",
    "too_many_windows": "{count} windows (more than {max}): no windows; use a wider drift.window",
    "rows_without_time": "{count} row(s) have no time in {column!r}: counted in the overall "
    "comparison, in no window",
    "one_window": "every row falls in one window ({label}): the windows say nothing the overall "
    "comparison does not",
}


def say(note: Note) -> str:
    return MESSAGES.get(note.code, note.code).format(**note.params)


def window_status(w: WindowDrift, min_rows: int) -> str:
    if w.status == "empty":
        return "no rows: no verdict"
    if w.status == "too few rows":
        return f"too few rows ({w.n_rows} < {min_rows}): no verdict"
    return "ok"


def window_rows(wd: WindowedDrift) -> list[list[str]]:
    rows = []
    for w in wd.windows:
        pct = "—" if w.dataset_drift_pct is None else f"{w.dataset_drift_pct:.1f} %"
        drifting = ", ".join(w.drifted_features) or ("—" if w.status != "ok" else "none")
        rows.append([w.label, str(w.n_rows), window_status(w, wd.min_rows), pct, drifting])
    return rows


WINDOW_HEADERS = ["window", "rows", "status", "drift %", "drifting features"]


def matrix(wd: WindowedDrift) -> tuple[list[str], list[list[str]]] | None:
    """(headers, rows) of the feature × window JS matrix; None when too wide for a terminal."""
    if not wd.windows or len(wd.windows) > MATRIX_MAX_WINDOWS:
        return None
    headers = ["feature", *(w.label for w in wd.windows)]
    rows = []
    for name, js, drifted in zip(wd.features, wd.js, wd.drifted, strict=True):
        cells = [
            "—" if v is None else f"{v:.2f}{'*' if d else ''}"
            for v, d in zip(js, drifted, strict=True)
        ]
        rows.append([name, *cells])
    return headers, rows


def summary(wd: WindowedDrift) -> list[str]:
    head = f"Drift by window ({wd.window} of {wd.time_column or 'row order'})"
    if wd.status != "ok" and wd.problem is not None:
        return [f"{head}: {say(wd.problem)}."]
    lines = [
        f"{head}: {len(wd.windows)} window(s); each against the reference's bins, p-values "
        f"adjusted per window ({wd.correction}); windows under {wd.min_rows} rows get no verdict."
    ]
    for name in wd.features:
        if name in wd.first_drift:
            lines.append(f"  {name}: drift since {wd.first_drift[name]}")
    if not wd.first_drift:
        lines.append("  no feature drifts in any window")
    return lines + [f"Note: {say(n)}." for n in wd.notes]


def as_dict(wd: WindowedDrift) -> dict[str, Any]:
    return wd.model_dump(mode="json")
