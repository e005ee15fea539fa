"""Per-stage timing: `with timer.stage("execute"):` …, then a summary table at the end."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table


class StageTimer:
    """Records how long each named stage took, in the order the stages ran.

    on_start is called with the stage name when a stage begins (e.g. to update a progress line).
    """

    def __init__(self, on_start: Callable[[str], None] | None = None) -> None:
        self._stages: list[tuple[str, float, bool]] = []
        self._on_start = on_start

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self._on_start is not None:
            self._on_start(name)
        start = time.monotonic()
        ok = False
        try:
            yield
            ok = True
        finally:
            self._stages.append((name, time.monotonic() - start, ok))

    def as_dict(self) -> dict[str, float]:
        """Stage name → seconds (repeated names are summed), JSON-ready."""
        out: dict[str, float] = {}
        for name, secs, _ in self._stages:
            out[name] = round(out.get(name, 0.0) + secs, 3)
        return out

    @property
    def total_s(self) -> float:
        return sum(secs for _, secs, _ in self._stages)

    def table(self, title: str = "Timing") -> Table:
        table = Table(title=title, show_edge=False)
        table.add_column("stage")
        table.add_column("seconds", justify="right")
        table.add_column("", justify="center")
        for name, secs, ok in self._stages:
            table.add_row(name, f"{secs:.1f}", "✓" if ok else "✗")
        table.add_row("total", f"{self.total_s:.1f}", "", style="bold")
        return table

    def print_summary(self, console: Console, title: str = "Timing") -> None:
        console.print(self.table(title))
