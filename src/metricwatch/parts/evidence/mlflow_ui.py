"""An MLflow UI to photograph: the tracking server itself, or a temporary local one.

For a file or SQLite store, a local `mlflow server` is started on 127.0.0.1 against a
snapshot of the store's metadata in a temporary folder (artifacts are read in place through
the runs' absolute artifact URIs). The server may create tables, default experiments or
trash folders at start-up; working on a snapshot keeps the user's store untouched. The
server always stops (its whole process group) when the block ends, also on errors.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from metricwatch.config import Config
from metricwatch.errors import SourceError
from metricwatch.mlflow_server import local_mlflow_server
from metricwatch.redact import redact_url


@dataclass(frozen=True)
class UiServer:
    url: str  # base URL, no trailing slash (may hold credentials: redact before showing)
    started: bool  # True when we started a temporary server
    pid: int | None = None
    log_path: Path | None = None
    version: str | None = None

    @property
    def display_url(self) -> str:
        return redact_url(self.url)


def server_version(url: str, timeout_s: float = 10.0) -> str | None:
    """The MLflow version a server reports at /version (None when it does not say)."""
    try:
        with urllib.request.urlopen(f"{url}/version", timeout=timeout_s) as resp:  # noqa: S310
            text = resp.read(200).decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return text or None


def _snapshot_sqlite(db: Path, dest: Path) -> Path:
    """A consistent copy of a SQLite store through SQLite's backup API (read-only on db)."""
    target = dest / db.name
    try:
        src = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=30)
        with closing(src), closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise SourceError(
            f"tracking store {db} cannot be read as SQLite ({exc}); check mlflow.tracking_uri"
        ) from exc
    return target


def _snapshot_file_store(root: Path, dest: Path) -> Path:
    """A copy of an mlruns folder without the artifacts (the runs point at them by path)."""
    target = dest / "mlruns"
    shutil.copytree(root, target, ignore=shutil.ignore_patterns("artifacts", ".trash"))
    return target


def snapshot_store(uri: str, dest: Path) -> str:
    """The backend URI of a snapshot of a local store, made in dest."""
    if uri.startswith("sqlite:///"):
        db = Path(uri[len("sqlite:///") :])
        if not db.is_file():
            raise SourceError(f"tracking store {db} does not exist; check mlflow.tracking_uri")
        return f"sqlite:///{_snapshot_sqlite(db, dest)}"
    if uri.startswith("file://"):
        root = Path(uri[len("file://") :])
        if not root.is_dir():
            raise SourceError(f"tracking store {root} does not exist; check mlflow.tracking_uri")
        return _snapshot_file_store(root, dest).as_uri()
    raise SourceError(
        f"cannot show the MLflow UI for tracking URI {redact_url(uri)}: only http(s) servers, "
        "SQLite and file stores are supported; start an `mlflow server` and point "
        "mlflow.tracking_uri at it"
    )


@contextmanager
def mlflow_ui(
    cfg: Config, *, start_timeout_s: float | None = None, port: int | None = None
) -> Iterator[UiServer]:
    """Yield a UI server for cfg's tracking store; a temporary one is stopped afterwards.

    Raises SourceUnavailableError (with the tail of the server's log) when it does not start.
    """
    uri = cfg.tracking_uri()
    if uri.startswith(("http://", "https://")):
        base = uri.rstrip("/")
        yield UiServer(url=base, started=False, version=server_version(base))
        return
    timeout = start_timeout_s or 2 * cfg.evidence.timeout_s
    with tempfile.TemporaryDirectory(prefix="metricwatch-ui-") as tmp:
        backend = snapshot_store(uri, Path(tmp))
        with local_mlflow_server(backend, timeout_s=timeout, port=port) as srv:
            yield UiServer(
                url=srv.url,
                started=True,
                pid=srv.pid,
                log_path=srv.log_path,
                version=server_version(srv.url),
            )


def pid_alive(pid: int) -> bool:
    """True while a process with this id exists (used to check that servers were stopped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
