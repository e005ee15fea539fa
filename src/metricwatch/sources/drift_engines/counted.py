"""What an engine hands back: counts per column, overall and per window, and what went wrong.

Column problems (text in a column with numeric bins) are (status, reason as message pieces) per
column, never an exception: the comparison shows them as rows. The time column's tallies
(missing, unparseable, with and without a UTC offset) travel with the window counts;
`time_problem` decides whether windows can be trusted at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metricwatch.i18n.words import Words
from metricwatch.stats.counts import SideCounts, add_sides
from metricwatch.window_spec import WindowSpec


@dataclass
class TimeTally:
    n_missing: int = 0
    n_bad: int = 0
    bad_example: str = ""
    n_zoned: int = 0
    n_naive: int = 0
    zoned_example: str = ""
    naive_example: str = ""
    numbers: bool = False

    def merge(self, other: TimeTally) -> None:
        self.n_missing += other.n_missing
        self.n_bad += other.n_bad
        self.bad_example = self.bad_example or other.bad_example
        self.n_zoned += other.n_zoned
        self.n_naive += other.n_naive
        self.zoned_example = self.zoned_example or other.zoned_example
        self.naive_example = self.naive_example or other.naive_example
        self.numbers = self.numbers or other.numbers


@dataclass
class WindowCounts:
    spec: WindowSpec
    counts: dict[int, SideCounts] = field(default_factory=dict)  # window number -> counts
    rows: dict[int, int] = field(default_factory=dict)
    tally: TimeTally = field(default_factory=TimeTally)
    problem: tuple[str, dict[str, Any]] | None = None  # (code, parameters): no windows

    def add(self, window: int, counts: SideCounts, rows: int) -> None:
        self.counts[window] = add_sides(self.counts.get(window, {}), counts)
        self.rows[window] = self.rows.get(window, 0) + rows


@dataclass
class Counted:
    overall: SideCounts
    columns: list[str]  # the data's columns
    n_rows: int
    errors: dict[str, tuple[str, Words]] = field(default_factory=dict)  # column -> (status, why)
    windows: WindowCounts | None = None


def time_problem(tally: TimeTally, column: str, n_rows: int) -> tuple[str, dict[str, Any]] | None:
    """Why the time column cannot cut windows (code, parameters), or None."""
    if tally.numbers:
        return "time_numbers", {"column": column}
    if tally.n_bad:
        return "time_unparseable", {
            "column": column,
            "count": tally.n_bad,
            "total": n_rows,
            "example": tally.bad_example,
        }
    if tally.n_zoned and tally.n_naive:
        return "time_mixed_zones", {
            "column": column,
            "zoned": tally.n_zoned,
            "naive": tally.n_naive,
            "zoned_example": tally.zoned_example,
            "naive_example": tally.naive_example,
        }
    if tally.n_missing >= n_rows:
        return "time_all_missing", {"column": column, "total": n_rows}
    return None
