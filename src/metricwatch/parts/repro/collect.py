"""End-to-end reproducibility: `dvc repro --force` in a clean clone at REV, hash by hash.

The seed's procedure (`git clean -fdx; dvc pull; dvc repro; dvc status`) destroys unversioned
files and, after `dvc pull`, re-runs nothing. Here the repository is cloned at REV into a
temporary folder, only the pipeline's source data is fetched, every stage re-runs, and each
output's hash is compared with the dvc.lock committed at REV. The user's work tree, git refs,
DVC cache, remote and tracking store are only read.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from metricwatch.config import Config
from metricwatch.errors import CheckError
from metricwatch.git import run_git
from metricwatch.i18n.words import Said, said
from metricwatch.parts.repro import cache as repro_cache
from metricwatch.parts.repro.clone import (
    USER_CACHE_REMOTE,
    Target,
    clone_at,
    configure_clone,
    resolve_target,
    user_cache_dir,
    user_dvc_config,
)
from metricwatch.parts.repro.log import append_log, write_transcript
from metricwatch.parts.repro.model import ReproReport
from metricwatch.parts.repro.run import Outcome, RunContext, reproduce
from metricwatch.parts.repro.session import Session, clone_env
from metricwatch.parts.repro.term import now_utc

Progress = Callable[[str], None]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def check_repro(
    cfg: Config,
    rev: str | None = None,
    *,
    force: bool = False,
    second_run: bool | None = None,
    progress: Progress | None = None,
) -> ReproReport:
    """Reproduce the pipeline at rev (default: repro.rev, else the newest matching tag with a
    dvc.yaml, else HEAD) in a clean clone.

    A cached verdict for the same commit and config is returned (report.cached) unless force.
    Raises CheckError for inputs that allow no check at all (not a git repo, unknown rev, no
    dvc.yaml or dvc.lock at rev); every other outcome is a verdict.
    """
    say = progress or (lambda _msg: None)
    target = resolve_target(cfg, rev or cfg.repro.rev)
    chosen = [said("repro.note.reproducing", [target.why])] if target.why else []
    for note in chosen:
        say(note.text("en"))
    want_second = cfg.repro.second_run if second_run is None else second_run
    key = repro_cache.cache_key(cfg, want_second)
    if not force:
        hit = repro_cache.load(cfg, target.commit, key)
        if hit is not None:
            say(f"using the cached verdict for {target.rev} ({target.commit[:12]})")
            kept = [n for n in hit.remarks if n.head.key != "repro.note.reproducing"]
            return hit.model_copy(update={"remarks": [*chosen, *kept]})
    started, t0 = now_utc(), time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="metricwatch-repro-"))
    try:
        outcome, session, notes = _in_clone(cfg, target, tmp, want_second, say)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = ReproReport(
        rev=target.rev,
        commit=target.commit,
        verdict=outcome.verdict,
        verdict_why=outcome.verdict_why,
        why=outcome.why,
        outputs=outcome.outputs,
        volatile_diffs=outcome.volatile_diffs,
        second_run=outcome.second_run,
        transcript=session.transcript,
        environment=outcome.environment,
        checked_at=started,
        duration_s=round(time.monotonic() - t0, 3),
        cache_mode=cfg.repro.cache,
        remarks=[*chosen, *notes, *outcome.notes],
    )
    transcript_path = write_transcript(cfg, target.commit, report.transcript)
    report = report.model_copy(
        update={"log_path": str(append_log(cfg, report)), "transcript_path": str(transcript_path)}
    )
    repro_cache.store(cfg, report, key)
    return report


def _in_clone(
    cfg: Config, target: Target, tmp: Path, want_second: bool, say: Progress
) -> tuple[Outcome, Session, list[Said]]:
    notes: list[Said] = []
    clone = tmp / "repo"
    project = clone / target.subdir if target.subdir else clone
    session = Session(cwd=project, env=clone_env(tmp))
    say(f"cloning {target.toplevel} at {target.rev} ({target.commit[:12]})")
    started = now_utc()
    for step in clone_at(target, clone):
        session.record(
            ["git", *step.args[1:]] if step.args[0] == "git" else list(step.args),
            step,
            tmp,
            started,
        )
    where = f"{target.subdir + '/' if target.subdir else ''}"
    yaml_text = _read(project / "dvc.yaml")
    if yaml_text is None:
        raise CheckError(
            f"no {where}dvc.yaml at {target.rev} ({target.commit[:12]}) in {target.toplevel}: "
            "there is no DVC pipeline to reproduce; define stages with `dvc stage add` and commit dvc.yaml."
        )
    lock_text = _read(project / "dvc.lock")
    if lock_text is None:
        raise CheckError(
            f"no {where}dvc.lock committed at {target.rev} ({target.commit[:12]}): nothing to compare "
            "the fresh outputs with; run `dvc repro`, commit dvc.lock, then check again."
        )
    user = user_dvc_config(cfg.project_path)
    user_cache = user_cache_dir(cfg.project_path, user) if cfg.repro.cache == "user" else None
    remote = configure_clone(
        project,
        user,
        remote=cfg.dvc.remote,
        cache_dir=tmp / "dvc-cache",
        site_cache_dir=tmp / "dvc-site-cache",
        user_cache=user_cache,
    )
    if remote is None:
        notes.append(said("repro.note.no_remote_cache" if user_cache else "repro.note.no_remote"))
    ctx = RunContext(
        cfg=cfg,
        project=project,
        session=session,
        yaml_text=yaml_text,
        lock_text=lock_text,
        remote=remote,
        user_cache=user_cache,
        user_cache_remote=USER_CACHE_REMOTE if user_cache else None,
        clone_cache=tmp / "dvc-cache",
        second_run=want_second,
        say=say,
    )
    dirty = _dirty(cfg)
    if dirty:
        notes.append(said("repro.note.dirty", n=dirty, rev=target.rev))
    return reproduce(ctx), session, notes


def _dirty(cfg: Config) -> int:
    """How many paths of the work tree are uncommitted or untracked."""
    res = run_git(cfg.project_path, "status", "--porcelain", "--untracked-files=normal")
    return len([ln for ln in res.stdout.splitlines() if ln.strip()]) if res.ok else 0
