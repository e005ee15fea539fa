"""One report at a time per output folder: an exclusive flock on `<output>/.metricwatch.lock`.

The lock is re-entrant within a process (the CLI can hold it around collect + render while the
renderer takes it again); a second process gets LockedError naming the folder and holder's pid.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from metricwatch.errors import LockedError, RenderError

LOCK_NAME = ".metricwatch.lock"

_held: dict[Path, int] = {}
_guard = threading.Lock()


@contextmanager
def output_lock(output_dir: Path) -> Iterator[Path]:
    """Hold the output folder's lock for the duration of the block; yields the lock file path."""
    folder = Path(output_dir).resolve()
    path = folder / LOCK_NAME
    with _guard:
        if folder in _held:
            _held[folder] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield path
        finally:
            with _guard:
                _held[folder] -= 1
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RenderError(f"cannot create the lock file {path}: {exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise LockedError(
                f"another metricwatch report is already running for {folder} (pid {holder}); "
                "wait for it to finish, or stop that process."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        with _guard:
            _held[folder] = 1
        try:
            yield path
        finally:
            with _guard:
                _held.pop(folder, None)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
