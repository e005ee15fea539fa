"""Drift benchmark: metricwatch (PSI + KL + JS + test, all columns, one call) vs Evidently.

Run: .venv/bin/python benchmarks/bench_drift.py [--sizes 100000 1000000] [--big-rows 10000000]
                                                 [--skip-evidently] [--skip-big]

- Fixed-seed data: 20 numeric + 5 categorical columns (5, 10, 20, 35, 50 categories); the
  current data drifts in 3 numeric and 1 categorical column. Stored as Parquet in
  benchmarks/_work/ (not committed).
- Every measurement runs in a fresh subprocess that loads the two frames first, then resets
  the kernel's peak-RSS mark (/proc/self/clear_refs) and times only the drift call, so time
  and peak memory belong to the call. metricwatch and Evidently alternate, one Evidently run
  per statistic (psi, jensenshannon, kl_div) with DataDriftPreset(method=…).
- Evidently does not install next to pandas 3, so it runs from its own venv in
  benchmarks/_work/evidently-venv (created here: evidently==0.7.23, pandas<3).
- Values: on 100k rows, Evidently's own bins and shares (get_binned_data) are fed to
  metricwatch's statistics and the largest differences are reported.
- The big case: a 10M-row Parquet pair read in row-group batches (drift_batches), peak RSS.
Results go to benchmarks/RESULTS.md (section "Drift").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
EV_VENV = WORK / "evidently-venv"
EV_PY = EV_VENV / "bin" / "python"
RESULTS = HERE / "RESULTS.md"
CATS = (5, 10, 20, 35, 50)
STATS = ("psi", "jensenshannon", "kl_div")
SECTION = "## Drift"


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


def data_files(n: int) -> tuple[Path, Path]:
    ref, cur = WORK / f"drift_{n}_ref.parquet", WORK / f"drift_{n}_cur.parquet"
    if not (ref.exists() and cur.exists()):
        WORK.mkdir(parents=True, exist_ok=True)
        make_frame(n, 1, False).to_parquet(ref, row_group_size=250_000)
        make_frame(n, 2, True).to_parquet(cur, row_group_size=250_000)
    return ref, cur


def big_files(n: int, chunk: int = 500_000) -> tuple[Path, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = WORK / f"drift_big_{n}_ref.parquet", WORK / f"drift_big_{n}_cur.parquet"
    for path, drifted, seed in ((paths[0], False, 10), (paths[1], True, 20)):
        if path.exists():
            continue
        tmp = path.with_suffix(".tmp")
        writer = None
        for i in range(0, n, chunk):
            table = pa.Table.from_pandas(
                make_frame(min(chunk, n - i), seed + i, drifted), preserve_index=False
            )
            writer = writer or pq.ParquetWriter(tmp, table.schema)
            writer.write_table(table, row_group_size=chunk)
        assert writer is not None
        writer.close()
        tmp.rename(path)
    return paths


# --- workers (run in subprocesses) ----------------------------------------------------------


def _rss_kb(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))  # type: ignore[union-attr]


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def worker(kind: str, ref: str, cur: str, stat: str) -> dict:
    import gc

    import pandas as pd

    if kind == "metricwatch-batched":
        from metricwatch.checks.drift_report import run_drift
        from metricwatch.config import parse_config

        cfg = parse_config({"drift": {"reference": ref, "current": cur}}, "bench", Path("/"))
        base = _rss_kb("VmRSS")
        _reset_peak()
        t0 = time.perf_counter()
        report = run_drift(cfg, concept=False, batch_rows=250_000)
        seconds = time.perf_counter() - t0
        return {
            "seconds": seconds,
            "peak_rss_mb": _rss_kb("VmHWM") / 1024,
            "base_rss_mb": base / 1024,
            "mode": report.mode,
            "drifted": report.drifted_features,
            "pct": report.dataset_drift_pct,
        }
    r, c = pd.read_parquet(ref), pd.read_parquet(cur)
    frames_mb = (r.memory_usage(deep=True).sum() + c.memory_usage(deep=True).sum()) / 2**20
    gc.collect()
    if kind == "metricwatch":
        from metricwatch.checks.drift_report import frames_report
        from metricwatch.config import DriftConfig

        base = _rss_kb("VmRSS")
        _reset_peak()
        t0 = time.perf_counter()
        report = frames_report(r, c, DriftConfig())
        seconds = time.perf_counter() - t0
        extra = {"drifted": report.drifted_features, "pct": report.dataset_drift_pct}
    elif kind == "evidently":
        from evidently import Report
        from evidently.presets import DataDriftPreset

        base = _rss_kb("VmRSS")
        _reset_peak()
        t0 = time.perf_counter()
        snap = Report([DataDriftPreset(method=stat)]).run(current_data=c, reference_data=r)
        snap.dict()
        seconds = time.perf_counter() - t0
        extra = {}
    elif kind == "evidently-values":
        return evidently_values(r, c)
    else:
        raise SystemExit(f"unknown worker {kind}")
    return {
        "seconds": seconds,
        "peak_rss_mb": _rss_kb("VmHWM") / 1024,
        "base_rss_mb": base / 1024,
        "frames_mb": frames_mb,
        **extra,
    }


def evidently_values(r, c) -> dict:
    """Evidently's bins (raw shares) and its statistic values, per column."""
    from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon
    from evidently.legacy.calculations.stattests.kl_div import _kl_div
    from evidently.legacy.calculations.stattests.psi import _psi
    from evidently.legacy.calculations.stattests.utils import get_binned_data
    from evidently.legacy.core import ColumnType

    out = {}
    for col in r.columns:
        kind = ColumnType.Categorical if col.startswith("cat_") else ColumnType.Numerical
        ref_p, cur_p = get_binned_data(r[col], c[col], kind, 30, feel_zeroes=False)
        out[col] = {
            "ref": [float(v) for v in ref_p],
            "cur": [float(v) for v in cur_p],
            "psi": float(_psi(r[col], c[col], kind, 0.1)[0]),
            "js": float(_jensenshannon(r[col], c[col], kind, 0.1)[0]),
            "kl": float(_kl_div(r[col], c[col], kind, 0.1)[0]),
        }
    return out


# --- driver ----------------------------------------------------------------------------------


def run_worker(
    python: Path, kind: str, ref: Path, cur: Path, stat: str = "", timeout: float = 3600
) -> dict:
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    proc = subprocess.run(
        [str(python), str(Path(__file__).resolve()), "--worker", kind, str(ref), str(cur), stat],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} {stat} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ensure_evidently() -> None:
    if EV_PY.exists():
        check = subprocess.run(
            [str(EV_PY), "-c", "import evidently"], capture_output=True, check=False
        )
        if check.returncode == 0:
            return
    subprocess.run([sys.executable, "-m", "venv", str(EV_VENV)], check=True)
    subprocess.run(
        [str(EV_PY), "-m", "pip", "install", "-q", "evidently==0.7.23", "pandas<3"],
        check=True,
        timeout=1800,
    )


def compare_values(ref: Path, cur: Path) -> dict:
    import numpy as np

    from metricwatch.stats.divergence import js, kl, psi, smoothed_shares

    ev = run_worker(EV_PY, "evidently-values", ref, cur)
    worst = {"psi": (0.0, ""), "js": (0.0, ""), "kl": (0.0, "")}
    clean = 0.0  # largest difference over columns without an empty bin (no smoothing at all)
    for col, v in ev.items():
        p, q = smoothed_shares(np.array(v["ref"]), np.array(v["cur"]))
        ours = {
            "psi": psi(p, q),
            # Evidently's JS uses the natural log (scipy's default base): convert to base 2
            "js": js(p, q) * math.sqrt(math.log(2)),
            # Evidently's kl_div is KL(reference ‖ current): swap the sides
            "kl": kl(q, p),
        }
        no_empty = min(v["ref"]) > 0 and min(v["cur"]) > 0
        for k in worst:
            d = abs(ours[k] - v[k])
            if d > worst[k][0]:
                worst[k] = (d, col)
            if no_empty:
                clean = max(clean, d)
    out = {k: {"max_abs_diff": d, "column": col} for k, (d, col) in worst.items()}
    return {"diffs": out, "no_empty_bins_max_diff": clean}


def machine() -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    total = mem.splitlines()[1].split()[1] if mem else "?"
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs (`nproc`), {cpu}, {total} RAM (`free -h`), "
        f"Python {platform.python_version()}, load average at start {load[0]:.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--big-rows", type=int, default=10_000_000)
    ap.add_argument("--skip-evidently", action="store_true")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument(
        "--large-stats",
        nargs="*",
        default=list(STATS),
        help="Evidently statistics to run at sizes above 100k rows (default: all three)",
    )
    args = ap.parse_args()
    started = dt.datetime.now(dt.UTC)
    lines = [SECTION, "", f"Run {started:%Y-%m-%d %H:%M} UTC on {machine()}.", ""]
    lines.append(f"Command: `.venv/bin/python benchmarks/bench_drift.py {' '.join(sys.argv[1:])}`")
    lines.append("")
    if not args.skip_evidently:
        ensure_evidently()
    rows = []
    for n in args.sizes:
        ref, cur = data_files(n)
        for stat in STATS:
            mw = run_worker(Path(sys.executable), "metricwatch", ref, cur)
            print(
                f"{n:>9} metricwatch      {mw['seconds']:.2f} s  peak {mw['peak_rss_mb']:.0f} MB",
                flush=True,
            )
            rows.append((n, "metricwatch (all statistics + tests)", mw))
            if args.skip_evidently or (n > 100_000 and stat not in args.large_stats):
                continue
            ev = run_worker(EV_PY, "evidently", ref, cur, stat)
            print(
                f"{n:>9} evidently {stat:<13} {ev['seconds']:.2f} s  peak {ev['peak_rss_mb']:.0f} MB",
                flush=True,
            )
            rows.append((n, f"Evidently DataDriftPreset(method={stat!r})", ev))
    lines += [
        "| rows | tool | time (s) | peak RSS during call (MB) | RSS before call (MB) | two frames (MB) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for n, tool, r in rows:
        lines.append(
            f"| {n:,} | {tool} | {r['seconds']:.2f} | {r['peak_rss_mb']:.0f} | "
            f"{r['base_rss_mb']:.0f} | {r['frames_mb']:.0f} |"
        )
    lines.append("")
    for n in args.sizes:
        mw = [r["seconds"] for m, t, r in rows if m == n and t.startswith("metricwatch")]
        ev = [r["seconds"] for m, t, r in rows if m == n and t.startswith("Evidently")]
        mw_rows = [r for m, t, r in rows if m == n and t.startswith("metricwatch")]
        peak_ratio = max(r["peak_rss_mb"] / r["frames_mb"] for r in mw_rows)
        extra = max(r["peak_rss_mb"] - r["base_rss_mb"] for r in mw_rows)
        text = (
            f"- {n:,} rows: metricwatch median {sorted(mw)[len(mw) // 2]:.2f} s; its peak RSS is "
            f"{peak_ratio:.2f}× the two frames (whole process, libraries included; "
            f"+{extra:.0f} MB above the loaded frames)"
        )
        if ev:
            text += (
                f"; fastest Evidently run {min(ev):.2f} s → metricwatch is "
                f"{min(ev) / max(mw):.1f}× faster than Evidently's fastest single statistic "
                f"(slowest metricwatch run vs fastest Evidently run; goal ≥ 30× at 1M rows)"
            )
        lines.append(text + ".")
        drifted = mw_rows[0]["drifted"]
        lines.append(f"  metricwatch flags {drifted} ({mw_rows[0]['pct']:.0f} % dataset drift).")
    if not args.skip_evidently:
        ref, cur = data_files(min(args.sizes))
        cmp = compare_values(ref, cur)
        diffs = cmp["diffs"]
        lines += [
            "",
            f"Values on Evidently's own bins ({min(args.sizes):,} rows; Sturges bins on the "
            "combined data for numeric, categories for categorical), metricwatch's functions "
            "vs Evidently's: largest absolute differences "
            + ", ".join(
                f"{k.upper()} {v['max_abs_diff']:.2e} ({v['column']})" for k, v in diffs.items()
            )
            + f"; on columns where no bin is empty the largest difference of any statistic is "
            f"{cmp['no_empty_bins_max_diff']:.1e}. The difference comes from the smoothing of empty bins: Evidently sets an empty "
            "share to 1e-4 (or min/1e6) without renormalizing, metricwatch drops bins empty on "
            "both sides and renormalizes after adding ε = 1e-4; JS compared in Evidently's "
            "natural-log scale, KL with Evidently's argument order KL(reference ‖ current).",
        ]
    if not args.skip_big:
        t0 = time.perf_counter()
        bref, bcur = big_files(args.big_rows)
        gen = time.perf_counter() - t0
        big = run_worker(Path(sys.executable), "metricwatch-batched", bref, bcur)
        print(
            f"big {args.big_rows} batched {big['seconds']:.1f} s peak {big['peak_rss_mb']:.0f} MB",
            flush=True,
        )
        size_gb = (bref.stat().st_size + bcur.stat().st_size) / 2**30
        lines += [
            "",
            f"Big data: {args.big_rows:,}-row Parquet pair ({size_gb:.1f} GB on disk; generated "
            f"in {gen:.0f} s, not timed) read in 250k-row batches: {big['seconds']:.1f} s, peak "
            f"RSS {big['peak_rss_mb']:.0f} MB (goal < 1.5 GB); mode {big['mode']}, flags "
            f"{big['drifted']} ({big['pct']:.0f} %).",
        ]
    lines.append("")
    write_section("\n".join(lines))
    print("\n".join(lines))


def write_section(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    if SECTION in old:
        start = old.index(SECTION)
        nxt = old.find("\n## ", start + len(SECTION))
        old = old[:start] + (old[nxt + 1 :] if nxt != -1 else "")
    RESULTS.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _, _, kind, ref_path, cur_path, stat_name = sys.argv
        print(json.dumps(worker(kind, ref_path, cur_path, stat_name)))
    else:
        main()
