"""The terminal part of the evidence: `dvc repro` and `dvc status` from the reproducibility
transcript, plus `git tag -n` and `dvc metrics show` run read-only in the project.

A file is named for what it shows: `dvc_repro_ok.png` only for an identical reproduction,
`dvc_status_clean.png` only when `dvc status` reported nothing to do; otherwise
`dvc_repro_<verdict>.png`, `dvc_status_changed.png`, `dvc_status_failed.png`.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.git import run_git
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words, plain
from metricwatch.parts.evidence.images import ImageCheckError
from metricwatch.parts.evidence.model import Caption
from metricwatch.parts.evidence.session import Session
from metricwatch.parts.evidence.terminal import render_terminal
from metricwatch.procs import run
from metricwatch.redact import scrub
from metricwatch.transcript import TranscriptEntry

REPRO_NAMES = ("ok", "differ", "failed", "timed_out", "unavailable", "error")
STATUS_NAMES = ("clean", "changed", "failed")
CLEAN_MARKERS = ("up to date", "up-to-date", "no changes")


def repro_name(verdict: str) -> str:
    return f"dvc_repro_{'ok' if verdict == 'identical' else verdict}.png"


def status_name(entry: TranscriptEntry) -> str:
    if entry.timed_out or entry.exit_code != 0:
        return "dvc_status_failed.png"
    out = (entry.stdout + entry.stderr).lower()
    clean = not out.strip() or any(m in out for m in CLEAN_MARKERS)
    return "dvc_status_clean.png" if clean else "dvc_status_changed.png"


def _clear_family(s: Session, prefix: str, names: tuple[str, ...], keep: str) -> None:
    for n in names:
        if f"{prefix}{n}.png" != keep:
            (s.images_dir / f"{prefix}{n}.png").unlink(missing_ok=True)


def _render(s: Session, name: str, entry: TranscriptEntry, shows: Caption) -> None:
    source = scrub(entry.display_command)
    if s.browser is None:
        s.miss(name, "terminal", "skipped", shows, [msg("evidence.why.no_browser")], source)
        return
    s.say(f"rendering {name}")
    out = s.tmp / name
    t0 = time.monotonic()
    try:
        text = render_terminal(s.browser, entry, out, title=f"{source} — {entry.cwd or ''}")
    except ImageCheckError as exc:
        s.miss(name, "terminal", "failed", shows, exc.why, source)
        return
    except ValueError as exc:  # the rendered text differs from the transcript
        s.miss(name, "terminal", "failed", shows, [plain(str(exc))], source)
        return
    lines = [ln for ln in text.splitlines() if ln.strip()]
    s.publish(
        name, "terminal", out, shows, source, verified=lines[:1] + lines[-1:],
        duration_s=round(time.monotonic() - t0, 2),
    )  # fmt: skip


LIVE: tuple[tuple[str, tuple[str, ...], Caption], ...] = (
    ("git_tag.png", ("git", "tag", "-n"), Caption(key="git_tags")),
    ("dvc_metrics_show.png", ("dvc", "metrics", "show"), Caption(key="dvc_metrics_show")),
)


@dataclass(frozen=True)
class LiveRun:
    """One read-only command run in the project for a terminal image (entry None: not run)."""

    name: str
    shown: tuple[str, ...]
    shows: Caption
    entry: TranscriptEntry | None
    note: Msg | None = None  # why it was not run


def run_live(cfg: Config) -> list[LiveRun]:
    """Run `git tag -n` and `dvc metrics show` in the project (argument lists, timeouts)."""
    env = {**os.environ, "DVC_NO_ANALYTICS": "1", "DVC_NO_UPDATER": "1"}
    out = []
    for name, shown, shows in LIVE:
        started = datetime.now(UTC)
        try:
            if shown[0] == "git":  # through the gateway: no optional locks, no prompts
                res = run_git(cfg.project_path, *shown[1:], timeout_s=cfg.dvc.timeout_s)
            else:
                argv = [_dvc(), *shown[1:]]
                res = run(argv, timeout_s=cfg.dvc.timeout_s, cwd=cfg.project_path, env=env)
        except MetricwatchError as exc:
            note = msg("evidence.note.not_run_error", command=" ".join(shown), error=str(exc))
            out.append(LiveRun(name, shown, shows, None, note))
            continue
        entry = TranscriptEntry(
            command=list(shown), cwd=str(cfg.project_path), started_at=started,
            duration_s=res.duration_s, exit_code=res.returncode, stdout=res.stdout,
            stderr=res.stderr, timed_out=res.timed_out,
        )  # fmt: skip
        out.append(LiveRun(name, shown, shows, entry))
    return out
    return out


def _dvc() -> str:
    beside = Path(sys.executable).parent / "dvc"
    return str(beside) if beside.is_file() else (shutil.which("dvc") or "dvc")


def _with_verdict(key: str, repro: Any) -> Words:
    """key's words, then the verdict in brackets: "… is empty (not reproduced: …)"."""
    return [msg(key), plain(" ("), repro.verdict_why, plain(")")]


def _repro_entry(s: Session, repro: Any, browser_error: Words) -> None:
    """`dvc repro`, or the command that stopped the check before it (e.g. a failed `dvc pull`)."""
    entry = repro.transcript.find("dvc", "repro")
    if entry is not None:
        name = repro_name(repro.verdict)
        shows = Caption(key="repro", params={"rev": repro.rev}, verdict=repro.verdict_why)
    elif repro.transcript.entries:
        entry = repro.transcript.entries[-1]
        stem = "_".join(re.sub(r"[^A-Za-z0-9]+", "", w) for w in entry.command[:2]) or "command"
        name = f"{stem}_{'ok' if repro.verdict == 'identical' else repro.verdict}.png"
        params = {"command": scrub(entry.display_command), "rev": repro.rev}
        shows = Caption(key="repro_stopped", params=params, verdict=repro.verdict_why)
    else:
        why = _with_verdict("evidence.why.transcript_empty", repro)
        s.miss("dvc_repro.png", "terminal", "skipped", Caption(key="repro_any"), why)
        return
    _clear_family(s, "dvc_repro_", REPRO_NAMES, name)
    if browser_error:
        s.miss(name, "terminal", "skipped", shows, browser_error, scrub(entry.display_command))
    else:
        _render(s, name, entry, shows)


def _status_entry(s: Session, repro: Any, browser_error: Words) -> None:
    status = repro.transcript.find("dvc", "status")
    if status is None:
        why = _with_verdict("evidence.why.no_status", repro)
        s.miss("dvc_status.png", "terminal", "skipped", Caption(key="status_any"), why)
        return
    name = status_name(status)
    _clear_family(s, "dvc_status_", STATUS_NAMES, name)
    shows = Caption(key="status", params={"rev": repro.rev})
    if browser_error:
        s.miss(name, "terminal", "skipped", shows, browser_error, scrub(status.display_command))
    else:
        _render(s, name, status, shows)


def terminal_items(
    s: Session, repro: Any, browser_error: Words, live_runs: list[LiveRun] | None = None
) -> None:
    if repro is None:
        why = [msg("evidence.why.repro_not_run")]
        s.miss("dvc_repro.png", "terminal", "skipped", Caption(key="repro_any"), why)
        s.miss("dvc_status.png", "terminal", "skipped", Caption(key="status_any"), why)
    else:
        _repro_entry(s, repro, browser_error)
        _status_entry(s, repro, browser_error)
    if browser_error:
        for name, shown, shows in LIVE:
            s.miss(name, "terminal", "skipped", shows, browser_error, " ".join(shown))
        return
    for live in run_live(s.cfg) if live_runs is None else live_runs:
        if live.entry is None:
            s.notes.append(
                [live.note or msg("evidence.note.not_run", command=" ".join(live.shown))]
            )
        else:
            _render(s, live.name, live.entry, live.shows)
