"""drift.window: how the current data is cut into windows, and each window's bounds and label.

`1D`, `7D`, `6H`, `2W`, `1M` (calendar months) cut by drift.time_column; a whole number cuts
consecutive blocks of that many rows. Time windows are aligned to a fixed origin, so adding data
never moves them: hours and days start at UTC midnight, multiples of days and weeks on Mondays
(1970-01-05), months on the first of the month; times are compared in UTC. A window is numbered
by how many windows separate it from the origin; every engine computes the same numbers.
"""

from __future__ import annotations

import numpy as np

from metricwatch.window_spec import WindowSpec

ORIGIN_US = 4 * 86_400_000_000  # 1970-01-05T00:00:00Z, a Monday, in µs since the epoch
MAX_WINDOWS = 1000


def bounds(spec: WindowSpec, window: int) -> tuple[str | None, str | None, str]:
    """(start, end, label) of a window: ISO times for time windows, row ranges otherwise."""
    if spec.unit == "rows":
        first = window * spec.size
        return None, None, f"rows {first:,}–{first + spec.size - 1:,}"
    if spec.unit == "M":
        start = np.datetime64(window * spec.size, "M")
        end = start + np.timedelta64(spec.size, "M")
        return f"{start}-01", f"{end}-01", str(start)
    start_us = ORIGIN_US + window * spec.width_us
    start = np.datetime64(start_us, "us").astype("datetime64[s]")
    end = np.datetime64(start_us + spec.width_us, "us").astype("datetime64[s]")
    if spec.unit == "H" and spec.size % 24:
        return f"{start}Z", f"{end}Z", str(start.astype("datetime64[m]")).replace("T", " ")
    return f"{start}Z", f"{end}Z", str(start.astype("datetime64[D]"))


def time_window_ids(us: np.ndarray, spec: WindowSpec) -> np.ndarray:
    """Window numbers of UTC times given as int64 microseconds since the epoch."""
    t = np.asarray(us, dtype=np.int64)
    if spec.unit == "M":
        months = t.astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
        return np.floor_divide(months, spec.size)
    return np.floor_divide(t - ORIGIN_US, spec.width_us)
