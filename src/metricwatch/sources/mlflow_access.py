"""Read-only access to an MLflow tracking store: client, scoped environment, error translation.

Three store kinds are read the same way through `MlflowClient`:
- file stores (`file:` or a bare path): MLflow 3 refuses them unless MLFLOW_ALLOW_FILE_STORE is
  set, and its FileStore creates `.trash` (or the whole root) when missing. We read through a
  FileStore subclass that never creates anything, under a private URI scheme.
- SQLite: MLflow creates tables in an empty file and inserts a Default experiment when it is
  missing. We check the file first through a read-only sqlite3 connection and refuse instead.
- HTTP(S): MLflow reads MLFLOW_TRACKING_TOKEN itself; timeouts and retries come from the config
  and are set in MLflow's own environment variables only for the duration of a call.
"""

from __future__ import annotations

import math
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from metricwatch.errors import AuthError, SourceError, SourceUnavailableError
from metricwatch.redact import redact_url, scrub
from metricwatch.scoped_env import scoped_env
from metricwatch.sources.views import MlflowSource

if TYPE_CHECKING:
    import mlflow

StoreKind = Literal["file", "sqlite", "http", "other"]
READONLY_FILE_SCHEME = "metricwatch-ro-file"


def store_kind(uri: str) -> StoreKind:
    if uri.startswith("file:") or "://" not in uri:
        return "file"
    if uri.startswith("sqlite:"):
        return "sqlite"
    if uri.startswith(("http://", "https://")):
        return "http"
    return "other"


def _file_path(uri: str) -> Path:
    from mlflow.utils.file_utils import local_file_uri_to_path

    return Path(local_file_uri_to_path(uri) if uri.startswith("file:") else uri)


def _register_readonly_file_store() -> None:
    from mlflow.store.tracking.abstract_store import AbstractStore
    from mlflow.store.tracking.file_store import FileStore
    from mlflow.tracking._tracking_service import utils as tracking_utils
    from mlflow.utils.file_utils import path_to_local_file_uri

    class ReadOnlyFileStore(FileStore):
        """A FileStore that never creates its root, `.trash` or a Default experiment."""

        def __init__(self, root_directory: str, artifact_root_uri: str | None = None) -> None:
            AbstractStore.__init__(self)
            self.root_directory = root_directory
            self.artifact_root_uri = path_to_local_file_uri(root_directory)
            self.trash_folder = os.path.join(root_directory, FileStore.TRASH_FOLDER_NAME)

    def build(store_uri: str, artifact_uri: str | None = None) -> ReadOnlyFileStore:
        return ReadOnlyFileStore(store_uri[len(READONLY_FILE_SCHEME) + len("://") :])

    tracking_utils._register(READONLY_FILE_SCHEME, build)


def _check_sqlite(uri: str) -> None:
    """Refuse a SQLite file MLflow would write to on open (no tables, no Default experiment)."""
    path = Path(uri[len("sqlite:///") :])
    if not path.is_file():
        raise SourceError(
            f"{path}: SQLite tracking store does not exist; check mlflow.tracking_uri "
            "(metricwatch never creates a store)."
        )
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not {"experiments", "runs", "alembic_version"} <= tables:
                raise SourceError(
                    f"{path}: not an MLflow tracking database (no experiments/runs tables); "
                    "check mlflow.tracking_uri."
                )
            if not con.execute("SELECT 1 FROM experiments WHERE experiment_id = 0").fetchone():
                raise SourceError(
                    f"{path}: the Default experiment (id 0) is missing and MLflow would insert "
                    "it on open; metricwatch does not write to tracking stores. Open the store "
                    "once with MLflow yourself (on a backup), then retry."
                )
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise SourceError(f"{path}: cannot read the SQLite tracking store: {exc}") from exc


def client_uri(source: MlflowSource) -> str:
    """The URI metricwatch hands to MlflowClient (read-only forms for local stores), after
    checking that MLflow would not create or write the store on open."""
    uri = source.tracking_uri()
    kind = store_kind(uri)
    if kind == "file" and not _file_path(uri).is_dir():
        raise SourceError(
            f"{_file_path(uri)}: file tracking store does not exist; check mlflow.tracking_uri "
            "(metricwatch never creates a store)."
        )
    if kind == "sqlite":
        _check_sqlite(uri)
    return readonly_uri(uri)


def readonly_uri(uri: str) -> str:
    """The read-only form of a tracking URI (a file store under the private scheme); no I/O."""
    if store_kind(uri) != "file":
        return uri
    _register_readonly_file_store()
    return f"{READONLY_FILE_SCHEME}://{_file_path(uri).resolve()}"


@contextmanager
def mlflow_env(source: MlflowSource) -> Iterator[None]:
    """MLflow's HTTP timeout/retry variables and MLFLOW_ALLOW_FILE_STORE, restored afterwards;
    MLFLOW_TRACKING_URI is the configured store (its read-only form): MLflow opens clients of
    its own on the global URI (the file registry resolves a version's logged model with
    `MlflowClient()`), and its default would create `mlflow.db` in the working folder."""
    values = {
        "MLFLOW_HTTP_REQUEST_TIMEOUT": str(max(1, math.ceil(source.timeout_s))),
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": str(source.max_retries),
        "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
        "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0.5",
        "MLFLOW_ALLOW_FILE_STORE": "true",
    }
    if source.configured_uri:  # checked by client_uri when the client was opened
        values["MLFLOW_TRACKING_URI"] = readonly_uri(source.tracking_uri())
    with scoped_env(values):
        yield


def make_client(source: MlflowSource) -> mlflow.MlflowClient:
    """An MlflowClient on the configured store, opened read-only where MLflow would write."""
    from mlflow import MlflowClient

    uri = client_uri(source)
    with mlflow_env(source), translate_errors(source, "open the tracking store"):
        return MlflowClient(tracking_uri=uri)


def _status_code(exc: BaseException) -> int | None:
    code = getattr(exc, "get_http_status_code", None)
    if callable(code):
        try:
            return int(code())
        except (TypeError, ValueError):
            return None
    return None


@contextmanager
def translate_errors(source: MlflowSource, doing: str) -> Iterator[None]:
    """Turn MLflow/requests exceptions into SourceError/SourceUnavailableError/AuthError."""
    from mlflow.exceptions import MlflowException

    url = display_uri(source)
    start = time.monotonic()
    try:
        yield
    except MlflowException as exc:
        waited = time.monotonic() - start
        text = scrub(str(exc))
        code = _status_code(exc)
        if exc.error_code in ("UNAUTHENTICATED", "PERMISSION_DENIED") or code in (401, 403):
            raise AuthError(
                f"{url}: the tracking server refused our credentials while trying to {doing} "
                f"(HTTP {code or exc.error_code}): {credentials_hint()}"
            ) from exc
        if _is_unreachable(text):
            raise SourceUnavailableError(
                f"{url}: tracking server unreachable while trying to {doing}: "
                f"{_cause(text, source.timeout_s)}. Gave up after {waited:.1f} s (timeout "
                f"{source.timeout_s:g} s per request, {source.max_retries} retries); "
                "check that the server runs, or raise mlflow.timeout_s / mlflow.max_retries."
            ) from exc
        raise SourceError(f"{url}: MLflow error while trying to {doing}: {text}") from exc
    except OSError as exc:
        raise SourceUnavailableError(
            f"{url}: cannot {doing} after {time.monotonic() - start:.1f} s: {scrub(str(exc))}"
        ) from exc


def credentials_hint() -> str:
    """Which credential variables are set (names only, never values) and what to do."""
    token = bool(os.environ.get("MLFLOW_TRACKING_TOKEN"))
    basic = bool(os.environ.get("MLFLOW_TRACKING_USERNAME"))
    if token:
        return (
            "the token in MLFLOW_TRACKING_TOKEN was rejected; set MLFLOW_TRACKING_TOKEN to a "
            "valid token for this server."
        )
    if basic:
        return (
            "the user in MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD was rejected; set "
            "them to valid credentials for this server."
        )
    return (
        "no credentials are set; set MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME and "
        "MLFLOW_TRACKING_PASSWORD) to valid credentials for this server."
    )


_UNREACHABLE_MARKERS = (
    "Max retries exceeded",
    "Connection refused",
    "timed out",
    "Read timed out",
    "ConnectTimeout",
    "ReadTimeout",
    "Failed to establish",
    "RemoteDisconnected",
    "Connection aborted",
    "too many 5",
)

# What the cause in a requests/urllib3 error means, first match wins (searched in full text:
# the reason sits at the end of a long "HTTPConnectionPool(...): Max retries exceeded" line).
_CAUSES = (
    ("connection refused", "connection refused (nothing is listening on that port)"),
    ("read timed out", "no answer within the {timeout} s timeout"),
    ("readtimeout", "no answer within the {timeout} s timeout"),
    ("connecttimeout", "connection timed out (host down or firewalled)"),
    ("connect timeout", "connection timed out (host down or firewalled)"),
    ("name or service not known", "host name not found"),
    ("nameresolutionerror", "host name not found"),
    ("remotedisconnected", "the server closed the connection without answering"),
    ("connection aborted", "the server closed the connection without answering"),
    ("too many 5", "the server kept answering with HTTP 5xx errors"),
)


def _is_unreachable(text: str) -> bool:
    return any(m.lower() in text.lower() for m in _UNREACHABLE_MARKERS)


def _cause(text: str, timeout_s: float) -> str:
    low = text.lower()
    for marker, meaning in _CAUSES:
        if marker in low:
            return meaning.format(timeout=f"{timeout_s:g}")
    return _first_line(text)


def _first_line(text: str, limit: int = 300) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:limit]


def display_uri(source: MlflowSource) -> str:
    """The tracking URI safe to show: credentials and query strings of remote URIs redacted.

    Local file/SQLite URIs are shown as they are (redact_url would drop the third slash of
    sqlite:////abs/path); their query string, if any, is still hidden.
    """
    uri = source.tracking_uri()
    if store_kind(uri) in ("file", "sqlite"):
        return uri.split("?", 1)[0]
    return redact_url(uri)
