"""DVC commands in the throwaway clone, recorded as a transcript the way a user would type them.

The environment isolates the run: this interpreter first on PATH (stage commands `python …`
use it), every MLFLOW_* variable dropped and the tracking/registry URIs pointed at a SQLite
store inside the temporary folder, DVC analytics and update checks off, DVC's site cache in
the temporary folder.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from metricwatch.parts.repro.term import entry, now_utc, run_in_terminal
from metricwatch.procs import ProcResult
from metricwatch.redact import scrub
from metricwatch.transcript import Transcript, TranscriptEntry

_FAILED = re.compile(r"failed to reproduce '([^']+)': failed to run: .*?, exited with (-?\d+)")
_RUNNING = re.compile(r"Running stage '([^']+)'")
# What is left of DVC's progress bars once redraws are resolved: timing brackets, lone "!".
_PROGRESS = re.compile(r"\[\d\d:\d\d[<,]|^\s*!\s*$|^\s*(Fetching|Pushing|Collecting)\s*$")


def drop_progress(text: str) -> str:
    """DVC's stderr without progress-bar leftovers (ERROR/WARNING lines and colours kept)."""
    kept = [ln for ln in text.split("\n") if not _PROGRESS.search(_plain(ln))]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n") + ("\n" if kept else "")


def clone_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    store = f"sqlite:///{tmp / 'mlflow-throwaway.db'}"
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        MLFLOW_TRACKING_URI=store,
        MLFLOW_REGISTRY_URI=store,
        DVC_NO_ANALYTICS="1",
        DVC_NO_UPDATER="1",
        DVC_SITE_CACHE_DIR=str(tmp / "dvc-site-cache"),
        GIT_TERMINAL_PROMPT="0",
    )
    return env


@dataclass
class Session:
    cwd: Path
    env: dict[str, str]
    entries: list[TranscriptEntry] = field(default_factory=list)

    def dvc(self, *args: str, timeout_s: float) -> ProcResult:
        started = now_utc()
        result = run_in_terminal(
            [sys.executable, "-m", "dvc", *args], timeout_s=timeout_s, cwd=self.cwd, env=self.env
        )
        # secrets (remote credentials in URLs, known token variables) never reach the transcript
        result = replace(
            result, stdout=scrub(result.stdout), stderr=scrub(drop_progress(result.stderr))
        )
        self.entries.append(entry(["dvc", *args], result, str(self.cwd), started))
        return result

    def record(self, display: list[str], result: ProcResult, cwd: Path, started: datetime) -> None:
        result = replace(result, stdout=scrub(result.stdout), stderr=scrub(result.stderr))
        self.entries.append(entry([scrub(a) for a in display], result, str(cwd), started))

    @property
    def transcript(self) -> Transcript:
        return Transcript(entries=list(self.entries))


def failed_stage(result: ProcResult) -> tuple[str | None, int | None]:
    """(stage, exit code) of a failed `dvc repro`: from DVC's error line, else the last stage run."""
    text = f"{result.stdout}\n{result.stderr}"
    m = _FAILED.search(_plain(text))
    if m:
        return m.group(1), int(m.group(2))
    running = _RUNNING.findall(_plain(text))
    return (running[-1] if running else None), None


def last_stage(result: ProcResult) -> str | None:
    running = _RUNNING.findall(_plain(f"{result.stdout}\n{result.stderr}"))
    return running[-1] if running else None


def error_line(result: ProcResult) -> str:
    """DVC's last ERROR line; one that ends with ':' keeps the list it introduces (the targets)."""
    lines = [ln.strip() for ln in _plain(result.stderr or result.stdout).splitlines() if ln.strip()]
    errors = [i for i, ln in enumerate(lines) if ln.startswith("ERROR")]
    if not errors:
        return (lines or [f"exit code {result.returncode}"])[-1]
    at = errors[-1]
    line = lines[at]
    if line.endswith(":"):
        listed = []
        for nxt in lines[at + 1 : at + 6]:
            if nxt.startswith(("ERROR", "WARNING", "Is your", "<http")) or nxt.endswith("?"):
                break
            listed.append(nxt)
        line = f"{line} {', '.join(listed)}".rstrip()
    return line


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
