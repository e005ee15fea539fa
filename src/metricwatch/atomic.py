"""Publish report files atomically: a temp file in the destination folder, then os.replace.

A reader never sees a half-written report, and a failed run leaves the previous one in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def _replacing(dest: Path) -> Iterator[Path]:
    """A temp path in dest's folder (same filesystem); on success it is fsynced and moved over
    dest with os.replace, on failure it is removed and dest is untouched."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(dest: Path, data: bytes) -> Path:
    """Write data to dest so that dest is either the old file or the complete new one."""
    dest = Path(dest)
    with _replacing(dest) as tmp:
        tmp.write_bytes(data)
    return dest


def atomic_write_text(dest: Path, text: str) -> Path:
    return atomic_write_bytes(dest, text.encode("utf-8"))


def atomic_copy(src: Path, dest: Path) -> Path:
    """Copy src over dest atomically."""
    dest = Path(dest)
    with _replacing(dest) as tmp:
        shutil.copyfile(src, tmp)
    return dest
