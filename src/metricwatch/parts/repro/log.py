"""The reproducibility log (one line per check, as the seed's but with the facts) and the
terminal transcript file next to it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from metricwatch.config import Config
from metricwatch.parts.repro.model import ReproReport
from metricwatch.redact import scrub
from metricwatch.transcript import Transcript


def log_path(cfg: Config) -> Path:
    p = Path(cfg.repro.log).expanduser()
    return p if p.is_absolute() else cfg.output_dir / p


def _local(ts: datetime, tz: str) -> datetime:
    try:
        return ts.astimezone(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return ts


def log_line(report: ReproReport, tz: str = "UTC") -> str:
    """`2026-11-26T05:00:00+00:00 - rev v1.0.1 (commit 1a2b3c4d5e6f) - reproduced: identical - …`"""
    ts = _local(report.checked_at, tz).isoformat(timespec="seconds")
    differing = ", ".join(f"{o.path} (stage {o.stage})" for o in report.differing) or "none"
    volatile = ", ".join(
        f"{v.path}:{v.key} {v.expected} -> {v.actual}" for v in report.volatile_diffs
    )
    parts = [
        ts,
        f"rev {report.rev} (commit {report.commit[:12]})",
        report.verdict_text,
        f"differing outputs: {differing}",
    ]
    if volatile:
        parts.append(f"volatile: {volatile}")
    if report.second_run is not None:
        parts.append(f"second run: {report.second_run.text}")
    parts.append(f"{report.duration_s:.1f} s")
    return scrub(" - ".join(parts).replace("\n", " "))


def append_log(cfg: Config, report: ReproReport) -> Path:
    path = log_path(cfg)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(log_line(report, cfg.report.timezone) + "\n")
    return path


def transcript_text(transcript: Transcript) -> str:
    """The session as it looked in a terminal (ANSI colours kept): `$ command`, then its output."""
    chunks = []
    for e in transcript.entries:
        status = "timed out" if e.timed_out else f"exit {e.exit_code}"
        chunks.append(f"$ {e.display_command}\n")
        for text in (e.stdout, e.stderr):
            if text.strip():
                chunks.append(text if text.endswith("\n") else text + "\n")
        chunks.append(f"# {status} in {e.duration_s:.1f} s (cwd {e.cwd})\n\n")
    return scrub("".join(chunks))


def write_transcript(cfg: Config, commit: str, transcript: Transcript) -> Path:
    path = log_path(cfg).parent / "repro" / f"{commit[:12]}-transcript.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(transcript_text(transcript), encoding="utf-8")
    return path
