"""Faults of drift at scale: frozen bin specs that do not fit, and a Spark engine that cannot
start. Each is `metricwatch drift` on a copy of the demo, ending with a clear message naming the
file, column or setting; the Spark cases are caught before a JVM starts, except the master that
accepts connections and never answers, which the session-start bound ends.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from corpus import fault
from faultkit import edit_config, expect, run_mw

pytestmark = pytest.mark.slow
AREA = "Drift"
DRIFT = "metricwatch drift"
SPEC_EDITED = fault(
    id="drift-spec-edited-by-hand",
    area=AREA,
    fault="The frozen bin spec (drift.bin_spec) was edited by hand: one quantile edge moved",
    command=DRIFT,
    exit_code=1,
    says="spec.json: the bin spec does not match its hash (sha256:",
)
SPEC_OTHER_REFERENCE = fault(
    id="drift-spec-from-another-reference",
    area=AREA,
    fault="drift.bin_spec was frozen from another reference than drift.reference (a reference "
    "with one row changed)",
    command=DRIFT,
    exit_code=1,
    says="counts differently on its bins; re-freeze it (`metricwatch drift --freeze FILE`) or "
    "set drift.reference to its data",
)
SPEC_TEXT = fault(
    id="drift-spec-text-in-numeric-column",
    area=AREA,
    fault="With a frozen bin spec, three values of the numeric column study_hours are text "
    "('twelve') in the current batch",
    command=DRIFT,
    exit_code=1,
    says="but text in the current: 3 of 2000 values are not numbers (e.g. 'twelve'); fix the "
    "data or re-freeze the spec",
)
SPEC_MISSING_COLUMN = fault(
    id="drift-spec-column-missing",
    area=AREA,
    fault="With a frozen bin spec, the current batch has no column sleep_hours",
    command=DRIFT,
    exit_code=1,
    says="column 'sleep_hours' of bin spec",
)
NO_PYSPARK = fault(
    id="drift-spark-not-installed",
    area=AREA,
    fault="drift.engine: spark on a machine without PySpark",
    command=DRIFT,
    exit_code=1,
    says="drift.engine is spark but PySpark is not installed: pip install 'metricwatch[spark]' "
    "(PySpark; Spark also needs a Java 17+ runtime)",
)
NO_JAVA = fault(
    id="drift-spark-no-java",
    area=AREA,
    fault="drift.engine: spark, no `java` on PATH and no JAVA_HOME",
    command=DRIFT,
    exit_code=1,
    says="the Spark engine needs Java: no `java` on PATH and JAVA_HOME is not set; install a "
    "Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME",
)
MASTER_REFUSED = fault(
    id="drift-spark-master-refused",
    area=AREA,
    fault="drift.spark.master is a standalone master where nothing listens",
    command=DRIFT,
    exit_code=1,
    says="unreachable (connection refused: nothing listens on that port); check "
    "drift.spark.master and that the master is running",
)
MASTER_SILENT = fault(
    id="drift-spark-master-silent",
    area=AREA,
    fault="drift.spark.master accepts connections and never answers "
    "(drift.spark.start_timeout_s: 20)",
    command=DRIFT,
    exit_code=1,
    says="(drift.spark.start_timeout_s) did not finish within 20 s",
)
SPARK_PATH = fault(
    id="drift-spark-path-missing",
    area=AREA,
    fault="drift.engine: spark and drift.current names a path that does not exist",
    command=DRIFT,
    exit_code=1,
    says="no such file or folder for Spark; check the path (local paths are relative to "
    "metricwatch.yaml)",
)


def _spec(demo: Path) -> Path:
    cfg = demo / "metricwatch.yaml"
    run = run_mw("drift", "-c", cfg, "--freeze", demo / "spec.json")
    assert run.code == 0, run.show()
    edit_config(cfg, drift={"bin_spec": "spec.json"})
    return cfg


def _batch(demo: Path) -> pd.DataFrame:
    return pd.read_csv(demo / "project" / "data" / "current" / "batch.csv")


def _with_current(demo: Path, cfg: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(demo / "current.csv", index=False)
    edit_config(cfg, drift={"current": "current.csv"})


def test_spec_edited_by_hand(demo_copy: Path) -> None:
    cfg = _spec(demo_copy)
    data = json.loads((demo_copy / "spec.json").read_text("utf-8"))
    data["columns"][0]["edges"][1] += 0.1
    (demo_copy / "spec.json").write_text(json.dumps(data), "utf-8")
    expect(SPEC_EDITED, run_mw("drift", "-c", cfg, "--no-concept"))


def test_spec_from_another_reference(demo_copy: Path) -> None:
    cfg = _spec(demo_copy)
    ref = pd.read_csv(demo_copy / "project" / "data" / "raw" / "students.csv")
    ref.loc[0, "age"] = 20 if ref.loc[0, "age"] != 20 else 16
    ref.to_csv(demo_copy / "other_reference.csv", index=False)
    edit_config(cfg, drift={"reference": "other_reference.csv"})
    run = run_mw("drift", "-c", cfg, "--no-concept")
    expect(SPEC_OTHER_REFERENCE, run)
    assert "other_reference.csv: column 'age' counts differently" in run.text


def test_text_in_a_numeric_spec_column(demo_copy: Path) -> None:
    cfg = _spec(demo_copy)
    batch = _batch(demo_copy).astype({"study_hours": object})
    batch.loc[[5, 50, 500], "study_hours"] = "twelve"
    _with_current(demo_copy, cfg, batch)
    run = run_mw("drift", "-c", cfg, "--no-concept")
    expect(SPEC_TEXT, run)
    assert "column 'study_hours': numeric in bin spec" in run.text


def test_a_spec_column_missing_from_the_data(demo_copy: Path) -> None:
    cfg = _spec(demo_copy)
    _with_current(demo_copy, cfg, _batch(demo_copy).drop(columns=["sleep_hours"]))
    run = run_mw("drift", "-c", cfg, "--no-concept")
    expect(SPEC_MISSING_COLUMN, run)
    assert "is not in the current data; restore the column" in run.text


def _spark(demo: Path, **spark: object) -> Path:
    return edit_config(demo / "metricwatch.yaml", drift={"engine": "spark", "spark": spark})


def test_spark_not_installed(demo_copy: Path) -> None:
    shim = Path(__file__).parent / "no_pyspark"
    run = run_mw("drift", "-c", _spark(demo_copy), "--no-concept", env={"PYTHONPATH": str(shim)})
    expect(NO_PYSPARK, run)


def test_spark_without_java(demo_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    run = run_mw("drift", "-c", _spark(demo_copy), "--no-concept",
                 env={"PATH": str(empty)}, unset=("JAVA_HOME", "PYSPARK_GATEWAY_PORT"))  # fmt: skip
    expect(NO_JAVA, run)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_spark_master_refused(demo_copy: Path) -> None:
    cfg = _spark(demo_copy, master=f"spark://127.0.0.1:{_free_port()}")
    expect(MASTER_REFUSED, run_mw("drift", "-c", cfg, "--no-concept"))


@pytest.fixture
def silent_master() -> Iterator[int]:
    """A TCP server on loopback that accepts connections and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.5)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.skipif(
    not any(os.access(os.path.join(d, "java"), os.X_OK) for d in os.environ["PATH"].split(":")),
    reason="no Java runtime: install openjdk-17-jre-headless (.ci/run does)",
)
def test_spark_master_that_never_answers(demo_copy: Path, silent_master: int) -> None:
    cfg = _spark(demo_copy, master=f"spark://127.0.0.1:{silent_master}", start_timeout_s=20)
    expect(MASTER_SILENT, run_mw("drift", "-c", cfg, "--no-concept", timeout=300))


def test_spark_path_that_does_not_exist(demo_copy: Path) -> None:
    cfg = _spark(demo_copy)
    edit_config(cfg, drift={"current": "nope/batch.parquet"})
    expect(SPARK_PATH, run_mw("drift", "-c", cfg, "--no-concept"))
