"""KPI load vs `mlflow.search_runs`: 10,000 runs on a local `mlflow server` with SQLite.

Run: `.venv/bin/python benchmarks/bench_kpis.py [--runs N] [--reps R]`

The store (5 metrics, 10 params, 3 tags per run) is generated once into benchmarks/_work/ and
reused. Each measurement runs in a fresh child process (same imports warmed for both tools),
alternating metricwatch and mlflow.search_runs; the child reports the wall time of the call and
its peak RSS (ru_maxrss). Results go to this benchmark's section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- bench_kpis:start -->", "<!-- bench_kpis:end -->"


def worker(tool: str, url: str) -> None:
    """Child process: import, then time one full load of the experiment."""
    os.environ["MLFLOW_TRACKING_URI"] = url
    import mlflow

    from metricwatch.config import parse_config
    from metricwatch.parts.kpis.collect import build_kpis

    cfg = parse_config(
        {"mlflow": {"tracking_uri": url, "experiments": ["bench"], "timeout_s": 600}},
        "bench",
        WORK,
    )
    exp_id = mlflow.MlflowClient(url).get_experiment_by_name("bench").experiment_id
    t0 = time.perf_counter()
    if tool == "metricwatch":
        report = build_kpis(cfg, with_dvc=False, with_system=False)
        n = len(report.rows)
    else:
        frame = mlflow.search_runs(experiment_ids=[exp_id])
        n = len(frame)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"tool": tool, "runs": n, "seconds": elapsed, "peak_mb": peak_mb}))


def ensure_store(n: int) -> Path:
    db = WORK / f"kpis_{n}.db"
    if db.exists():
        return db
    WORK.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "tests"))
    from support.mlflow_stores import build_many_runs_sqlite

    tmp = db.with_suffix(".tmp.db")
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    build_many_runs_sqlite(tmp, n, metrics=5, params=10, tags=3, experiment="bench")
    tmp.rename(db)
    print(f"generated {db} ({n} runs) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return db


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    total = next((ln.split()[1] for ln in mem.splitlines() if ln.startswith("Mem:")), "?")
    return (
        f"{os.cpu_count()} CPU(s) (`nproc`), {cpu}, {total} RAM (`free -h`), "
        f"Python {platform.python_version()}, load average at start {os.getloadavg()[0]:.1f}"
    )


def write_section(text: str) -> None:
    body = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{START}\n{text.rstrip()}\n{END}"
    if START in body and END in body:
        body = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, body, flags=re.S)
    else:
        body = body.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(body, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--worker", choices=["metricwatch", "search_runs"])
    ap.add_argument("--url")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.url)
        return 0

    from metricwatch.mlflow_server import local_mlflow_server

    started = datetime.now(UTC)
    where = machine()
    db = ensure_store(args.runs)
    results: list[dict] = []
    with local_mlflow_server(f"sqlite:///{db}", timeout_s=300) as srv:
        for rep in range(args.reps):
            for tool in (
                ("metricwatch", "search_runs") if rep % 2 == 0 else ("search_runs", "metricwatch")
            ):
                proc = subprocess.run(
                    [sys.executable, __file__, "--worker", tool, "--url", srv.url],
                    capture_output=True, text=True, timeout=1800, check=False,
                )  # fmt: skip
                if proc.returncode != 0:
                    print(proc.stderr[-3000:], file=sys.stderr)
                    return 1
                res = json.loads(proc.stdout.strip().splitlines()[-1])
                results.append(res)
                print(json.dumps(res), file=sys.stderr)
    mw = [r["seconds"] for r in results if r["tool"] == "metricwatch"]
    sr = [r["seconds"] for r in results if r["tool"] == "search_runs"]
    ratio = statistics.median(mw) / statistics.median(sr)
    peak = max(r["peak_mb"] for r in results if r["tool"] == "metricwatch")
    rows = "\n".join(
        f"| {i + 1} | {r['tool']} | {r['runs']:,} | {r['seconds']:.2f} | {r['peak_mb']:.0f} |"
        for i, r in enumerate(results)
    )
    verdict_t = "meets" if ratio <= 1.2 else "misses"
    verdict_m = "meets" if peak <= 1024 else "misses"
    write_section(
        f"""## KPIs (run source)

`.venv/bin/python benchmarks/bench_kpis.py` ({started:%Y-%m-%d %H:%M} UTC; {where}; the machine
is shared with other jobs, so absolute times are indicative, the alternating ratio less so).

Store: {args.runs:,} runs (5 metrics, 10 params, 3 tags each) in one experiment, SQLite backend
(`benchmarks/_work/`), served by a local `mlflow server` (1 worker) on 127.0.0.1. Each line is a
fresh child process; time is the call only (imports excluded), peak is the child's ru_maxrss.
metricwatch = `build_kpis` (paged `MlflowClient.search_runs` + KPI rows, aliases, params hashes);
peer = `mlflow.search_runs(experiment_ids=[…])` (pandas DataFrame). Runs alternate.

| # | tool | runs | time (s) | peak RSS (MB) |
|---:|---|---:|---:|---:|
{rows}

- median metricwatch {statistics.median(mw):.2f} s vs mlflow.search_runs {statistics.median(sr):.2f} s:
  ratio {ratio:.2f}× ({verdict_t} the goal ≤ 1.2×).
- metricwatch peak RSS {peak:.0f} MB ({verdict_m} the goal ≤ 1 GB).
"""
    )
    print(f"ratio {ratio:.2f}x, peak {peak:.0f} MB; written to {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
