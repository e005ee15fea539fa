"""Category keys: one canonical text per value, so every engine and file format agrees.

A value's key: text as is; booleans `True` / `False`; whole numbers as integers (`3`, also for
3.0 and for the text "3" when the other side holds numbers); other numbers as Python's shortest
round-trip text (`2.5`, `1e+20`), `inf` / `-inf`; None, NaN, NaT are missing. Both engines send
the distinct values they counted through `category_key`, so the local engine and Spark count the
same keys. The display order of a vocabulary: an ordinal order first, then numbers numerically,
then text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from metricwatch.stats.counts import CategoryCounts

UNSEEN = "unseen"
MAX_EXACT_INT = 2**53  # whole floats beyond this are not integers a float can count exactly


def category_key(value: Any) -> str | None:
    """The canonical key of one value; None for a missing value."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return float_key(float(value))
    if isinstance(value, str):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def float_key(x: float) -> str | None:
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == math.floor(x) and abs(x) < MAX_EXACT_INT:
        return str(int(x))
    return repr(x)


def keyed_counts(
    values: Iterable[Any], counts: Iterable[int], n_missing: int = 0
) -> CategoryCounts:
    """CategoryCounts from distinct values and their counts (values sharing a key merge)."""
    out: dict[str, int] = {}
    missing = int(n_missing)
    for value, c in zip(values, counts, strict=True):
        key = category_key(value)
        if key is None:
            missing += int(c)
        elif c:
            out[key] = out.get(key, 0) + int(c)
    return CategoryCounts(out, missing)


def sort_key(key: str) -> tuple[int, float, str]:
    """Numbers first, numerically; then text."""
    try:
        x = float(key)
    except ValueError:
        return (1, 0.0, key)
    return (0, x, key) if not math.isnan(x) else (1, 0.0, key)


def vocabulary(reference: Mapping[str, int], order: Sequence[Any] | None = None) -> list[str]:
    """The reference's categories in display order: the ordinal order, then the others sorted."""
    ordered: list[str] = []
    for v in order or []:
        key = category_key(v)
        if key is not None and key not in ordered:
            ordered.append(key)
    known = set(ordered)
    seen = sorted((k for k, n in reference.items() if n > 0 and k not in known), key=sort_key)
    return ordered + seen


def to_vector(counts: CategoryCounts, categories: Sequence[str]) -> np.ndarray:
    """Counts over the categories, plus a last 'unseen' bin for every other key."""
    index = {k: i for i, k in enumerate(categories)}
    out = np.zeros(len(categories) + 1, dtype=np.int64)
    for key, c in counts.counts.items():
        out[index.get(key, len(categories))] += int(c)
    return out


def unseen(counts: CategoryCounts, categories: Sequence[str]) -> list[tuple[str, int]]:
    """Keys absent from the categories with their counts, most frequent first (ties by key)."""
    known = set(categories)
    new = [(k, int(c)) for k, c in counts.counts.items() if c > 0 and k not in known]
    return sorted(new, key=lambda kc: (-kc[1], kc[0]))
