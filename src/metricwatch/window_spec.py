"""drift.window as configured: a time width (6H, 1D, 7D, 2W, 1M) or a number of rows.

Ground floor: config validates with it, stats/windowing.py numbers and labels the windows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNIT_US = {"H": 3_600_000_000, "D": 86_400_000_000, "W": 7 * 86_400_000_000}
_PATTERN = re.compile(r"^\s*(\d+)\s*([HDWM])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WindowSpec:
    text: str
    unit: str  # H | D | W | M (calendar months) | rows
    size: int

    @property
    def by_time(self) -> bool:
        return self.unit != "rows"

    @property
    def width_us(self) -> int:
        return UNIT_US[self.unit] * self.size


def parse_window(value: str | int) -> WindowSpec:
    """A WindowSpec from drift.window; ValueError naming the valid forms otherwise."""
    if isinstance(value, bool):
        raise ValueError("expected 1D, 7D, 1M … or a number of rows")
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        rows = int(value)
        if rows < 1:
            raise ValueError("a row count must be at least 1")
        return WindowSpec(f"{rows} rows", "rows", rows)
    m = _PATTERN.match(str(value))
    if not m or int(m.group(1)) < 1:
        raise ValueError(
            f"{value!r} is not a window; use a number and a unit (6H, 1D, 7D, 2W, 1M for "
            "calendar months) or a number of rows (e.g. 10000)"
        )
    return WindowSpec(str(value).strip(), m.group(2).upper(), int(m.group(1)))
