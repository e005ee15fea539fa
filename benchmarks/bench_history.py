"""What recording a snapshot adds to a report: `record_snapshot` on the demo's real result.

Run: `.venv/bin/python benchmarks/bench_history.py [--hours-90d N] [--year N] [--reps R]`

The embedded demo is built once into benchmarks/_work/history/demo (reused), and its result is
collected once (kpis, integrity, drift; the report's flags on every version) into result.json.
Then, in this process (a report has every import loaded already), each measurement is one
complete `record_snapshot` call, the report's hook: open and check the file (header, schema
version, `PRAGMA quick_check`), migrate if needed, insert, apply retention, close.

1. a new database (created and migrated by the call);
2. databases holding 90 days (the default `keep`) and a year of hourly checks (2,160 and 8,760
   snapshots), so each call also deletes the snapshot that fell out of the window;
and the history part's collect on each (`collect_history(cfg)`: the last `history.points - 1`
stored renders, read-only, as the report collects them before its History section).
Results go to this benchmark's section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work" / "history"
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- bench_history:start -->", "<!-- bench_history:end -->"


def demo_config() -> Path:
    demo = WORK / "demo"
    if not (demo / "metricwatch.yaml").is_file():
        exe = Path(sys.executable).with_name("metricwatch")
        subprocess.run([str(exe), "demo", str(demo), "--force"], check=True, timeout=1800)
    return demo / "metricwatch.yaml"


def result_and_cfg(config: Path, db: Path, keep: int | str):
    from metricwatch.config import load_config
    from metricwatch.pipeline.run import run_pipeline
    from metricwatch.result import MonitoringResult

    cached = WORK / "result.json"
    cfg = load_config(config)
    if not cached.is_file():
        result = run_pipeline(cfg, ("kpis", "integrity", "drift"), scope="versions").result
        cached.write_text(result.to_json(), encoding="utf-8")
    result = MonitoringResult.read(cached)
    hist = cfg.history.model_copy(update={"path": str(db), "keep": keep})
    return result, cfg.model_copy(update={"history": hist})


def fill_year(cfg, result, n: int) -> None:
    """n snapshots one hour apart, ending now, written in one transaction."""
    from metricwatch.parts.history.snapshot_of import snapshot_of
    from metricwatch.sources.history_db.db import open_for
    from metricwatch.sources.history_db.store import insert_snapshot

    now = datetime.now(UTC)
    base = snapshot_of(result, result.flags, command="check")
    with open_for(cfg, write=True) as db, db.write() as conn:
        for i in range(n):
            when = now - timedelta(hours=n - i)
            insert_snapshot(conn, base.model_copy(update={"taken_at": when}))


CPU: list[float] = []  # the process CPU time of every timed call, in order


def timed(fn) -> float:
    """Wall seconds of fn(); its CPU seconds (this process, I/O waits excluded) go to CPU."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    CPU.append(time.process_time() - c0)
    return wall


def measure(args: argparse.Namespace) -> dict[str, object]:
    from metricwatch.parts.drift.model import DRIFT
    from metricwatch.parts.history.collect import collect_history
    from metricwatch.parts.integrity.model import INTEGRITY
    from metricwatch.parts.kpis.collect import KPIS
    from metricwatch.pipeline.record import record_snapshot

    config = demo_config()
    WORK.mkdir(parents=True, exist_ok=True)
    fresh_db = WORK / "fresh.sqlite"
    result, cfg = result_and_cfg(config, fresh_db, "90d")
    record = lambda c: record_snapshot(c, result, result.flags, command="report")  # noqa: E731
    fresh = []
    for _ in range(args.reps):
        for p in WORK.glob("fresh.sqlite*"):
            p.unlink()
        fresh.append(timed(lambda: record(cfg)))
    fresh_cpu = CPU[-args.reps :]
    filled = []
    for n, keep in ((args.hours_90d, "90d"), (args.year, "365d")):
        db = WORK / f"filled-{n}.sqlite"
        _, big = result_and_cfg(config, db, keep)
        for p in WORK.glob(f"{db.name}*"):
            p.unlink()
        fill_s = timed(lambda: fill_year(big, result, n))  # noqa: B023
        calls = [timed(lambda: record(big)) for _ in range(args.reps)]  # noqa: B023
        calls_cpu = CPU[-args.reps :]
        view = [timed(lambda: collect_history(big))  # noqa: B023
                for _ in range(args.reps)]  # fmt: skip
        filled.append({"n": n, "keep": keep, "fill_s": fill_s, "calls": calls, "view": view,
                       "cpu": calls_cpu, "size_mb": db.stat().st_size / 1e6})  # fmt: skip
    return {
        "fresh": fresh, "fresh_cpu": fresh_cpu, "filled": filled, "rows": len(result.flags),
        "points": cfg.history.points,
        "versions": len(kpis.rows) if (kpis := result.get(KPIS)) else 0,
        "features": len(drift.features) if (drift := result.get(DRIFT)) else 0,
        "tags": len(integrity.tags) if (integrity := result.get(INTEGRITY)) else 0,
    }  # fmt: skip


def machine() -> str:
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split()
    mem = free[free.index("Mem:") + 1] if "Mem:" in free else "?"
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        )
    return f"{os.cpu_count()} CPU(s) (`nproc`), {cpu}, {mem} RAM (`free -h`), Python {platform.python_version()}"


def section(m: dict[str, object], load: float, when: str) -> str:
    def stats(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:.0f} / {max(xs) * 1000:.0f}"

    fresh, filled = m["fresh"], m["filled"]
    rows = [f"| new (created and migrated by the call) | {len(fresh)} | {stats(fresh)} | "
            f"{stats(m['fresh_cpu'])} |"]  # type: ignore[arg-type]  # fmt: skip
    for f in filled:  # type: ignore[attr-defined]
        what = f"{f['n']:,} hourly snapshots, {f['size_mb']:.1f} MB, `keep: {f['keep']}`"
        rows.append(f"| {what} | {len(f['calls'])} | {stats(f['calls'])} | {stats(f['cpu'])} |")
        rows.append(f"| the history part's collect on it, `collect_history` ({m['points'] - 1} renders) | "
                    f"{len(f['view'])} | {stats(f['view'])} | |")  # fmt: skip
    worst = max([*fresh, *(x for f in filled for x in f["calls"])])  # type: ignore[union-attr]
    read = max(x for f in filled for x in f["view"])  # type: ignore[union-attr]
    verdict = "meets" if worst + read <= 1.0 else "misses"
    fills = ", ".join(f"{f['n']:,} in {f['fill_s']:.1f} s" for f in filled)  # type: ignore[union-attr]
    table = "\n".join(rows)
    return f"""{START}
## History: recording a snapshot

`.venv/bin/python benchmarks/bench_history.py` ({when}; {machine()}, load average at start
{load:.1f}; the machine is shared with other jobs, so times are indicative).

The demo's real result (kpis, integrity, drift: {m["versions"]} runs, {m["tags"]} release tags,
{m["features"]} features, {m["rows"]} rule outcomes on every version, as `report` records it).
Each measurement is one whole `record_snapshot` call, the report's hook: open and check the
file (header, schema version, `PRAGMA quick_check`), migrate if new, insert, retention (each
call on a full database also drops the snapshot that fell out of the window), close. The
filled databases hold copies of that snapshot one hour apart, ending now (the default
retention, 90 days of hourly checks, and a year).

| database | calls | wall ms per call (median / max) | CPU ms (median / max) |
|---|---:|---:|---:|
{table}

Worst call {worst * 1000:.0f} ms, worst read {read * 1000:.0f} ms: recording a snapshot and reading
the stored renders together {verdict} the goal of adding ≤ 1 s to a report (a report takes 30–70 s, benchmarks above). Filling took {fills} (one transaction; not
part of a report).
{END}"""


def write_results(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    new = pattern.sub(lambda _m: text, old) if START in old else old.rstrip() + "\n\n" + text + "\n"
    RESULTS.write_text(new, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours-90d", type=int, default=2160, help="snapshots in 90 days")
    parser.add_argument("--year", type=int, default=8760, help="snapshots in a year")
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    m = measure(args)
    text = section(m, load, when)
    write_results(text)
    print(text)


if __name__ == "__main__":
    main()
