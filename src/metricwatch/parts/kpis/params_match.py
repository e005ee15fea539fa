"""Compare an MLflow run's params (strings) with the params DVC recorded (typed YAML values).

Matching rule, for each expected key `a.b.c` (flattened with dots from dvc.lock / params.yaml):
the run param named `a.b.c` if logged; else the longest dotted suffix the run logged (`b.c`,
then the leaf `c`), a suffix being used only when no other expected key ends with it. Expected
keys the run never logged are reported as "not logged"; run params DVC does not know are ignored.

Values compare after normalisation, because MLflow stores `str(value)`: numbers as floats
(`"0.10"` == 0.1, `"10"` == 10.0), booleans case-insensitively, `None`/`null` alike, lists and
mappings element by element (`"[1, 2]"` == [1, 2]), other text exactly.
"""

from __future__ import annotations

import ast
import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ParamDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str  # the expected (DVC) key
    run_key: str
    run_value: str
    expected: str


class ParamsComparison(BaseModel):
    model_config = ConfigDict(frozen=True)

    equal: list[str] = Field(default_factory=list)
    differ: list[ParamDiff] = Field(default_factory=list)
    not_logged: list[str] = Field(default_factory=list)


def normalize(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        f = float(value)
        return "nan" if math.isnan(f) else f
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): normalize(v) for k, v in value.items()}
    text = str(value).strip()
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null", "~"):
        return None
    try:
        return normalize(float(text))
    except ValueError:
        pass
    if text[:1] in "[{(":
        try:
            return normalize(ast.literal_eval(text))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return text
    return text


def same_value(a: Any, b: Any) -> bool:
    na, nb = normalize(a), normalize(b)
    if isinstance(na, float) and isinstance(nb, float):
        return math.isclose(na, nb, rel_tol=1e-12, abs_tol=0.0) or na == nb
    return bool(na == nb)


def _suffixes(key: str) -> list[str]:
    parts = key.split(".")
    return [".".join(parts[i:]) for i in range(1, len(parts))]


def find_run_key(
    key: str, run_params: Mapping[str, str], suffix_counts: Counter[str]
) -> str | None:
    if key in run_params:
        return key
    for suffix in _suffixes(key):
        if suffix in run_params and suffix_counts[suffix] == 1:
            return suffix
    return None


def compare_params(expected: Mapping[str, Any], run_params: Mapping[str, str]) -> ParamsComparison:
    counts: Counter[str] = Counter()
    for key in expected:
        counts.update({key, *_suffixes(key)})
    equal: list[str] = []
    differ: list[ParamDiff] = []
    missing: list[str] = []
    for key in sorted(expected):
        run_key = find_run_key(key, run_params, counts)
        if run_key is None:
            missing.append(key)
        elif same_value(run_params[run_key], expected[key]):
            equal.append(key)
        else:
            differ.append(
                ParamDiff(
                    key=key,
                    run_key=run_key,
                    run_value=str(run_params[run_key]),
                    expected=str(expected[key]),
                )
            )
    return ParamsComparison(equal=equal, differ=differ, not_logged=missing)
