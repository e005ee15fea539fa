"""The Spark engine (PySpark local[2], Java 17) gives exactly the local engine's numbers.

One session for the module: metricwatch uses an active session as it is (as under spark-submit),
so each test pays for counting only, not for a JVM start.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.configs import make_config

from metricwatch.config import load_config
from metricwatch.errors import ConfigError
from metricwatch.parts.drift.collect import freeze_spec, run_drift
from metricwatch.parts.drift.model import DriftReport
from metricwatch.parts.drift.text import definition_text
from metricwatch.stats.bin_spec import parse_spec

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None,
        reason="no Java runtime: install openjdk-17-jre-headless (.ci/run does)",
    ),
]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("metricwatch tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _close(a: object, b: object, path: str = "") -> None:
    """Equal, floats within 1e-12 (relative and absolute), everything else exactly."""
    if isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12), path
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def _same(local: DriftReport, spark: DriftReport) -> None:
    a, b = local.model_dump(mode="json"), spark.model_dump(mode="json")
    for key in ("features", "target", "windows", "dataset_drift_pct", "drifted_features",
                "n_reference", "n_current", "n_tests", "n_comparable"):  # fmt: skip
        _close(a[key], b[key], key)
    assert a["bin_spec"]["hash"] == b["bin_spec"]["hash"]
    assert definition_text(local) == definition_text(spark)
    assert (local.engine, spark.engine) == ("local", "spark")


def _edge_data(root: Path) -> None:
    rng = np.random.default_rng(42)
    n = 6000
    ref = pd.DataFrame({
        "x": rng.normal(0, 1, n),
        "tenth": np.round(rng.normal(5, 2, n), 1),  # ties at every edge
        "small": rng.integers(0, 5, n),  # whole numbers, few values: categorical
        "whole": rng.choice([1.0, 2.0, 4.0], n),  # whole floats: categorical
        "flag": rng.random(n) < 0.3,
        "c": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]),
        "ids": [f"id-{i}" for i in range(n)],  # high cardinality: no bins
        "const": np.full(n, 7.5),
        "gone": rng.normal(0, 1, n),
    })  # fmt: skip
    ref.loc[:30, "x"] = np.nan
    ref.loc[31:33, "x"] = np.inf
    cur = ref.sample(4000, random_state=1).reset_index(drop=True).drop(columns=["ids"])
    cur["x"] = rng.normal(0.4, 1, 4000)
    cur.loc[:80, "x"] = np.nan
    cur.loc[81:95, "x"] = np.inf
    cur.loc[96:99, "x"] = -np.inf
    cur.loc[100:400, "c"] = "unseen-1"
    cur.loc[401:420, "c"] = "unseen-2"
    cur.loc[:, "small"] = rng.integers(0, 7, 4000)  # 5 and 6 are new
    cur["gone"] = np.nan  # all missing in the current data
    start = np.datetime64("2026-03-02T00:00:00", "s")
    week = rng.choice([0, 1, 3, 4], 4000)  # week 2 is empty
    times = start + (week * 7 * 86400 + rng.integers(0, 7 * 86400, 4000)).astype("timedelta64[s]")
    cur["t"] = [f"{t}Z" for t in times]
    cur.loc[3990:, "t"] = None  # rows without a time
    ref.to_parquet(root / "ref.parquet")
    cur.to_parquet(root / "cur.parquet")


SPARK = {
    "drift": {
        "reference": "ref.parquet",
        "current": "cur.parquet",
        "time_column": "t",
        "window": "7D",
    }
}


def test_spark_counts_exactly_like_the_local_engine(spark, tmp_path: Path) -> None:
    _edge_data(tmp_path)
    local = run_drift(make_config(tmp_path, SPARK, drift={"engine": "local"}), concept=False)
    on_spark = run_drift(make_config(tmp_path, SPARK, drift={"engine": "spark"}), concept=False)
    _same(local, on_spark)
    feats = {f.name: f for f in on_spark.features}
    assert feats["ids"].status == "high cardinality" and feats["const"].status == "constant"
    assert feats["gone"].status == "all missing" and feats["x"].inf_current == 19
    assert "2 categories not in the reference ('unseen-1', 'unseen-2')" in feats["c"].reason
    assert feats["small"].kind == "categorical" and feats["whole"].kind == "categorical"
    w = on_spark.windows
    assert [x.status for x in w.windows] == ["ok", "ok", "empty", "ok", "ok"]
    assert [(n.key, n.params["count"]) for n in w.notes] == [("drift.window.rows_without_time", 10)]


def test_a_spec_frozen_on_one_engine_counts_the_same_on_the_other(spark, tmp_path: Path) -> None:
    _edge_data(tmp_path)
    by_spark = freeze_spec(
        make_config(tmp_path, SPARK, drift={"engine": "spark"}), tmp_path / "spark.json"
    )
    by_local = freeze_spec(
        make_config(tmp_path, SPARK, drift={"engine": "local"}), tmp_path / "local.json"
    )
    assert by_spark.hash == by_local.hash
    assert by_spark.made_by == {"engine": "spark"} and by_local.made_by == {"engine": "local"}
    assert parse_spec((tmp_path / "spark.json").read_text("utf-8"), "spark.json") == by_spark
    on_spark = run_drift(
        make_config(tmp_path, SPARK, drift={"engine": "spark", "bin_spec": "local.json"}),
        concept=False,
    )
    local = run_drift(
        make_config(tmp_path, SPARK, drift={"engine": "local", "bin_spec": "spark.json"}),
        concept=False,
    )
    _same(local, on_spark)


def test_the_demo_drift_on_spark_is_the_local_drift(spark, demo_dir: Path) -> None:
    cfg = load_config(demo_dir / "metricwatch.yaml")
    local = run_drift(cfg, concept=False)
    on_spark = run_drift(cfg.model_copy(update={"drift": cfg.drift.model_copy(
        update={"engine": "spark"})}), concept=False)  # fmt: skip
    _same(local, on_spark)
    assert (
        on_spark.windows is not None and on_spark.windows.first_drift == local.windows.first_drift
    )
    assert sorted(on_spark.drifted_features) == ["school_type", "study_hours"]


def test_spark_refuses_what_it_cannot_do(spark, tmp_path: Path) -> None:
    _edge_data(tmp_path)
    with pytest.raises(ConfigError, match="counts rows, and Spark rows have no order"):
        run_drift(
            make_config(
                tmp_path, SPARK, drift={"engine": "spark", "window": 500, "time_column": None}
            ),
            concept=False,
        )
    with pytest.raises(
        ConfigError, match=r"ref\.parquet@v1: PATH@REV \(a DVC revision\) needs the local engine"
    ):
        run_drift(
            make_config(tmp_path, SPARK, drift={"engine": "spark", "reference": "ref.parquet@v1"}),
            concept=False,
        )


def test_a_job_past_its_timeout_is_cancelled_and_named(spark) -> None:
    import time

    from metricwatch.errors import SourceUnavailableError
    from metricwatch.sources.drift_engines.spark_session import run_job

    slow = spark.sparkContext.parallelize([1, 2], 2).map(lambda x: time.sleep(120) or x)
    started = time.monotonic()
    with pytest.raises(
        SourceUnavailableError,
        match=r"Spark job 'a slow job' \(drift\.spark\.timeout_s; are executors available\?\) did not finish within 3 s",
    ):
        run_job(spark, slow.collect, 3, "a slow job")
    assert time.monotonic() - started < 60
    # the job group was cancelled: the session is free for the next job at once
    assert run_job(spark, lambda: spark.range(5).count(), 120, "next job") == 5
