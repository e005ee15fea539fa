"""One report at a time per output folder: an exclusive flock on `<output>/.metricwatch.lock`.

Taken once per report (the report command holds it around collect + render); a second holder,
in another process or the same one, gets LockedError naming the folder and the holder's pid.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from metricwatch.errors import LockedError, RenderError

LOCK_NAME = ".metricwatch.lock"


@contextmanager
def output_lock(output_dir: Path) -> Iterator[Path]:
    """Hold the output folder's lock for the duration of the block; yields the lock file path."""
    folder = Path(output_dir).resolve()
    path = folder / LOCK_NAME
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
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
