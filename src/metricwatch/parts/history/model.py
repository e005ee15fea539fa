"""The history part's result: the renders stored before this one (read-only), or why there are
none to show. Never the reason of a failed part: a database that cannot be read is a value here
(`problem`: HistoryError.kind, or "internal"), so history never changes a run's status.
"""

from __future__ import annotations

from typing import Literal, cast, get_args

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.parts.contract import PartKey
from metricwatch.sources.history_db.snapshot import Snapshot

# why there is no history to show: a HistoryError's kind, or a bug while reading ("internal")
Problem = Literal["locked", "corrupt", "newer", "older", "unopenable", "internal"]
INTERNAL: Problem = "internal"


def problem_of(kind: str) -> Problem:
    """A HistoryError's kind as a Problem (an unknown kind is reported like a bug)."""
    return cast(Problem, kind) if kind in get_args(Problem) else INTERNAL


class HistoryReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    enabled: bool = True
    stored: list[Snapshot] = Field(default_factory=list)  # earlier renders, oldest first
    problem: Problem | None = None
    detail: str | None = None  # the full message, for logs (the report words `problem`)


HISTORY = PartKey("history", HistoryReport)
