"""Open the history database safely, and serialize its writers.

A writer (`open_db(write=True)`) checks the file before touching it: an SQLite header, a schema
no newer than this metricwatch's, `PRAGMA quick_check`; only then it turns on WAL and applies the
missing migrations inside `BEGIN IMMEDIATE`. Writers wait for each other up to the busy timeout
(`history.timeout_s`), then give up with a message naming the file; readers never wait for
writers (WAL). Anything wrong is a HistoryError (failures.py) and the file is left as it was.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from metricwatch.config import Config
from metricwatch.sources.history_db import failures
from metricwatch.sources.history_db.schema import SCHEMA_VERSION, migrate, stored_version

FILE_NAME = "history.sqlite"
HEADER = b"SQLite format 3\x00"


def history_path(cfg: Config) -> Path:
    """`history.path` (relative to the config file), else `<report.output>/history.sqlite`."""
    return cfg.resolve(cfg.history.path) if cfg.history.path else cfg.output_dir / FILE_NAME


@dataclass
class HistoryDB:
    path: Path
    conn: sqlite3.Connection
    timeout_s: float
    source: str  # the config file, named in messages

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One serialized write transaction (BEGIN IMMEDIATE); rolled back on any error."""
        with self.errors():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """sqlite3 / OS errors inside become HistoryErrors naming the file."""
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            raise failures.translate(exc, self.path, self.source, self.timeout_s) from exc

    def close(self) -> None:
        self.conn.close()


def _check_header(path: Path, source: str) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(HEADER))
    except OSError as exc:
        raise failures.unopenable(path, exc.strerror or type(exc).__name__, source) from exc
    if head and head != HEADER:
        raise failures.corrupt(path, "its first bytes are not an SQLite header", source)


def _connect(path: Path, timeout_s: float, write: bool) -> sqlite3.Connection:
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(path, timeout=timeout_s, isolation_level=None)
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=timeout_s,
                           isolation_level=None)  # fmt: skip


def _prepare_writer(db: HistoryDB) -> None:
    conn = db.conn
    check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if check != "ok":
        raise failures.corrupt(db.path, f"quick_check: {check}", db.source)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    if stored_version(conn) < SCHEMA_VERSION:
        with db.write():
            migrate(conn)


def open_db(path: Path, *, timeout_s: float, source: str, write: bool) -> HistoryDB:
    """Open (a writer creates it) and check the database; raises HistoryError."""
    path = Path(path)
    exists = path.exists()
    if exists:
        _check_header(path, source)
    elif not write:
        raise FileNotFoundError(path)
    try:
        conn = _connect(path, timeout_s, write)
    except (sqlite3.Error, OSError) as exc:
        raise failures.translate(exc, path, source, timeout_s) from exc
    db = HistoryDB(path, conn, timeout_s, source)
    try:
        with db.errors():
            conn.execute("PRAGMA foreign_keys=ON")
            found = stored_version(conn)
            if found > SCHEMA_VERSION:
                raise failures.newer(path, found, SCHEMA_VERSION, source)
            if write:
                _prepare_writer(db)
            elif 0 < found < SCHEMA_VERSION:
                raise failures.older(path, found, SCHEMA_VERSION)
    except BaseException:
        conn.close()
        raise
    return db


@contextlib.contextmanager
def opened(path: Path, *, timeout_s: float, source: str, write: bool) -> Iterator[HistoryDB]:
    db = open_db(path, timeout_s=timeout_s, source=source, write=write)
    try:
        yield db
    finally:
        db.close()


def open_for(cfg: Config, *, write: bool) -> contextlib.AbstractContextManager[HistoryDB]:
    return opened(
        history_path(cfg), timeout_s=cfg.history.timeout_s, source=cfg.source, write=write
    )
