"""Drift benchmark: metricwatch's one counting pass vs Evidently, at scale, local vs Spark.

One command: `make bench-drift` (= .venv/bin/python benchmarks/bench_drift.py). Sections:
  speed     1M rows × 25 columns (20 numeric, 5 text), every statistic and test in one call,
            RUNS fresh processes of metricwatch and of Evidently's DataDriftPreset(method='psi')
            alternating, after one untimed warm-up process per side; medians and their ratio;
            the memory the call adds, as a multiple of the two frames.
  scaling   the local engine in memory at 100k / 1M / 10M rows (time, memory added, peak).
  stream    10M-row Parquet pair streamed in 250k-row batches (time, peak RSS of the process).
  windows   5M current rows in 52 weekly windows vs the same comparison without windows.
  spark     local engine vs Spark local[2] on the same Parquet files, 1M and 10M rows.
  profile   cProfile of one warm 1M call (what dominates).
  kernels   the ways to get 1,001 quantile edges and counts on them for 1M doubles, CPU time
            (why the local engine sorts: see sources/drift_engines/kernels.py).
Every timed run is a fresh subprocess that loads its inputs and imports the libraries the call
uses (scipy.stats, pyarrow) first, resets the kernel's peak-RSS
mark (/proc/self/clear_refs) and times only the drift call; each records the 1-minute load
average when it starts. Data: fixed seeds, Parquet files in benchmarks/_work/ (not committed).
Evidently runs from its own venv (benchmarks/_work/evidently-venv, evidently==0.7.23 with
pandas<3): installing it next to metricwatch downgrades plotly below what kaleido needs.
Results replace the "## Drift" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
EV_PY = WORK / "evidently-venv" / "bin" / "python"
RESULTS = HERE / "RESULTS.md"
CATS = (5, 10, 20, 35, 50)
SECTION = "## Drift"
ALL = ("speed", "scaling", "stream", "windows", "spark", "profile", "kernels")


# --- data --------------------------------------------------------------------------------


def make_frame(n: int, seed: int, drifted: bool):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    cols = {}
    for i in range(20):
        shift = 0.5 if drifted and i < 3 else 0.0
        if i % 4 == 0:
            cols[f"num_{i:02d}"] = rng.lognormal(shift, 0.6, n)
        else:
            cols[f"num_{i:02d}"] = rng.normal(shift, 1.0 + 0.1 * i, n)
    for j, k in enumerate(CATS):
        p = np.linspace(1, 2, k)
        if drifted and j == 0:
            p = p[::-1] ** 3
        labels = np.array([f"c{j}_{v:02d}" for v in range(k)], dtype=object)
        cols[f"cat_{j}"] = labels[rng.choice(k, size=n, p=p / p.sum())]
    return pd.DataFrame(cols)


def parquet_pair(n: int, chunk: int = 500_000) -> tuple[Path, Path]:
    """Reference and current Parquet files of n rows (row groups of 250k), made once."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = WORK / f"drift_{n}_ref.parquet", WORK / f"drift_{n}_cur.parquet"
    WORK.mkdir(parents=True, exist_ok=True)
    for path, drifted, seed in ((paths[0], False, 10), (paths[1], True, 20)):
        if path.exists():
            continue
        tmp = path.with_suffix(".tmp")
        writer = None
        for i in range(0, n, chunk):
            frame = make_frame(min(chunk, n - i), seed + i, drifted)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(tmp, table.schema)
            writer.write_table(table, row_group_size=250_000)
        assert writer is not None
        writer.close()
        tmp.rename(path)
    return paths


def windowed_current(n: int, weeks: int = 52) -> Path:
    """n current rows with a timestamp column spread over `weeks` weeks (Parquet timestamps)."""
    import numpy as np

    path = WORK / f"drift_{n}_cur_{weeks}w.parquet"
    if not path.exists():
        frame = make_frame(n, 30, True)
        rng = np.random.default_rng(31)
        start = np.datetime64("2025-01-06T00:00:00", "us")
        frame["t"] = start + rng.integers(0, weeks * 7 * 86_400_000_000, n).astype(
            "timedelta64[us]"
        )
        frame.to_parquet(path, row_group_size=250_000)
    return path


# --- workers (run in fresh subprocesses) -----------------------------------------------------


def _kb(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))  # type: ignore[union-attr]


def _timed(fn) -> dict:
    base = _kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS from here on
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_mb": _kb("VmHWM") / 1024, "base_mb": base / 1024, **out}


def _frames(ref: str, cur: str) -> tuple:
    import gc

    import pandas as pd

    r, c = pd.read_parquet(ref), pd.read_parquet(cur)
    mb = (r.memory_usage(deep=True).sum() + c.memory_usage(deep=True).sum()) / 2**20
    gc.collect()
    return r, c, mb


def _config(ref: str, cur: str, **drift):
    from metricwatch.config import parse_config

    return parse_config({"drift": {"reference": ref, "current": cur, **drift}}, "bench", Path("/"))


def _import_libraries() -> None:
    """Import what the timed calls use, before timing: metricwatch imports scipy.stats when a
    test first runs (not when its modules load), which would otherwise put about a second of
    import into the first call of every fresh process; Evidently imports it at load."""
    import pyarrow.parquet  # noqa: F401
    import scipy.stats  # noqa: F401


def worker(kind: str, ref: str, cur: str) -> dict:
    load = os.getloadavg()[0]
    _import_libraries()
    if kind in ("metricwatch", "evidently"):
        r, c, frames_mb = _frames(ref, cur)
        if kind == "metricwatch":
            from metricwatch.config import DriftConfig
            from metricwatch.parts.drift.collect import frames_report

            def call() -> dict:
                rep = frames_report(r, c, DriftConfig())
                return {"drifted": rep.drifted_features}
        else:
            from evidently import Report
            from evidently.presets import DataDriftPreset

            def call() -> dict:
                Report([DataDriftPreset(method="psi")]).run(current_data=c, reference_data=r).dict()
                return {}

        return {**_timed(call), "frames_mb": frames_mb, "load": load}
    from metricwatch.parts.drift.collect import run_drift

    if kind == "windows":
        cfg = _config(ref, cur, time_column="t", window="7D")
    elif kind == "no-windows":
        cfg = _config(ref, cur, exclude=["t"])
    elif kind == "spark":
        cfg = _config(ref, cur, engine="spark", spark={"master": "local[2]"})
    else:  # "local" (in memory) or "streamed"
        cfg = _config(ref, cur)
    batch = 250_000 if kind == "streamed" else None

    def run() -> dict:
        rep = run_drift(cfg, concept=False, batch_rows=batch)
        n_windows = len(rep.windows.windows) if rep.windows else 0
        return {"drifted": rep.drifted_features, "mode": rep.mode, "windows": n_windows}

    return {**_timed(run), "load": load}


def run_worker(
    kind: str, ref: Path, cur: Path, python: Path | None = None, timeout: float = 7200
) -> dict:
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    proc = subprocess.run(
        [str(python or sys.executable), str(Path(__file__).resolve()), "--worker", kind, str(ref), str(cur)],
        capture_output=True, text=True, timeout=timeout, env=env, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"  {kind:<12} {out['seconds']:8.2f} s  peak {out['peak_mb']:7.0f} MB  load {out['load']:.1f}",
        flush=True,
    )
    return out


def ensure_evidently() -> None:
    if (
        EV_PY.exists()
        and subprocess.run([str(EV_PY), "-c", "import evidently"], check=False).returncode == 0
    ):
        return
    subprocess.run([sys.executable, "-m", "venv", str(EV_PY.parent.parent)], check=True)
    subprocess.run([str(EV_PY), "-m", "pip", "install", "-q", "evidently==0.7.23", "pandas<3"],
                   check=True, timeout=1800)  # fmt: skip


# --- sections --------------------------------------------------------------------------------


def _med(rows: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in rows)


def _loads(rows: list[dict]) -> str:
    return ", ".join(f"{r['load']:.1f}" for r in rows)


def speed(runs: int, with_evidently: bool) -> list[str]:
    ref, cur = parquet_pair(1_000_000)
    print("speed: warm-up", flush=True)
    run_worker("metricwatch", ref, cur)
    if with_evidently:
        ensure_evidently()
        run_worker("evidently", ref, cur, EV_PY)
    mw, ev = [], []
    for _ in range(runs):
        mw.append(run_worker("metricwatch", ref, cur))
        if with_evidently:
            ev.append(run_worker("evidently", ref, cur, EV_PY))
    added = max(r["peak_mb"] - r["base_mb"] for r in mw)
    lines = [
        "### Speed: 1M rows × 25 columns, every statistic and test in one call",
        "",
        f"metricwatch, {runs} fresh processes: "
        + ", ".join(f"{r['seconds']:.2f}" for r in mw)
        + f" s → **median {_med(mw):.2f} s** (load at each start: {_loads(mw)}). The call adds at "
        f"most {added:.0f} MB = **{added / mw[0]['frames_mb']:.2f}× the two frames** "
        f"({mw[0]['frames_mb']:.0f} MB); flags {mw[0]['drifted']}.",
    ]
    if ev:
        lines.append(
            f"Evidently DataDriftPreset(method='psi'), {runs} fresh processes in the same run: "
            + ", ".join(f"{r['seconds']:.1f}" for r in ev)
            + f" s → median {_med(ev):.1f} s (load: {_loads(ev)}); peak RSS "
            f"{max(r['peak_mb'] for r in ev):.0f} MB. **Ratio of medians: "
            f"{_med(ev) / _med(mw):.0f}×.**"
        )
    return [*lines, ""]


def scaling() -> list[str]:
    lines = ["### Scaling of the local engine (in memory, one fresh process each)", "",
             "| rows | time (s) | memory added by the call (MB) | two frames (MB) | peak RSS (MB) | load |",
             "|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for n in (100_000, 1_000_000, 10_000_000):
        ref, cur = parquet_pair(n)
        run_worker("metricwatch", ref, cur)  # warm-up
        r = run_worker("metricwatch", ref, cur)
        lines.append(f"| {n:,} | {r['seconds']:.2f} | {r['peak_mb'] - r['base_mb']:.0f} | "
                     f"{r['frames_mb']:.0f} | {r['peak_mb']:.0f} | {r['load']:.1f} |")  # fmt: skip
    return [*lines, ""]


def stream(runs: int) -> list[str]:
    ref, cur = parquet_pair(10_000_000)
    size = (ref.stat().st_size + cur.stat().st_size) / 2**30
    rows = [run_worker("streamed", ref, cur) for _ in range(runs)]
    return [
        "### 10M rows streamed from Parquet (250k-row batches)",
        "",
        f"{size:.1f} GB of Parquet; {runs} fresh processes: "
        + ", ".join(f"{r['seconds']:.1f} s / peak {r['peak_mb']:.0f} MB" for r in rows)
        + f" (load: {_loads(rows)}); mode {rows[0]['mode']}, flags {rows[0]['drifted']}.",
        "",
    ]


def windows() -> list[str]:
    ref, _ = parquet_pair(1_000_000)
    cur = windowed_current(5_000_000)
    run_worker("windows", ref, cur)  # warm-up
    plain = run_worker("no-windows", ref, cur)
    weekly = run_worker("windows", ref, cur)
    return [
        "### Windows: 5M current rows in 52 weekly windows, one pass",
        "",
        f"Same files, same 1M-row reference, fresh processes: one comparison {plain['seconds']:.2f} s; "
        f"with `window: 7D` ({weekly['windows']} windows) {weekly['seconds']:.2f} s = "
        f"**{weekly['seconds'] / plain['seconds']:.2f}×** (load {plain['load']:.1f} / "
        f"{weekly['load']:.1f}). The time column is a Parquet timestamp.",
        "",
    ]


def spark() -> list[str]:
    lines = ["### Local engine vs Spark local[2] (same Parquet files, fresh processes)", "",
             "| rows | local (s) | local peak RSS (MB) | Spark local[2] incl. session start (s) | load |",
             "|---:|---:|---:|---:|---:|"]  # fmt: skip
    for n in (1_000_000, 10_000_000):
        ref, cur = parquet_pair(n)
        local = run_worker("local", ref, cur)
        on_spark = run_worker("spark", ref, cur)
        same = "same verdicts" if local["drifted"] == on_spark["drifted"] else "VERDICTS DIFFER"
        lines.append(f"| {n:,} | {local['seconds']:.1f} ({local['mode']}) | {local['peak_mb']:.0f} | "
                     f"{on_spark['seconds']:.1f} ({same}) | {local['load']:.1f} / {on_spark['load']:.1f} |")  # fmt: skip
    return [*lines, ""]


def profile() -> list[str]:
    import cProfile
    import pstats

    sys.path.insert(0, str(HERE.parent / "src"))
    from metricwatch.config import DriftConfig
    from metricwatch.parts.drift.collect import frames_report

    ref, cur = parquet_pair(1_000_000)
    r, c, _ = _frames(str(ref), str(cur))
    frames_report(r, c, DriftConfig())  # warm
    prof = cProfile.Profile(time.process_time)
    prof.enable()
    frames_report(r, c, DriftConfig())
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    top = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:6]  # type: ignore[attr-defined]
    lines = [
        "### Profile of one warm 1M call (CPU time, all threads' work seen from the caller)",
        "",
    ]
    lines += [
        f"- {v[2]:.3f} s ({100 * v[2] / total:.0f} %) in {k[2]} ({Path(k[0]).name})" for k, v in top
    ]
    return [*lines, ""]


def _cpu_ms(fn, repeat: int = 9) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return 1000 * statistics.median(times)


def kernels() -> list[str]:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=1_000_000), rng.normal(0.1, 1, size=1_000_000)
    ranks = np.floor(np.arange(1001) / 1000 * (x.size - 1)).astype(np.int64)
    edges = np.sort(x)[ranks]
    buf = np.empty_like(x)

    def sort_in_place() -> None:
        np.copyto(buf, x)
        buf.sort()

    def recursive_select() -> None:
        np.copyto(buf, x)
        stack = [(0, x.size, 0, ranks.size)]
        while stack:
            lo, hi, i, j = stack.pop()
            if i < j:
                m = (i + j) // 2
                buf[lo:hi].partition(ranks[m] - lo)
                stack += [(lo, int(ranks[m]), i, m), (int(ranks[m]) + 1, hi, m + 1, j)]

    text = pd.Series(
        rng.choice(np.array([f"c_{i:02d}" for i in range(50)], dtype=object), 1_000_000)
    ).astype("str")
    arr = pa.array(text)
    rows = [
        ("copy + in-place np.sort (edges at ranks, counts by searchsorted of the edges)", sort_in_place),
        ("np.partition at the 1,001 ranks", lambda: np.partition(x, ranks)),
        ("np.partition at 11 ranks (coarse edges only)", lambda: np.partition(x, ranks[::100])),
        ("recursive single-rank partitions at the 1,001 ranks", recursive_select),
        ("np.searchsorted of 1M unsorted values among 1,001 edges", lambda: np.searchsorted(edges, y)),
        ("11 comparisons + count_nonzero (coarse counts only, no KS grid)",
         lambda: [np.count_nonzero(y < e) for e in edges[::100]]),
        ("Arrow value_counts of 1M short strings (50 categories)", lambda: pc.value_counts(arr)),
        ("Arrow dictionary_encode of the same", lambda: pc.dictionary_encode(arr)),
        ("pandas factorize of the same", lambda: pd.factorize(text)),
    ]  # fmt: skip
    lines = ["### Kernels: 1M values, CPU time (median of 9, `time.process_time`)", "",
             "| operation | ms |", "|---|---:|"]  # fmt: skip
    lines += [f"| {name} | {_cpu_ms(fn):.1f} |" for name, fn in rows]
    return [*lines, ""]


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), "unknown")  # fmt: skip
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    total = mem.splitlines()[1].split()[1] if mem else "?"
    return (
        f"{os.cpu_count()} CPUs (`nproc`), {cpu}, {total} RAM, Python {platform.python_version()}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--only", nargs="+", choices=ALL, default=list(ALL))
    ap.add_argument(
        "--runs", type=int, default=5, help="fresh processes per side (speed, stream: 1)"
    )
    ap.add_argument("--skip-evidently", action="store_true")
    args = ap.parse_args()
    started = dt.datetime.now(dt.UTC)
    out = [SECTION, "", f"Run {started:%Y-%m-%d %H:%M} UTC on {machine()}; load average at start "
           f"{os.getloadavg()[0]:.1f}. Command: `.venv/bin/python benchmarks/bench_drift.py "
           f"{' '.join(sys.argv[1:])}`.", ""]  # fmt: skip
    sections = {
        "profile": profile,
        "speed": lambda: speed(args.runs, not args.skip_evidently),
        "scaling": scaling,
        "stream": lambda: stream(1),
        "windows": windows,
        "spark": spark,
        "kernels": kernels,
    }
    for name in ALL:
        if name in args.only:
            print(f"== {name}", flush=True)
            out += sections[name]()
            write_section("\n".join(out))
    print("\n".join(out))


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    if SECTION in old:
        start = old.index(SECTION)
        nxt = old.find("\n## ", start + len(SECTION))
        old = old[:start] + (old[nxt + 1 :] if nxt != -1 else "")
    RESULTS.write_text(old.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _, _, kind_, ref_, cur_ = sys.argv
        print(json.dumps(worker(kind_, ref_, cur_)))
    else:
        main()
