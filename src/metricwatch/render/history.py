"""`--history`: dated copies of the published report, `<output>/history/YYYY-MM-DD/<file>`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from metricwatch.atomic import atomic_copy

HISTORY_DIR = "history"


def history_dir(output_dir: Path, day: date | None = None) -> Path:
    day = day or datetime.now(UTC).date()
    return Path(output_dir) / HISTORY_DIR / day.isoformat()


def keep_history(files: Iterable[Path], output_dir: Path, day: date | None = None) -> list[Path]:
    """Copy each file into today's history folder (a later render on the same day replaces it)."""
    folder = history_dir(output_dir, day)
    return [atomic_copy(f, folder / Path(f).name) for f in files]
