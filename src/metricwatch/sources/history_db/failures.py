"""The history database's failure messages: each names the file, what happened to this run, and
what to do. Every one says the file was left as it is: a failed run never rewrites or deletes it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from metricwatch.errors import HistoryError

_LEFT = "the file was left as it is"


def _where(source: str) -> str:
    return f"history.path in {source}"


def locked(path: Path, waited_s: float, source: str) -> HistoryError:
    return HistoryError(
        f"history database {path} is locked by another process (waited {waited_s:g} s); "
        f"{_LEFT}. If another metricwatch is still running, raise history.timeout_s in {source}; "
        "otherwise find the process holding it (e.g. `fuser` on the file) and stop it",
        "locked",
    )


def alert_locked(path: Path, waited_s: float) -> HistoryError:
    return HistoryError(
        f"another metricwatch is sending alerts and held {path} for more than {waited_s:g} s",
        "locked",
    )


def corrupt(path: Path, detail: str, source: str) -> HistoryError:
    return HistoryError(
        f"history database {path} is not a readable SQLite database ({detail}); {_LEFT}. "
        f"Move it aside (the next run starts a new one) or set {_where(source)} to another file",
        "corrupt",
    )


def newer(path: Path, found: int, known: int, source: str) -> HistoryError:
    return HistoryError(
        f"history database {path} was written by a newer metricwatch (schema {found}; this one "
        f"knows up to {known}); {_LEFT}. Upgrade metricwatch, or set {_where(source)} to "
        "another file",
        "newer",
    )


def unopenable(path: Path, detail: str, source: str) -> HistoryError:
    return HistoryError(
        f"cannot open history database {path} ({detail}); {_LEFT}. Check that its folder "
        f"exists and is writable, or set {_where(source)} to another file",
        "unopenable",
    )


def older(path: Path, found: int, known: int) -> HistoryError:
    return HistoryError(
        f"history database {path} has schema {found} (this metricwatch writes {known}); the next "
        "`metricwatch report` or `metricwatch check` upgrades it",
        "older",
    )


def translate(exc: BaseException, path: Path, source: str, waited_s: float) -> HistoryError:
    """The HistoryError for an sqlite3 / OS error met while using the database."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return locked(path, waited_s, source)
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    ):
        return corrupt(path, text, source)
    if isinstance(exc, OSError):
        return unopenable(path, exc.strerror or type(exc).__name__, source)
    return unopenable(path, text or type(exc).__name__, source)
