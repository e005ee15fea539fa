"""The one gateway to Spark: PySpark imported, Java found, the master reachable, every wait
bounded.

Checks before any JVM starts (each a clear error): PySpark installed (`pip install
'metricwatch[spark]'`), a Java runtime (`java` on PATH or JAVA_HOME), and for a standalone
master (`spark://host:port`) a TCP connection within a few seconds. The session then starts in
a helper thread and is given up after drift.spark.start_timeout_s; every job runs in its own
job group and is cancelled after drift.spark.timeout_s (an unreachable cluster manager or no
free executors would otherwise wait forever). An already active session (spark-submit, a
Databricks job, a notebook) is used as it is and never stopped.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from metricwatch.config import SparkConfig
from metricwatch.errors import SourceError, SourceUnavailableError

T = TypeVar("T")
CONNECT_TIMEOUT_S = 5.0
INSTALL = "pip install 'metricwatch[spark]'"


def require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SourceError(
            f"drift.engine is spark but PySpark is not installed: {INSTALL} (PySpark; Spark "
            "also needs a Java 17+ runtime)"
        ) from None


def java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return True
    return shutil.which("java") is not None


def require_java() -> None:
    if "PYSPARK_GATEWAY_PORT" in os.environ or java_found():  # spark-submit gave us a JVM
        return
    raise SourceError(
        "the Spark engine needs Java: no `java` on PATH and JAVA_HOME is not set; install a "
        "Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    )


def check_master(master: str, timeout_s: float) -> None:
    """A standalone master must accept a TCP connection; others are bounded by the timeouts."""
    if not master.startswith("spark://"):
        return
    wait = min(CONNECT_TIMEOUT_S, timeout_s)
    errors = []
    for hostport in master[len("spark://") :].split(","):
        host, _, port = hostport.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=wait):
                return
        except (OSError, ValueError) as exc:
            errors.append(_why(exc, wait))
    raise SourceUnavailableError(
        f"Spark master {master} unreachable ({'; '.join(errors)}); check drift.spark.master "
        "and that the master is running"
    )


def _why(exc: Exception, wait: float) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused: nothing listens on that port"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"no answer within {wait:g} s"
    return f"{type(exc).__name__}: {exc}"


def bounded(fn: Callable[[], T], timeout_s: float, what: str, on_timeout: Callable[[], None]) -> T:
    """fn() in a helper thread; after timeout_s, on_timeout() and a SourceUnavailableError."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=work, name="metricwatch-spark", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        on_timeout()
        raise SourceUnavailableError(f"{what} did not finish within {timeout_s:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


@contextmanager
def spark_session(scfg: SparkConfig) -> Iterator[Any]:
    """The active session, else a new one (stopped afterwards), started within the bound."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    require_java()
    check_master(scfg.master, scfg.start_timeout_s)
    builder = SparkSession.builder.master(scfg.master).appName("metricwatch drift")
    conf = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        **scfg.conf,
    }
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = bounded(
        builder.getOrCreate,
        scfg.start_timeout_s,
        f"starting Spark on {scfg.master} (drift.spark.start_timeout_s)",
        lambda: None,
    )
    try:
        yield session
    finally:
        session.stop()


def run_job(session: Any, fn: Callable[[], T], timeout_s: float, what: str) -> T:
    """One Spark action, cancelled (its whole job group) after timeout_s."""
    group = f"metricwatch-{uuid.uuid4().hex[:12]}"
    sc = session.sparkContext

    def work() -> T:
        sc.setJobGroup(group, what, interruptOnCancel=True)
        try:
            return fn()
        finally:
            sc.setLocalProperty("spark.jobGroup.id", None)

    return bounded(
        work,
        timeout_s,
        f"Spark job '{what}' (drift.spark.timeout_s; are executors available?)",
        lambda: sc.cancelJobGroup(group),
    )
