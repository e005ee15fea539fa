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
from metricwatch.parts.repro.compare import compare_outputs, describe
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
    VERDICT_TEXT,
    EnvironmentInfo,
    OutputComparison,
    SecondRun,
    VolatileDiff,
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
    verdict_text: str
    message: str
    outputs: list[OutputComparison] = field(default_factory=list)
    volatile_diffs: list[VolatileDiff] = field(default_factory=list)
    second_run: SecondRun | None = None
    environment: EnvironmentInfo | None = None
    notes: list[str] = field(default_factory=list)


def _dvc_files(project: Path) -> list[str]:
    """The committed `.dvc` files of the project (the pipeline's tracked source data)."""
    res = run_git(project, "ls-files", "-z", "--", "*.dvc")
    return [p for p in res.stdout.split("\0") if p and not p.startswith(".dvc/")]


def _fetch_sources(ctx: RunContext) -> list[str]:
    """Fetch and check out the `.dvc`-tracked data; returns notes."""
    targets = _dvc_files(ctx.project)
    if not targets:
        return []
    timeout = ctx.cfg.repro.timeout_s
    notes = []
    if ctx.user_cache_remote:
        ctx.say("fetching source data from your DVC cache (read only)")
        ctx.session.dvc("fetch", "-r", ctx.user_cache_remote, *targets, timeout_s=timeout)
    ctx.say(f"pulling {len(targets)} source data file(s) from the DVC remote")
    res = ctx.session.dvc("pull" if ctx.remote else "checkout", *targets, timeout_s=timeout)
    if not res.ok:
        notes.append(
            f"`dvc {'pull' if ctx.remote else 'checkout'}` of the source data failed: "
            f"{error_line(res)}"
        )
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


def _why_missing(ctx: RunContext, path: str) -> str:
    owner = _tracked_by(ctx.project, path)
    if owner:
        return f"{path}: tracked by {owner}, but its data is not on the remote (`dvc push`)"
    return f"{path}: neither committed to git nor tracked by DVC at this revision (`dvc add` it)"


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
        where = f" in stage {stage}" if stage else ""
        return (
            Outcome(
                "timed_out",
                VERDICT_TEXT["timed_out"],
                f"timed out after {budget_s:g} s{where} (repro.timeout_s); the whole process "
                "group was killed",
            ),
            [],
            {},
        )
    if not res.ok:
        stage, code = failed_stage(res)
        if stage is None or code is None:  # DVC refused to run it (not a stage's exit code)
            line = error_line(res)
            return Outcome("error", f"error: {line}", f"error: dvc repro --force: {line}"), [], {}
        text = f"failed: stage {stage} exited {code}"
        deps = locked_deps(ctx.lock_text, ctx.yaml_text).get(stage, [])
        und = undeclared_inputs(stage, f"{res.stdout}\n{res.stderr}", deps, ctx.project)
        out = Outcome("failed", text, text)
        out.environment = environment(ctx.project, undeclared=und)
        if und:
            out.notes.append(
                "stage "
                + stage
                + " reads inputs it does not declare as deps: "
                + ", ".join(u.path for u in und)
            )
        return out, [], {}
    try:
        fresh_lock = (ctx.project / "dvc.lock").read_text(encoding="utf-8")
    except OSError as exc:
        return Outcome("error", "error: no dvc.lock after dvc repro", f"error: {exc}"), [], {}
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
        return SecondRun(finding="failed", text=f"the second run did not complete: {stop.message}")
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
        return SecondRun(
            finding="non-deterministic",
            outputs=rows,
            text=f"non-deterministic: two fresh runs differ from each other in "
            f"stage(s) {stages}: {describe(unstable)}",
        )
    stale = ", ".join(dict.fromkeys(r.stage for r in vs_lock if not r.match))
    return SecondRun(
        finding="stale lock",
        outputs=rows,
        text=f"stale lock: two fresh runs agree with each other but not with the "
        f"committed dvc.lock (stage(s) {stale}); run `dvc repro` and commit dvc.lock",
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
        text = f"not reproducible: input {missing[0]} not available from the remote"
        why = "; ".join(_why_missing(ctx, p) for p in missing)
        hint = "" if ctx.remote else "; no DVC remote is configured"
        out = Outcome("unavailable", text, f"{text} ({why}){hint}")
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
        notes.append(
            f"`dvc status` in the clone did not report a clean pipeline: {error_line(status)}"
        )
    differing = [r for r in rows if not r.match]
    if stale and not differing:
        notes.append(f"dvc.lock does not describe the pipeline: {'; '.join(stale)}")
    if not differing and ctx.second_run:
        notes.append("second run skipped: the first fresh run matched the committed dvc.lock")
    if not differing:
        vol = (
            f" (volatile keys differ as expected: {', '.join(v.path + ':' + v.key for v in volatile)})"
            if volatile
            else ""
        )
        return Outcome(
            "identical",
            VERDICT_TEXT["identical"],
            VERDICT_TEXT["identical"] + vol,
            rows,
            volatile,
            environment=environment(ctx.project),
            notes=notes,
        )
    message = f"{VERDICT_TEXT['differ']}: {describe(differing)}"
    if stale:
        message += (
            f"; the committed dvc.lock is stale ({'; '.join(stale)}): "
            "run `dvc repro` and commit dvc.lock"
        )
    second = None
    if ctx.second_run:
        second = _second(ctx, fresh, fresh_blobs, rows, ctx.cfg.repro.timeout_s)
        message += f"; second run: {second.text}"
    return Outcome(
        "differ",
        VERDICT_TEXT["differ"],
        message,
        rows,
        volatile,
        second,
        environment(ctx.project),
        notes,
    )
