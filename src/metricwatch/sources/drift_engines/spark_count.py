"""The Spark engine's counting: any data on a bin spec, on the executors, in one aggregation.

One preflight aggregation (row count, text that is not a number in columns with numeric bins,
the time column's tallies and its first and last window), then one counting job: each row is
exploded into (window, column, code or category key) and grouped; only those counts reach the
driver (never rows), where they are folded into the same NumericCounts / CategoryCounts the
local engine makes. Numeric codes come from Spark's Bucketizer on the spec's search edges, which
bins exactly like the local engine (stats/binning.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from metricwatch.errors import SourceError
from metricwatch.i18n.words import Words
from metricwatch.sources.drift_engines import spark_exprs as X
from metricwatch.sources.drift_engines.counted import Counted, TimeTally, WindowCounts, time_problem
from metricwatch.sources.drift_engines.local_count import Task
from metricwatch.sources.drift_engines.spark_session import run_job
from metricwatch.stats.categories import float_key
from metricwatch.stats.counts import CategoryCounts, NumericCounts, SideCounts, add_sides
from metricwatch.stats.windowing import MAX_WINDOWS
from metricwatch.window_spec import WindowSpec

MAX_KEYS = 100_000  # distinct category keys of one column brought to the driver, at most


def _preflight(session: Any, df: Any, tasks: list[Task], kinds: dict, window, time_column, timeout):
    from pyspark.sql import functions as F

    aggs = [F.count(F.lit(1)).alias("n_rows")]
    for i, (name, search) in enumerate(tasks):
        if search is not None and kinds[name] == "text":
            _, bad = X.numeric_value(F.col(name), "text")
            aggs += [
                F.sum(bad.cast("long")).alias(f"bad{i}"),
                F.count(F.col(name)).alias(f"present{i}"),
                F.first(F.when(bad, F.col(name)), ignorenulls=True).alias(f"example{i}"),
            ]
    if window is not None and time_column is not None and time_column in df.columns:
        kind = kinds.get(time_column) or X.kind_of(df.schema[time_column].dataType)
        if kind not in ("integral", "number", "bool"):
            us, present, bad, zoned = X.time_us(F.col(time_column), kind)
            text = F.trim(F.col(time_column).cast("string"))
            good = present & ~bad
            w = X.window_number(us, window)
            aggs += [
                F.sum((~present).cast("long")).alias("t_missing"),
                F.sum(bad.cast("long")).alias("t_bad"),
                F.first(F.when(bad, text), ignorenulls=True).alias("t_bad_ex"),
                F.sum((good & zoned).cast("long")).alias("t_zoned"),
                F.sum((good & ~zoned).cast("long")).alias("t_naive"),
                F.first(F.when(good & zoned, text), ignorenulls=True).alias("t_zoned_ex"),
                F.first(F.when(good & ~zoned, text), ignorenulls=True).alias("t_naive_ex"),
                F.min(w).alias("w_min"),
                F.max(w).alias("w_max"),
            ]
    row = run_job(session, lambda: df.agg(*aggs).first(), timeout, "metricwatch drift: preflight")
    return row.asDict()


def _tally(pre: dict, kind: str) -> TimeTally:
    if kind in ("integral", "number", "bool"):
        return TimeTally(n_missing=int(pre["n_rows"]), numbers=True)
    return TimeTally(
        n_missing=int(pre.get("t_missing") or 0),
        n_bad=int(pre.get("t_bad") or 0),
        bad_example=str(pre.get("t_bad_ex") or "")[:40],
        n_zoned=int(pre.get("t_zoned") or 0),
        n_naive=int(pre.get("t_naive") or 0),
        zoned_example=str(pre.get("t_zoned_ex") or "")[:40],
        naive_example=str(pre.get("t_naive_ex") or "")[:40],
    )


def _windows(pre: dict, df: Any, window: WindowSpec | None, time_column: str | None, kinds: dict):
    """(WindowCounts or None, whether to group by window)."""
    if window is None:
        return None, False
    wc = WindowCounts(window)
    if time_column not in df.columns:
        wc.problem = ("time_column_missing", {"column": time_column})
        return wc, False
    wc.tally = _tally(pre, kinds.get(time_column) or X.kind_of(df.schema[time_column].dataType))
    wc.problem = time_problem(wc.tally, str(time_column), int(pre["n_rows"]))
    lo, hi = pre.get("w_min"), pre.get("w_max")
    if wc.problem is None and lo is not None and hi - lo + 1 > MAX_WINDOWS:
        wc.problem = ("too_many_windows", {"count": int(hi - lo + 1), "max": MAX_WINDOWS})
    return wc, wc.problem is None


def _exploded(df: Any, tasks: list[Task], kinds: dict, window, time_column, grouped: bool):
    from pyspark.ml.feature import Bucketizer
    from pyspark.sql import functions as F

    if grouped:
        us, _, _, _ = X.time_us(F.col(time_column), kinds[time_column])
        sel = [X.window_number(us, window).alias("__w")]
    else:
        sel = [F.lit(None).cast("long").alias("__w")]
    numeric = [(i, n, s) for i, (n, s) in enumerate(tasks) if s is not None]
    for i, name, _ in numeric:
        value, bad = X.numeric_value(F.col(name), kinds[name])
        sel += [value.alias(f"__x{i}"), bad.alias(f"__bad{i}")]
    for i, (name, search) in enumerate(tasks):
        if search is None:
            s, d = X.category_key(F.col(name), kinds[name])
            sel += [s.alias(f"__s{i}"), d.alias(f"__d{i}")]
    frame = df.select(*sel)
    if numeric:
        frame = Bucketizer(
            splitsArray=[[float("-inf"), *map(float, s), float("inf")] for _, _, s in numeric],
            inputCols=[f"__x{i}" for i, _, _ in numeric],
            outputCols=[f"__b{i}" for i, _, _ in numeric],
            handleInvalid="keep",
        ).transform(frame)
    none_l, none_s, none_d = (F.lit(None).cast(t) for t in ("long", "string", "double"))
    structs = [
        F.struct(F.lit(-1).alias("c"), none_l.alias("k"), none_s.alias("s"), none_d.alias("d"))
    ]
    for i, (_, search) in enumerate(tasks):
        if search is not None:
            k = X.code(F.col(f"__x{i}"), F.col(f"__b{i}"), F.col(f"__bad{i}"))
            structs.append(
                F.struct(F.lit(i).alias("c"), k.alias("k"), none_s.alias("s"), none_d.alias("d"))
            )
        else:
            structs.append(F.struct(F.lit(i).alias("c"), none_l.alias("k"),
                                    F.col(f"__s{i}").alias("s"), F.col(f"__d{i}").alias("d")))  # fmt: skip
    e = frame.select("__w", F.explode(F.array(*structs)).alias("e"))
    return (
        e.select(F.col("__w").alias("w"), "e.c", "e.k", "e.s", "e.d")
        .groupBy("w", "c", "k", "s", "d")
        .count()
    )


def _fetch(session: Any, agg: Any, tasks: list[Task], timeout: float) -> list[tuple]:
    """The aggregated counts (never rows): checked per column for too many category keys."""
    from pyspark.sql import functions as F

    agg = agg.persist()
    try:
        wide = run_job(
            session,
            lambda: agg.groupBy("c").agg(F.count_distinct("s", "d").alias("keys"))
            .where(F.col("keys") > MAX_KEYS).collect(),
            timeout,
            "metricwatch drift: key counts",
        )  # fmt: skip
        if wide:
            name = tasks[int(wide[0]["c"])][0]
            raise SourceError(
                f"column {name!r} has more than {MAX_KEYS:,} distinct values on one side; "
                "list it in drift.exclude (an identifier is no category)"
            )
        table = run_job(session, agg.toArrow, timeout, "metricwatch drift: counts")
    finally:
        agg.unpersist()
    cols = [table.column(n).to_pylist() for n in ("w", "c", "k", "s", "d", "count")]
    return list(zip(*cols, strict=True))


def _fold(rows: list[tuple], tasks: list[Task]) -> tuple[dict, dict]:
    """{window or None: SideCounts}, {window or None: rows} from the aggregated rows."""
    numeric: dict[tuple, dict[str, Any]] = {}
    cats: dict[tuple, dict[str, Any]] = {}
    rows_per: dict[Any, int] = {}
    for w, c, k, s, d, n in rows:
        if c == -1:
            rows_per[w] = rows_per.get(w, 0) + int(n)
            continue
        name, search = tasks[c]
        if search is not None:
            acc = numeric.setdefault((w, name), {"fine": np.zeros(len(search) + 1, np.int64),
                                                  "nan": 0, "pos": 0, "neg": 0})  # fmt: skip
            if k == X.CODE_NAN or k == X.CODE_BAD:
                acc["nan"] += int(n)
            elif k == X.CODE_NEGINF:
                acc["fine"][0] += int(n)
                acc["neg"] += int(n)
            elif k == X.CODE_POSINF:
                acc["fine"][-1] += int(n)
                acc["pos"] += int(n)
            else:
                acc["fine"][int(k)] += int(n)
        else:
            acc = cats.setdefault((w, name), {"counts": {}, "nan": 0})
            key = s if s is not None else float_key(d) if d is not None else None
            if key is None:
                acc["nan"] += int(n)
            else:
                acc["counts"][key] = acc["counts"].get(key, 0) + int(n)
    sides: dict[Any, SideCounts] = {}
    for (w, name), a in numeric.items():
        sides.setdefault(w, {})[name] = NumericCounts(a["fine"], a["nan"], a["pos"], a["neg"])
    for (w, name), a in cats.items():
        sides.setdefault(w, {})[name] = CategoryCounts(a["counts"], a["nan"])
    return sides, rows_per


def count_spark(
    session: Any,
    df: Any,
    tasks: list[Task],
    *,
    window: WindowSpec | None,
    time_column: str | None,
    timeout: float,
    side: str = "current",
) -> Counted:
    from metricwatch.sources.drift_engines.columns import TypeMismatch

    columns = list(df.columns)
    kinds = {c: X.kind_of(df.schema[c].dataType) for c in columns}
    present = [t for t in tasks if t[0] in columns]
    pre = _preflight(session, df, present, kinds, window, time_column, timeout)
    errors: dict[str, tuple[str, Words]] = {}
    for i, (name, _) in enumerate(present):
        if pre.get(f"bad{i}"):
            exc = TypeMismatch(
                int(pre[f"bad{i}"]), int(pre[f"present{i}"]), str(pre[f"example{i}"])
            )
            errors[name] = ("type mismatch", exc.reason(name, side))
    todo = [t for t in present if t[0] not in errors]
    wc, grouped = _windows(pre, df, window, time_column, kinds)
    agg = _exploded(df, todo, kinds, window, time_column, grouped)
    sides, rows_per = _fold(_fetch(session, agg, todo, timeout), todo)
    overall: SideCounts = {}
    for w, counts in sides.items():
        overall = add_sides(overall, counts)
        if wc is not None and grouped and w is not None:
            wc.counts[int(w)] = counts
    if wc is not None and grouped:
        wc.rows = {int(w): n for w, n in rows_per.items() if w is not None}
    return Counted(overall, columns, int(pre["n_rows"]), errors, wc)
