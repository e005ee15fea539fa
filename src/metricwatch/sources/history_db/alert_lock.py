"""One notifier at a time: an exclusive flock on `<history file>.alerts.lock`.

A notifier holds it from reading the alert state to saving what it sent, so two `check --notify`
at once never both announce the same breach: the second waits, then sees what the first sent.
Snapshot writers do not take it (they never wait for a slow webhook). The wait is bounded by
the caller (the other notifier's longest possible delivery plus `history.timeout_s`).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from metricwatch.sources.history_db import failures

POLL_S = 0.05


def lock_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".alerts.lock")


@contextmanager
def alert_lock(db_path: Path, *, wait_s: float, source: str) -> Iterator[Path]:
    path = lock_path(db_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise failures.unopenable(path, exc.strerror or type(exc).__name__, source) from exc
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise failures.alert_locked(path, wait_s) from None
                time.sleep(POLL_S)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
