"""Inside the clone: fetch the source data, re-run every stage, compare, decide the verdict."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from metricwatch.config import Config
from metricwatch.git import run_git
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Said, said
from metricwatch.parts.repro.compare import compare_outputs
from metricwatch.parts.repro.dvc_pipeline import (
    LockedOut,
    locked_deps,
    locked_outputs,
    metrics_paths,
    source_deps,
    stale_entries,
)
from metricwatch.parts.repro.environment import environment, undeclared_inputs
from metricwatch.parts.repro.model import (
    VERDICT_KEYS,
    EnvironmentInfo,
    OutputComparison,
    SecondRun,
    VolatileDiff,
    in_stage,
)
from metricwatch.parts.repro.session import Session, error_line, failed_stage, last_stage
from metricwatch.vocab import Verdict


@dataclass
class RunContext:
    cfg: Config
    project: Path
    session: Session
    yaml_text: str
    lock_text: str
    remote: str | None
    user_cache: Path | None
    user_cache_remote: str | None
    clone_cache: Path
    second_run: bool
    say: Callable[[str], None]


@dataclass
class Outcome:
    verdict: Verdict
    verdict_why: Msg
    why: list[Said]
    outputs: list[OutputComparison] = field(default_factory=list)
    volatile_diffs: list[VolatileDiff] = field(default_factory=list)
    second_run: SecondRun | None = None
    environment: EnvironmentInfo | None = None
    notes: list[Said] = field(default_factory=list)


def _verdict(verdict: Verdict) -> Msg:
    return msg(VERDICT_KEYS[verdict])


def _dvc_files(project: Path) -> list[str]:
    """The committed `.dvc` files of the project (the pipeline's tracked source data)."""
    res = run_git(project, "ls-files", "-z", "--", "*.dvc")
    return [p for p in res.stdout.split("\0") if p and not p.startswith(".dvc/")]


def _fetch_sources(ctx: RunContext) -> list[Said]:
    """Fetch and check out the `.dvc`-tracked data; returns notes."""
    targets = _dvc_files(ctx.project)
    if not targets:
        return []
    timeout = ctx.cfg.repro.timeout_s
    notes: list[Said] = []
    if ctx.user_cache_remote:
        ctx.say("fetching source data from your DVC cache (read only)")
        ctx.session.dvc("fetch", "-r", ctx.user_cache_remote, *targets, timeout_s=timeout)
    ctx.say(f"pulling {len(targets)} source data file(s) from the DVC remote")
    res = ctx.session.dvc("pull" if ctx.remote else "checkout", *targets, timeout_s=timeout)
    if not res.ok:
        command = "pull" if ctx.remote else "checkout"
        notes.append(said("repro.note.fetch_failed", command=command, line=error_line(res)))
    return notes


def _missing_inputs(ctx: RunContext) -> list[str]:
    return [p for p in source_deps(ctx.lock_text, ctx.yaml_text) if not (ctx.project / p).exists()]


def _tracked_by(project: Path, path: str) -> str | None:
    """The `.dvc` file whose output holds path, if any."""
    for dvc_file in _dvc_files(project):
        try:
            data = yaml.safe_load((project / dvc_file).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        base = posixpath.dirname(dvc_file)
        for out in data.get("outs") or []:
            out_path = posixpath.normpath(posixpath.join(base, str(out.get("path", ""))))
            if path == out_path or path.startswith(out_path + "/"):
                return dvc_file
    return None


def _why_missing(ctx: RunContext, path: str) -> Msg:
    owner = _tracked_by(ctx.project, path)
    if owner:
        return msg("repro.msg.not_pushed", path=path, owner=owner)
    return msg("repro.msg.not_tracked", path=path)


def _blob_from_cache(caches: list[Path], md5: str | None) -> bytes | None:
    if not md5 or md5.endswith(".dir"):
        return None
    for cache in caches:
        path = cache / "files" / "md5" / md5[:2] / md5[2:]
        try:
            return path.read_bytes()
        except OSError:
            continue
    return None


def _metric_blobs(
    ctx: RunContext, outs: list[LockedOut], metrics: set[str], from_tree: bool
) -> dict[str, bytes | None]:
    caches = [ctx.clone_cache, *([ctx.user_cache] if ctx.user_cache else [])]
    blobs: dict[str, bytes | None] = {}
    for o in outs:
        if o.path not in metrics:
            continue
        blob = None
        if from_tree and (ctx.project / o.path).is_file():
            blob = (ctx.project / o.path).read_bytes()
        blobs[o.path] = blob if blob is not None else _blob_from_cache(caches, o.hash)
    return blobs


def _run_all(
    ctx: RunContext, budget_s: float
) -> tuple[Outcome | None, list[LockedOut], dict[str, bytes | None]]:
    """`dvc repro --force`; a verdict when it did not complete, else the fresh outputs."""
    ctx.say("running every stage: dvc repro --force")
    res = ctx.session.dvc("repro", "--force", timeout_s=budget_s)
    metrics = metrics_paths(ctx.yaml_text)
    if res.timed_out:
        stage = last_stage(res)
        budget = f"{budget_s:g}"
        why = (
            said("repro.msg.timed_out_in", budget=budget, stage=stage)
            if stage
            else said("repro.msg.timed_out", budget=budget)
        )
        return Outcome("timed_out", _verdict("timed_out"), [why]), [], {}
    if not res.ok:
        stage, code = failed_stage(res)
        if stage is None or code is None:  # DVC refused to run it (not a stage's exit code)
            line = error_line(res)
            why = said("repro.msg.dvc_refused", line=line)
            return Outcome("error", msg("repro.verdict.error", line=line), [why]), [], {}
        failed = said("repro.verdict.failed", stage=stage, code=code)
        deps = locked_deps(ctx.lock_text, ctx.yaml_text).get(stage, [])
        und = undeclared_inputs(stage, f"{res.stdout}\n{res.stderr}", deps, ctx.project)
        out = Outcome("failed", failed.head, [failed])
        out.environment = environment(ctx.project, undeclared=und)
        if und:
            paths = ", ".join(u.path for u in und)
            out.notes.append(said("repro.note.undeclared", stage=stage, paths=paths))
        return out, [], {}
    try:
        fresh_lock = (ctx.project / "dvc.lock").read_text(encoding="utf-8")
    except OSError as exc:
        why = said("repro.msg.error", error=str(exc))
        return Outcome("error", msg("repro.verdict.no_lock"), [why]), [], {}
    fresh = locked_outputs(fresh_lock, ctx.yaml_text, source="fresh dvc.lock")
    return None, fresh, _metric_blobs(ctx, fresh, metrics, from_tree=True)


def _second(
    ctx: RunContext,
    first: list[LockedOut],
    first_blobs: dict[str, bytes | None],
    vs_lock: list[OutputComparison],
    budget_s: float,
) -> SecondRun:
    ctx.say("second fresh run, to tell a non-deterministic stage from a stale dvc.lock")
    stop, second, blobs = _run_all(ctx, budget_s)
    if stop is not None:
        return SecondRun(
            finding="failed", why=said("repro.second.failed", [s.head for s in stop.why])
        )
    rows, _ = compare_outputs(
        first,
        second,
        metrics=metrics_paths(ctx.yaml_text),
        expected_blobs=first_blobs,
        actual_blobs=blobs,
        volatile_keys=ctx.cfg.repro.volatile_keys,
    )
    unstable = [r for r in rows if not r.match]
    if unstable:
        stages = ", ".join(dict.fromkeys(r.stage for r in unstable))
        why = said("repro.second.unstable", in_stage(unstable), sep=", ", stages=stages)
        return SecondRun(finding="non-deterministic", outputs=rows, why=why)
    stale = ", ".join(dict.fromkeys(r.stage for r in vs_lock if not r.match))
    return SecondRun(
        finding="stale lock", outputs=rows, why=said("repro.second.stale", stages=stale)
    )


def _md5(path: Path) -> str | None:
    """DVC 3's md5 of a file (None: not a regular file in the clone)."""
    if not path.is_file() or path.is_symlink():
        return None
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def reproduce(ctx: RunContext) -> Outcome:
    notes = _fetch_sources(ctx)
    missing = _missing_inputs(ctx)
    if missing:
        why = said(
            "repro.msg.unavailable", [_why_missing(ctx, p) for p in missing], path=missing[0]
        )
        hint = [] if ctx.remote else [said("repro.msg.no_remote")]
        out = Outcome(
            "unavailable", msg("repro.verdict.unavailable", path=missing[0]), [why, *hint]
        )
        out.notes = notes
        out.environment = environment(ctx.project)
        return out
    committed = locked_outputs(ctx.lock_text, ctx.yaml_text)
    metrics = metrics_paths(ctx.yaml_text)
    expected_blobs = _metric_blobs(ctx, committed, metrics, from_tree=True)
    stale = stale_entries(ctx.lock_text, ctx.yaml_text, lambda p: _md5(ctx.project / p))
    stop, fresh, fresh_blobs = _run_all(ctx, ctx.cfg.repro.timeout_s)
    if stop is not None:
        stop.notes = notes + stop.notes
        stop.environment = stop.environment or environment(ctx.project)
        return stop
    expected_blobs.update(
        {
            k: v
            for k, v in _metric_blobs(ctx, committed, metrics, from_tree=False).items()
            if expected_blobs.get(k) is None
        }
    )
    rows, volatile = compare_outputs(
        committed,
        fresh,
        metrics=metrics,
        expected_blobs=expected_blobs,
        actual_blobs=fresh_blobs,
        volatile_keys=ctx.cfg.repro.volatile_keys,
    )
    ctx.say("checking the clone: dvc status")
    status = ctx.session.dvc("status", timeout_s=ctx.cfg.dvc.timeout_s)
    if not status.ok or "up to date" not in status.stdout:
        notes.append(said("repro.note.status_unclean", line=error_line(status)))
    differing = [r for r in rows if not r.match]
    if stale and not differing:
        notes.append(said("repro.note.stale", stale))
    if not differing and ctx.second_run:
        notes.append(said("repro.note.second_skipped"))
    if not differing:
        keys = ", ".join(v.path + ":" + v.key for v in volatile)
        why = said("repro.msg.volatile", keys=keys) if volatile else said(VERDICT_KEYS["identical"])
        return Outcome(
            "identical",
            _verdict("identical"),
            [why],
            rows,
            volatile,
            environment=environment(ctx.project),
            notes=notes,
        )
    message = [said(VERDICT_KEYS["differ"])]
    if stale:
        message.append(said("repro.msg.stale_lock", stale))
    second = None
    if ctx.second_run:
        second = _second(ctx, fresh, fresh_blobs, rows, ctx.cfg.repro.timeout_s)
    return Outcome(
        "differ",
        _verdict("differ"),
        message,
        rows,
        volatile,
        second,
        environment(ctx.project),
        notes,
    )
