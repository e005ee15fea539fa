"""Publish report files atomically: complete files only ever appear, by os.replace.

A reader never sees a half-written report, and a failed or killed run leaves the previous one
in place. `publish` stages a set of files first (in a staging folder on the destination's
filesystem, else as anonymous O_TMPFILE files in the destination folder) and renames them over
the old ones only once every file is complete, so a run killed while writing leaves no
temporary file beside the report.

Keyed JSON cache entries (`write_keyed_json` / `read_keyed_json`): one JSON file holding a key
and a value, written atomically; a reader gets the value only when the stored key equals its
own, so a change of any input makes the entry stale. The repro verdict cache and the evidence
reuse cache use them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

TEMP_SUFFIX = ".tmp"
_AT_FDCWD, _AT_EMPTY_PATH = -100, 0x1000  # <fcntl.h>


def _temp_name(dest: Path) -> str:
    return f".{dest.name}."


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a folder be fsynced
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temps(dest: Path, min_age_s: float = 60.0) -> list[Path]:
    """Remove the temp files of dest (`.<name>.*.tmp`) a killed run left in its folder; recent
    ones may belong to a writer still at work and are left alone."""
    removed = []
    now = time.time()
    with contextlib.suppress(FileNotFoundError):
        for p in Path(dest).parent.glob(f"{_temp_name(Path(dest))}*{TEMP_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):
                if now - p.stat().st_mtime >= min_age_s:
                    p.unlink()
                    removed.append(p)
    return removed


def atomic_write_bytes(dest: Path, data: bytes) -> Path:
    """Write data to dest so that dest is either the old file or the complete new one (a run
    killed while writing leaves no temp file where the filesystem supports O_TMPFILE)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(dest)
    tmp = _stage_in_folder(dest, lambda fh: fh.write(data))
    try:
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return dest


def atomic_write_text(dest: Path, text: str) -> Path:
    return atomic_write_bytes(dest, text.encode("utf-8"))


def atomic_copy(src: Path, dest: Path) -> Path:
    """Copy src over dest atomically."""
    return publish([(Path(src), Path(dest))], None)[0]


Writer = Callable[[BinaryIO], object]


def _copier(src: Path) -> Writer:
    def write(fout: BinaryIO) -> None:
        with open(src, "rb") as fin:
            shutil.copyfileobj(fin, fout, 1 << 20)

    return write


def _fill(fd: int, write: Writer, path: Path) -> None:
    """Write through a duplicate of fd, fsync, make it world-readable (node_exporter, web servers
    may run as another user). A failed write names path (write() errors carry no file name)."""
    try:
        with os.fdopen(os.dup(fd), "wb") as fout:
            write(fout)
            fout.flush()
            os.fsync(fout.fileno())
        os.fchmod(fd, 0o644)
    except OSError as exc:
        exc.filename = exc.filename or str(path)
        raise


def _link_fd(fd: int, name: Path) -> bool:
    """Give the unnamed file fd a name (linkat with AT_EMPTY_PATH); False when refused."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.linkat(fd, b"", _AT_FDCWD, os.fsencode(name), _AT_EMPTY_PATH) == 0:
        return True
    err = ctypes.get_errno()
    if err == errno.EEXIST:
        raise FileExistsError(err, os.strerror(err), str(name))
    if err in (errno.ENOENT, errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(name))


def _stage_anonymous(dest: Path, write: Writer) -> Path | None:
    """An unnamed O_TMPFILE file in dest's folder, filled, then linked to a temp name: a run
    killed while writing leaves nothing behind. None when the system cannot do it."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not sys.platform.startswith("linux"):
        return None
    try:
        fd = os.open(dest.parent, flag | os.O_WRONLY, 0o644)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None
        raise
    try:
        _fill(fd, write, dest)
        for _ in range(100):
            name = dest.parent / f"{_temp_name(dest)}{os.urandom(4).hex()}{TEMP_SUFFIX}"
            try:
                return name if _link_fd(fd, name) else None
            except FileExistsError:
                continue
        raise FileExistsError(errno.EEXIST, "no free temp name", str(dest.parent))
    finally:
        os.close(fd)


def _stage_in_folder(dest: Path, write: Writer) -> Path:
    """A complete, fsynced temp file beside dest, ready to be renamed over it."""
    anonymous = _stage_anonymous(dest, write)
    if anonymous is not None:
        return anonymous
    fd, tmp = tempfile.mkstemp(prefix=_temp_name(dest), suffix=TEMP_SUFFIX, dir=dest.parent)
    try:
        _fill(fd, write, dest)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    return Path(tmp)


def _stage(src: Path, dest: Path, staging: Path | None, index: int) -> Path:
    """A complete, fsynced copy of src on dest's filesystem: in staging when given, else beside
    dest."""
    if staging is None:
        return _stage_in_folder(dest, _copier(src))
    target = staging / f"{index}-{dest.name}"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        _fill(fd, _copier(src), dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise
    finally:
        os.close(fd)
    return target


def publish(files: Sequence[tuple[Path, Path]], staging_dir: Path | None) -> list[Path]:
    """Copy each (src, dest) pair over dest; the destination folders change only at the end.

    Every file is first staged complete and fsynced: under staging_dir when it is on the
    destination's filesystem (nothing appears beside dest until the renames), else in dest's
    folder. Then all of them are renamed over their destinations in one go. On an error
    (disk full, …) the staged files are removed and every dest is as it was. Temp files a
    killed run left beside dest are removed first.
    """
    pairs = [(Path(s), Path(d)) for s, d in files]
    staged: list[tuple[Path, Path]] = []
    try:
        if staging_dir is not None:
            Path(staging_dir).mkdir(parents=True, exist_ok=True)
        for index, (src, dest) in enumerate(pairs):
            dest.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(dest)
            staging = staging_dir
            if staging is not None and os.stat(staging).st_dev != os.stat(dest.parent).st_dev:
                staging = None
            staged.append((_stage(src, dest, staging, index), dest))
        for i, (tmp, dest) in enumerate(staged):
            try:
                os.replace(tmp, dest)
            except OSError as exc:  # same device, other mount (a bind mount): stage beside dest
                if exc.errno != errno.EXDEV:
                    raise
                tmp.unlink()
                staged[i] = (_stage_in_folder(dest, _copier(pairs[i][0])), dest)
                os.replace(staged[i][0], dest)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    for folder in {dest.parent for _, dest in pairs}:
        _fsync_dir(folder)
    return [dest for _, dest in pairs]


def write_error_hint(exc: OSError) -> str:
    """What to do about a failed write, by errno."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free space on that disk (or raise the quota)"
    if exc.errno == errno.EFBIG:
        return (
            "the file is larger than this process may write: raise the file-size limit "
            "(ulimit -f) or free space on that disk"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "make that folder writable for this user"
    return "check that folder and its disk"


class UnreadableEntryError(ValueError):
    """A keyed cache entry that exists but cannot be read as one (the message names the file)."""


def write_keyed_json(dest: Path, key: object, value: object, **extra: object) -> Path:
    """Store value under key at dest (atomically; extra fields are kept for people reading it)."""
    payload = {"key": key, **extra, "value": value}
    return atomic_write_text(dest, json.dumps(payload, indent=1))


def read_keyed_json(path: Path, key: object) -> Any:
    """The value stored at path under key; None when there is no entry or it holds another key.

    An entry that exists but is unreadable (I/O error, not JSON, no value) raises
    UnreadableEntryError: the caller decides whether to discard it.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise UnreadableEntryError(f"{path}: unreadable cache entry ({exc})") from exc
    if not isinstance(data, dict) or "key" not in data:
        raise UnreadableEntryError(f"{path}: not a keyed cache entry")
    if data["key"] != key:
        return None
    if "value" not in data:
        raise UnreadableEntryError(f"{path}: cache entry without a value")
    return data["value"]
