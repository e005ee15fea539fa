"""The Spark engine's bin specs: the reference typed, its exact quantiles found, then counted.

Typing follows stats/column_types.py (the same rule and overrides): one aggregation gives, per
column, whether its finite values are whole and (approximately) how many distinct values it has;
an exact distinct count only where the approximation is near the limit. Quantile edges are the
exact order statistics the local engine takes (numpy's "lower" method over every finite value),
found without collecting values: a histogram of each numeric column on CELLS uniform cells
(counts to the driver), then, only inside the cells that hold a wanted rank, a row_number per
cell on the executors; only the values at the wanted ranks reach the driver. The counts come
from the same counting job as the current data (spark_count.py).
"""

from __future__ import annotations

import numpy as np

from metricwatch.config import DriftConfig
from metricwatch.sources.drift_engines import spark_exprs as X
from metricwatch.sources.drift_engines.local_count import tasks_of
from metricwatch.sources.drift_engines.local_freeze import (
    Bins,
    _skip,
    completed,
    no_finite_why,
    no_rows_why,
    numeric_skeleton,
    spec_of,
)
from metricwatch.sources.drift_engines.spark_count import count_spark
from metricwatch.sources.drift_engines.spark_session import run_job
from metricwatch.stats.bin_spec import BinSpec, CategoricalBins, ReferenceInfo
from metricwatch.stats.binning import fine_ranks
from metricwatch.stats.column_types import (
    INT_CATEGORICAL_MAX,
    TEXT_MAX_DISTINCT,
    ColumnSpec,
    configured_spec,
    datetime_why,
    feature_names,
    high_cardinality_why,
)

CELLS = 1 << 14
APPROX_MARGIN = 5  # approx_count_distinct is exact enough to rule out 5 × the limit


def _profile(session, df, names: list[str], kinds: dict, timeout: float) -> dict:
    """Per column: finite count, min/max, non-whole count, approximate distinct count."""
    from pyspark.sql import functions as F

    aggs = [F.count(F.lit(1)).alias("n_rows")]
    for i, name in enumerate(names):
        kind = kinds[name]
        if kind in ("integral", "number", "text"):
            x, _ = X.numeric_value(F.col(name), kind)
            fin = X.finite(x)
            aggs += [
                F.sum(fin.cast("long")).alias(f"fin{i}"),
                F.min(F.when(fin, x)).alias(f"min{i}"),
                F.max(F.when(fin, x)).alias(f"max{i}"),
                F.sum(F.when(fin & (x % 1.0 != 0.0), 1).otherwise(0)).alias(f"frac{i}"),
                F.approx_count_distinct(F.when(fin, x) if kind != "text" else F.col(name)).alias(
                    f"approx{i}"
                ),
            ]
    return run_job(
        session, lambda: df.agg(*aggs).first().asDict(), timeout, "metricwatch drift: profile"
    )


def _exact_distinct(session, df, names: list[str], kinds: dict, timeout: float) -> dict[str, int]:
    from pyspark.sql import functions as F

    if not names:
        return {}
    aggs = []
    for i, name in enumerate(names):
        x, _ = X.numeric_value(F.col(name), kinds[name])
        aggs.append(F.size(F.collect_set(F.when(X.finite(x), x))).alias(f"d{i}"))
    row = run_job(session, lambda: df.agg(*aggs).first(), timeout, "metricwatch drift: distinct")
    return {name: int(row[f"d{i}"]) for i, name in enumerate(names)}


def _exact_text_distinct(session, df, names: list[str], timeout: float) -> dict[str, int]:
    from pyspark.sql import functions as F

    if not names:
        return {}
    aggs = [F.count_distinct(F.col(n)).alias(f"d{i}") for i, n in enumerate(names)]
    row = run_job(session, lambda: df.agg(*aggs).first(), timeout, "metricwatch drift: text")
    return {n: int(row[f"d{i}"]) for i, n in enumerate(names)}


def _auto(name: str, kind: str, prof: dict, i: int, exact: dict[str, int]) -> str:
    if kind == "time":
        return "skip"
    if kind in ("bool", "text", "other"):
        return "categorical"
    fin, frac = int(prof[f"fin{i}"] or 0), int(prof[f"frac{i}"] or 0)
    if kind == "number" and (fin == 0 or frac > 0):
        return "numeric"
    distinct = exact.get(name, int(prof[f"approx{i}"] or 0))
    return "categorical" if distinct <= INT_CATEGORICAL_MAX else "numeric"


def plan(
    session, df, dcfg: DriftConfig, kinds: dict, timeout: float
) -> tuple[list[ColumnSpec], dict]:
    """Column specs (features, then the target) as stats/column_types.py would type them."""
    names = feature_names(list(df.columns), dcfg)
    if dcfg.target and dcfg.target in df.columns:
        names.append(dcfg.target)
    prof = _profile(session, df, names, kinds, timeout)
    near = [
        n
        for i, n in enumerate(names)
        if kinds[n] in ("integral", "number")
        and int(prof[f"approx{i}"] or 0) <= APPROX_MARGIN * INT_CATEGORICAL_MAX
    ]
    exact = _exact_distinct(session, df, near, kinds, timeout)
    wide = [n for i, n in enumerate(names) if kinds[n] == "text" and n not in dcfg.categorical
            and int(prof[f"approx{i}"] or 0) > TEXT_MAX_DISTINCT // 2]  # fmt: skip
    text_distinct = _exact_text_distinct(session, df, wide, timeout)
    specs = []
    for i, name in enumerate(names):
        spec = configured_spec(name, dcfg)
        if spec is None:
            kind = _auto(name, kinds[name], prof, i, exact)
            why = datetime_why() if kind == "skip" else []
            if text_distinct.get(name, 0) > TEXT_MAX_DISTINCT:
                kind = "skip"
                why = high_cardinality_why(name, text_distinct[name])
            spec = ColumnSpec(name, kind, why=why, weight=float(dcfg.weights.get(name, 1.0)))
        specs.append(spec)
    return specs, {**prof, "names": names}


def _targets(hist: np.ndarray, ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cell, offset within the cell) of each rank."""
    cum = np.cumsum(hist)
    cells = np.searchsorted(cum, ranks, side="right")
    return cells, ranks - (cum[cells] - hist[cells])


def order_stats(
    session, df, cols: list[tuple[str, str, float, float, int]], bins: int, timeout: float
) -> dict[str, np.ndarray]:
    """{column: its finite values at fine_ranks}, exact; cols = (name, kind, min, max, n_finite)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if not cols:
        return {}
    structs = []
    for c, (name, kind, lo, hi, _) in enumerate(cols):
        x, _ = X.numeric_value(F.col(name), kind)
        scale = CELLS / (hi - lo) if hi > lo else 0.0
        raw = F.when(X.finite(x), F.floor((x - F.lit(lo)) * F.lit(scale)))
        cell = F.least(F.greatest(raw, F.lit(0)), F.lit(CELLS - 1))
        v = F.when(X.finite(x), x)
        structs.append(F.struct(F.lit(c).alias("c"), v.alias("v"), cell.cast("int").alias("cell")))
    values = (
        df.select(F.explode(F.array(*structs)).alias("e"))
        .select("e.*")
        .where(F.col("v").isNotNull())
    )
    hist_rows = run_job(session, lambda: values.groupBy("c", "cell").count().collect(), timeout,
                        "metricwatch drift: quantile cells")  # fmt: skip
    hists = np.zeros((len(cols), CELLS), dtype=np.int64)
    for r in hist_rows:
        hists[int(r["c"]), int(r["cell"])] = int(r["count"])
    wanted: list[tuple[int, int, int]] = []
    ranks_of: dict[int, np.ndarray] = {}
    for c, (_, _, _, _, n_fin) in enumerate(cols):
        ranks_of[c] = fine_ranks(n_fin, bins)
        cells, offs = _targets(hists[c], ranks_of[c])
        wanted += sorted({(c, int(a), int(b)) for a, b in zip(cells, offs, strict=True)})
    spark = df.sparkSession
    targets = spark.createDataFrame(wanted, "c int, cell int, off long")
    in_cells = values.join(
        F.broadcast(targets.select("c", "cell").distinct()), ["c", "cell"], "leftsemi"
    )
    ranked = in_cells.withColumn(
        "off", F.row_number().over(Window.partitionBy("c", "cell").orderBy("v")) - 1
    )
    picked = ranked.join(F.broadcast(targets), ["c", "cell", "off"]).select("c", "cell", "off", "v")
    found = run_job(session, picked.collect, timeout, "metricwatch drift: quantiles")
    at = {(int(r["c"]), int(r["cell"]), int(r["off"])): float(r["v"]) for r in found}
    out = {}
    for c, (name, *_rest) in enumerate(cols):
        cells, offs = _targets(hists[c], ranks_of[c])
        out[name] = np.array([at[(c, int(a), int(b))] for a, b in zip(cells, offs, strict=True)])
    return out


def freeze_spark(session, df, dcfg: DriftConfig, *, label: str, timeout: float) -> BinSpec:
    kinds = {c: X.kind_of(df.schema[c].dataType) for c in df.columns}
    specs, prof = plan(session, df, dcfg, kinds, timeout)
    names = prof["names"]
    numeric = []
    skeleton: list[Bins] = []
    for spec in specs:
        i = names.index(spec.name)
        if spec.kind == "numeric":
            n_fin = int(prof.get(f"fin{i}") or 0)
            if n_fin and kinds[spec.name] in ("integral", "number", "text"):
                numeric.append(
                    (
                        spec.name,
                        kinds[spec.name],
                        float(prof[f"min{i}"]),
                        float(prof[f"max{i}"]),
                        n_fin,
                    )
                )
    stats = order_stats(session, df, numeric, dcfg.bins, timeout)
    n_rows = int(prof["n_rows"])
    for spec in specs:
        if spec.kind == "skip":
            text = any(m.key == "drift.why.high_cardinality" for m in spec.why)
            skeleton.append(
                _skip(spec, "high cardinality", spec.why, "categorical" if text else None)
            )
        elif spec.kind == "categorical":
            skeleton.append(CategoricalBins(name=spec.name, categories=[], counts=[]))
        elif spec.name in stats:
            skeleton.append(numeric_skeleton(spec.name, stats[spec.name]))
        elif n_rows == 0:
            skeleton.append(_skip(spec, "insufficient data", no_rows_why(spec.name), "numeric"))
        else:
            skeleton.append(_skip(spec, "all missing", no_finite_why(spec.name), "numeric"))
    draft = spec_of(dcfg, ReferenceInfo(label=label, n_rows=n_rows), skeleton, engine="spark")
    counted = count_spark(session, df, tasks_of(draft), window=None, time_column=None,
                          timeout=timeout, side="reference")  # fmt: skip
    bins = completed(specs, skeleton, counted.overall, counted.errors)
    return spec_of(dcfg, ReferenceInfo(label=label, n_rows=counted.n_rows), bins, engine="spark")
