"""Spark column expressions that mirror the local engine value for value.

- Numeric input: numbers (and booleans) as doubles, null as NaN, -0.0 as 0.0; text parsed as
  numbers, where a present value that is not a number (or is "nan") is "bad" (a type mismatch,
  like pandas.to_numeric in the local engine).
- Codes on the fine bins: Bucketizer's bucket, with NaN, -inf and +inf as their own codes (the
  driver folds ±inf back into the first/last bin and counts them apart).
- Category keys (stats/categories.py): text as is, booleans True/False, whole numbers as
  integers, ±inf as inf/-inf; other fractional values travel as doubles and are keyed on the
  driver with Python's repr, exactly as the local engine keys them.
- Time: µs since the epoch in UTC for timestamps, dates and TIME_TEXT text; window numbers by
  floor division from the same origin as stats/windowing.py.
"""

from __future__ import annotations

from typing import Any

from metricwatch.sources.drift_engines.times import TIME_TEXT, ZONED
from metricwatch.stats.categories import MAX_EXACT_INT
from metricwatch.stats.windowing import ORIGIN_US
from metricwatch.window_spec import WindowSpec

CODE_NAN, CODE_NEGINF, CODE_POSINF, CODE_BAD = -3, -1, -2, -4


def _F():
    from pyspark.sql import functions as F

    return F


def kind_of(dtype: Any) -> str:
    """'integral' | 'number' | 'bool' | 'text' | 'time' | 'other' for a Spark data type."""
    from pyspark.sql import types as T

    if isinstance(dtype, T.BooleanType):
        return "bool"
    if isinstance(dtype, T.NumericType):
        return "integral" if isinstance(dtype, T.IntegralType) else "number"
    if isinstance(dtype, T.StringType):
        return "text"
    if isinstance(dtype, T.DateType | T.TimestampType | T.TimestampNTZType):
        return "time"
    return "other"


def numeric_value(col: Any, kind: str) -> tuple[Any, Any]:
    """(the value as a double, NaN for missing; a 'bad' flag for text that is no number)."""
    F = _F()
    if kind == "text":
        parsed = col.try_cast("double")
        present = col.isNotNull()
        bad = present & (parsed.isNull() | F.isnan(parsed))
        value = F.when(bad | ~present, F.lit(float("nan"))).otherwise(parsed)
        return value + F.lit(0.0), bad
    value = F.coalesce(col.cast("double"), F.lit(float("nan")))
    return value + F.lit(0.0), F.lit(False)


def code(value: Any, bucket: Any, bad: Any) -> Any:
    F = _F()
    return (
        F.when(bad, F.lit(CODE_BAD))
        .when(F.isnan(value), F.lit(CODE_NAN))
        .when(value == float("-inf"), F.lit(CODE_NEGINF))
        .when(value == float("inf"), F.lit(CODE_POSINF))
        .otherwise(bucket.cast("long"))
    )


def finite(x: Any) -> Any:
    """Not null, not NaN, not ±inf (Spark's ANSI mode fails on floor/cast of the others)."""
    F = _F()
    return x.isNotNull() & ~F.isnan(x) & (F.abs(x) != float("inf"))


def category_key(col: Any, kind: str) -> tuple[Any, Any]:
    """(text key or null, double for fractional non-whole values or null)."""
    F = _F()
    none_s, none_d = F.lit(None).cast("string"), F.lit(None).cast("double")
    if kind == "bool":
        return F.when(col.isNull(), none_s).when(col, "True").otherwise("False"), none_d
    if kind == "integral":
        return col.cast("string"), none_d
    if kind == "number":
        x = col.cast("double")
        whole = F.when(finite(x), (F.abs(x) < F.lit(float(MAX_EXACT_INT))) & (x % 1.0 == 0.0))
        text = (
            F.when(x.isNull() | F.isnan(x), none_s)
            .when(x == float("inf"), "inf")
            .when(x == float("-inf"), "-inf")
            .when(whole, x.cast("long").cast("string"))
        )
        frac = F.when(finite(x) & ~whole, x)
        return text, frac.cast("double")
    return col.cast("string"), none_d


def time_us(col: Any, kind: str) -> tuple[Any, Any, Any, Any]:
    """(µs since the epoch or null; present; bad; zoned) for a time column."""
    F = _F()
    if kind == "time":
        us = F.unix_micros(col.cast("timestamp"))
        return us, col.isNotNull(), F.lit(False), F.lit(False)
    text = F.trim(col.cast("string"))
    present = text.isNotNull() & (text != "")
    ok = present & text.rlike(TIME_TEXT)
    us = F.when(ok, F.unix_micros(F.try_to_timestamp(text)))
    bad = present & us.isNull()
    zoned = ok & ~bad & text.rlike(ZONED)
    return us, present, bad, zoned


def window_number(us: Any, spec: WindowSpec) -> Any:
    """The window number of a UTC time (null stays null), as stats/windowing.py numbers it."""
    F = _F()
    if spec.unit == "M":
        ts = F.timestamp_micros(us)
        months = (F.year(ts) - 1970) * 12 + F.month(ts) - 1
        return F.floor(months / F.lit(spec.size)).cast("long")
    rel = us - F.lit(ORIGIN_US)
    width = F.lit(spec.width_us)
    return ((rel - F.pmod(rel, width)) / width).cast("long")
