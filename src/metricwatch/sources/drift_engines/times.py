"""The time column, parsed the same way in every batch: UTC microseconds per row.

Accepted: date/time columns (naive ones are read as UTC, zoned ones converted to UTC) and ISO
8601 text (`2026-03-14`, `2026-03-14 10:00:00`, `2026-03-14T10:00:00.5Z`, `…+01:00`), the
same TIME_TEXT on every engine. Counted for
the caller: missing times (left out of the windows, said so), values that are not ISO times,
and text with and without a UTC offset (both at once is an error: naive times cannot be placed
among zoned ones). Numbers are not times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from metricwatch.sources.drift_engines.counted import TimeTally

MISSING = np.iinfo(np.int64).min
# The time text every engine accepts (pandas and Spark each accept more, differently): an ISO
# 8601 date, optionally a time of day (up to µs), optionally a UTC offset after the time.
TIME_TEXT = (
    r"^\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
ZONED = r"(?:Z|[+-]\d{2}:?\d{2})$"


@dataclass
class TimeParse:
    us: np.ndarray  # int64 µs since the epoch (UTC); MISSING where there is no usable time
    tally: TimeTally


def _us(values: pd.Series) -> np.ndarray:
    out = values.astype("datetime64[us, UTC]").dt.tz_localize(None).to_numpy().astype(np.int64)
    out[values.isna().to_numpy()] = MISSING
    return out


def parse_times(col: pd.Series | pa.Array | pa.ChunkedArray) -> TimeParse:
    s = col if isinstance(col, pd.Series) else col.to_pandas()
    n = len(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        zoned = isinstance(s.dtype, pd.DatetimeTZDtype)
        utc = s.dt.tz_convert("UTC") if zoned else s.dt.tz_localize("UTC")
        present = int(s.notna().sum())
        tally = TimeTally(
            n_missing=n - present,
            n_zoned=present if zoned else 0,
            n_naive=0 if zoned else present,
        )
        return TimeParse(_us(utc), tally)
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        missing = np.full(n, MISSING, dtype=np.int64)
        return TimeParse(missing, TimeTally(n_missing=n, numbers=bool(s.notna().any())))
    text = s.astype("string").str.strip()
    present = text.notna() & (text != "")
    ok = text.str.match(TIME_TEXT).fillna(False).astype(bool)
    parsed = pd.to_datetime(text.where(ok), utc=True, errors="coerce", format="ISO8601")
    bad = parsed.isna() & present
    zoned = text.str.contains(ZONED, regex=True).fillna(False).astype(bool) & present & ~bad
    naive = present & ~bad & ~zoned
    return TimeParse(
        _us(parsed),
        TimeTally(
            n_missing=int((~present).sum()),
            n_bad=int(bad.sum()),
            bad_example=str(text[bad].iloc[0])[:40] if bad.any() else "",
            n_zoned=int(zoned.sum()),
            n_naive=int(naive.sum()),
            zoned_example=str(text[zoned].iloc[0])[:40] if zoned.any() else "",
            naive_example=str(text[naive].iloc[0])[:40] if naive.any() else "",
        ),
    )
