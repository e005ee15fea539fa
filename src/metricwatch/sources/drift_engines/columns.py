"""Column values as the local engine counts them: floats for numeric bins, keyed counts for
categories; from a pandas Series or an Arrow array alike.

Text where numbers are expected is converted when every value is a number written as text, and
raises TypeMismatch (naming how many values are not numbers, with an example) otherwise; its
`reason` is message pieces (catalogue keys `drift.why.*`), worded where shown.
Categories are counted by Arrow's hash kernel (`value_counts`, on the dictionary encoding when
windows need codes) and keyed once per distinct value (stats/categories.py).
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metricwatch.i18n.message import Param, msg
from metricwatch.i18n.words import Words
from metricwatch.stats.categories import category_key, keyed_counts
from metricwatch.stats.counts import CategoryCounts

Column: TypeAlias = pd.Series | pa.Array | pa.ChunkedArray


class TypeMismatch(ValueError):
    """Raised when a column with numeric bins holds text that is not a number."""

    def __init__(self, n_bad: int, n_present: int, example: str) -> None:
        self.n_bad, self.n_present, self.example = n_bad, n_present, example
        super().__init__(self.detail())

    def detail(self) -> str:
        return (
            f"{self.n_bad} of {self.n_present} values are not numbers (e.g. {self.example[:40]!r})"
        )

    def reason(self, name: str, side: str) -> Words:
        """Why the column is not compared: text on side ("reference" or "current")."""
        values: dict[str, Param] = {
            "bad": self.n_bad,
            "present": self.n_present,
            "example": self.example[:40],
        }
        key = "drift.why.text_in_reference" if side == "reference" else "drift.why.text_in_current"
        return [msg("drift.why.column", name=name), msg(key, **values)]


def _series(col: Column) -> pd.Series:
    return col if isinstance(col, pd.Series) else col.to_pandas()


def is_number(col: Column) -> bool:
    if isinstance(col, pd.Series):
        return pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(
            col.dtype
        )
    return pa.types.is_integer(col.type) or pa.types.is_floating(col.type)


def float_values(col: Column) -> np.ndarray:
    """float64 values (missing as NaN); text that is not a number raises TypeMismatch."""
    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        if is_number(col) or pa.types.is_boolean(col.type) or pa.types.is_null(col.type):
            arr = pc.cast(col, pa.float64())
            if arr.null_count:
                arr = pc.fill_null(arr, np.nan)
            return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)
        col = col.to_pandas()
    s = col
    if is_number(s) or pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan)
    conv = pd.to_numeric(s, errors="coerce")
    bad = conv.isna() & s.notna()
    if bad.any():
        example = s[bad].iloc[0]
        raise TypeMismatch(int(bad.sum()), int(s.notna().sum()), str(example))
    return conv.to_numpy(dtype=np.float64, na_value=np.nan)


def _arrow(col: Column) -> pa.Array | pa.ChunkedArray | None:
    """The column as Arrow when that is cheap and well-typed; None for mixed Python objects."""
    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        return col
    try:
        return pa.array(col, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None


def category_counts(col: Column) -> CategoryCounts:
    arr = _arrow(col)
    if arr is None:
        codes, uniques = pd.factorize(_series(col), use_na_sentinel=True)
        per = np.bincount(codes[codes >= 0], minlength=len(uniques))
        return keyed_counts(list(uniques), per.tolist(), int((codes < 0).sum()))
    vc = pc.value_counts(arr)
    values = vc.field("values").to_pylist()
    return keyed_counts(values, vc.field("counts").to_pylist())


def codes_and_values(col: Column) -> tuple[np.ndarray, list]:
    """(an int64 code per row, -1 for missing; the distinct value of each code)."""
    arr = _arrow(col)
    if arr is None:
        codes, uniques = pd.factorize(_series(col), use_na_sentinel=True)
        return codes.astype(np.int64), list(uniques)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    enc = pc.dictionary_encode(arr)
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return idx, enc.dictionary.to_pylist()


def grouped_category_counts(col: Column, ids: np.ndarray) -> dict[int, CategoryCounts]:
    """Category counts per window id, in one bincount over (window, key) pairs: each distinct
    value is keyed once (values sharing a key, and missing ones, share a column of the table)."""
    codes, values = codes_and_values(col)
    if ids.size == 0:
        return {}
    keys = [category_key(v) for v in values]
    names = list(dict.fromkeys(k for k in keys if k is not None))
    slot = {k: i for i, k in enumerate(names)}
    n_k = len(names) + 1  # the last slot: missing
    # the slot of each code, and of code -1 (missing) at the end of the lookup
    lookup = np.array([n_k - 1 if k is None else slot[k] for k in keys] + [n_k - 1], np.int64)
    base = int(ids.min())
    n_w = int(ids.max()) - base + 1
    combined = (ids - base) * n_k
    combined += lookup[codes]  # code -1 picks the last entry: missing
    table = np.bincount(combined, minlength=n_w * n_k).reshape(n_w, n_k)
    out: dict[int, CategoryCounts] = {}
    for w in np.flatnonzero(table.sum(axis=1)).tolist():
        row = table[w].tolist()
        counts = {k: c for k, c in zip(names, row, strict=False) if c}
        out[w + base] = CategoryCounts(counts, row[-1])
    return out
