"""Durations and retention written the way people write them in YAML: `90s`, `30m`, `24h`, `90d`,
`2w`. Config keys keep the text; code asks for seconds with `seconds(text)`.

`history.keep` is either a count of snapshots (a whole number ≥ 1) or such an age.
"""

from __future__ import annotations

import contextlib
import re
from typing import Annotated

from pydantic import AfterValidator

UNITS_S = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
FORMAT = "a number and a unit: s, m, h, d or w (e.g. 30m, 24h, 90d)"


def seconds(text: str) -> float:
    """`"24h"` → 86400.0; raises ValueError naming the expected format."""
    match = _RE.match(str(text))
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"expected a duration > 0, {FORMAT}, got {text!r}")
    return float(match.group(1)) * UNITS_S[match.group(2)]


def _check_duration(text: str) -> str:
    seconds(text)
    return text


def _check_keep(value: int | str) -> int | str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            seconds(value)
            return value
    raise ValueError(f"expected a count of snapshots (≥ 1) or an age, {FORMAT}, got {value!r}")


Duration = Annotated[str, AfterValidator(_check_duration)]
Keep = Annotated[int | str, AfterValidator(_check_keep)]
