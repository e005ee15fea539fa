"""Version integrity: every release tag ↔ its MLflow run ↔ its data on the DVC remote.

`check_integrity(cfg, runs=None)` reads the tags matching `tags.pattern`, each tag's DVC files
(from git objects), asks the DVC remote once for every object of every tag, matches MLflow
runs by `<mlflow.version_tag>=<tag>`, and returns one checklist per tag plus the orphan runs
(version tags naming no git tag) and the GTO stages (stages.py). The registry and dataset items
(lineage.py) join the checklist when configured / when the runs logged datasets. A part that
cannot be read turns its items into "unknown" with the reason; it never aborts the other tags.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words, joined
from metricwatch.parts.integrity import dvc_items as dvcx
from metricwatch.parts.integrity import mlflow_items as mlx
from metricwatch.parts.integrity.lineage import Lineage, lineage_items, read_lineage
from metricwatch.parts.integrity.lineage import runs_unavailable as lineage_unavailable
from metricwatch.parts.integrity.model import (
    CheckItem,
    IntegrityReport,
    OrphanRun,
    TagIntegrity,
    overall,
)
from metricwatch.parts.integrity.stages import read_stages
from metricwatch.redact import scrub
from metricwatch.sources import git_dvc
from metricwatch.sources.dvc_remote import RemoteStatus, query_remote
from metricwatch.sources.store_presence import MissingStore, missing_store
from metricwatch.sources.views import MlflowSource

__all__ = ["check_integrity"]
MLFLOW_ITEMS = ("mlflow_run", "git_commit", "same_inputs", "metrics_artifacts")


def _load_runs(cfg: Config) -> tuple[Any | None, str | None]:
    from metricwatch.sources.mlflow_runs import load_runs

    source = MlflowSource.of(cfg)
    missing = missing_store(source)
    if missing is not None:  # nothing to ask MLflow: say why, with the fix
        return None, scrub(missing.message)
    try:
        return load_runs(source), None
    except MetricwatchError as exc:
        return None, scrub(str(exc))


def _runs_unavailable(reason: str | None, missing: MissingStore | None) -> list[CheckItem]:
    """The four MLflow items of a tag when no run could be read: unknown, each saying why and,
    when the store is not there, what to do."""
    if missing is not None:
        why = [
            msg("integrity.reason.store_missing_open"),
            missing.reason,
            msg("integrity.reason.store_missing_fix"),
            missing.fix,
        ]
        return [CheckItem(name=n, status="unknown", why=why) for n in MLFLOW_ITEMS]
    first = CheckItem(
        name="mlflow_run",
        status="unknown",
        why=[msg("integrity.reason.runs_unavailable_why", reason=str(reason))],
    )
    return [first, *_not_checked(msg("integrity.reason.runs_unavailable"))]


def _logged_model_runs(cfg: Config, runs: list[Any]) -> set[str]:
    """Run ids that own an MLflow 3 logged model (models are not always run artifacts)."""
    if not runs:
        return set()
    from metricwatch.sources.mlflow_access import make_client, mlflow_env

    owners: set[str] = set()
    try:
        source = MlflowSource.of(cfg)
        client = make_client(source)
        with mlflow_env(source):
            token = None
            while True:
                page = client.search_logged_models(
                    experiment_ids=sorted({r.experiment_id for r in runs}),
                    max_results=100,
                    page_token=token,
                )
                owners |= {m.source_run_id for m in page if m.source_run_id}
                token = page.token
                if not token:
                    break
    except Exception:  # an old server without logged models: the artifacts decide
        return set()
    return owners


def _artifacts(cfg: Config, run_id: str) -> tuple[list[str] | None, str | None]:
    from metricwatch.sources.mlflow_runs import list_run_artifacts

    try:
        return list_run_artifacts(MlflowSource.of(cfg), run_id), None
    except MetricwatchError as exc:
        return None, scrub(str(exc))


def _not_checked(why: Msg) -> list[CheckItem]:
    return [CheckItem(name=n, status="unknown", why=[why]) for n in MLFLOW_ITEMS[1:]]


def _tag_items(
    cfg: Config,
    tag: git_dvc.GitTag,
    rel: dvcx.ReleaseFiles,
    remote: RemoteStatus | None,
    runs: list[Any] | None,
    runs_reason: str | None,
    store_gone: MissingStore | None,
    model_owners: set[str],
    present: set[tuple[str, bool]] | None,
    lineage: Lineage,
) -> TagIntegrity:
    kind = "annotated" if tag.annotated else "lightweight"
    when = tag.date.isoformat() if tag.date else None
    key = f"integrity.reason.{kind}_tag" + ("" if when else "_undated")
    items = [
        CheckItem(name="git_tag", status="ok", why=[msg(key, commit=tag.commit[:12], when=when)])
    ]
    items.append(dvcx.dvc_files_item(rel, tag.name))
    push, missing = dvcx.push_item(rel, remote, present)
    items.append(push)
    run = None
    duplicates: list[str] = []
    if runs is None:
        items += _runs_unavailable(runs_reason, store_gone)
        items += lineage_unavailable(cfg, items[-1].why)
    else:
        items.append(mlx.run_item(tag.name, runs, cfg.mlflow.version_tag))
        if not runs:
            items += _not_checked(msg("integrity.reason.no_run_to_check"))
        else:
            run = mlx.pick_run(runs)
            duplicates = [r.run_id for r in runs] if len(runs) > 1 else []
            items.append(mlx.commit_item(run, tag.commit))
            items.append(mlx.inputs_item(run, rel))
            artifacts, art_error = _artifacts(cfg, run.run_id)
            items.append(
                mlx.metrics_artifacts_item(
                    run,
                    cfg.integrity.required_metrics,
                    cfg.integrity.required_artifacts,
                    cfg.mlflow.metrics,
                    artifacts,
                    run.run_id in model_owners,
                    art_error,
                )
            )
        items += lineage_items(lineage, run.run_id if run else None, rel, tag.name)
    status, why, unknown = overall(items)
    return TagIntegrity(
        tag=tag.name,
        commit=tag.commit,
        date=tag.date,
        annotated=tag.annotated,
        status=status,
        why=why,
        items=items,
        run_id=run.run_id if run else None,
        run_name=run.run_name if run else None,
        experiment=run.experiment_name if run else None,
        duplicate_run_ids=duplicates,
        missing_outputs=missing,
        unknown_count=unknown,
    )


def _no_match_note(pattern: str, regex: bool, total: int) -> Words:
    note: Words = [msg("integrity.note.no_match", pattern=repr(pattern), n=total)]
    if not regex and any(c.isspace() for c in pattern):
        note = joined([note, [msg("integrity.note.pattern_spaces")]])
    return note


def check_integrity(
    cfg: Config,
    runs: Any | None = None,
    *,
    pattern: str | None = None,
    regex: bool | None = None,
    runs_error: str | None = None,
) -> IntegrityReport:
    """The integrity report for every tag matching pattern (default: cfg.tags).

    `runs_error`: the runs already failed to load (why); they are not asked for a second time.
    """
    start = time.monotonic()
    repo = Path(cfg.project_path)
    pattern = cfg.tags.pattern if pattern is None else pattern
    regex = cfg.tags.regex if regex is None else regex
    listing = git_dvc.list_tags(repo, "*")
    match = git_dvc.tag_matcher(pattern, regex)
    tags = [t for t in listing.tags if match(t.name)]
    all_names = {t.name for t in listing.tags}
    notes: list[Words] = [[m] for m in listing.remarks]
    tags_unavailable = listing.shallow and not tags
    if tags_unavailable:
        fix = git_dvc.UNSHALLOW_FIX
        notes = [[msg("integrity.note.shallow", pattern=repr(pattern), fix=fix, repo=str(repo))]]
    elif not tags:
        notes.append(_no_match_note(pattern, regex, listing.total_tags))
    releases = dvcx.read_release_files(repo, {t.name: t.commit for t in tags})
    refs = [r for rel in releases.values() for r in dvcx.object_refs(rel.pushable)]
    remote: RemoteStatus | None = None
    if refs:
        remote = query_remote(repo, refs, remote=cfg.dvc.remote, timeout_s=cfg.dvc.timeout_s)
    if not (repo / ".dvc").is_dir():
        notes.append([msg("integrity.note.no_dvc", repo=str(repo))])
    present = dvcx.present_keys(remote) if remote and remote.available else None
    runs_reason = runs_error
    if runs is None and runs_error is None:
        runs, runs_reason = _load_runs(cfg)
    store_gone = missing_store(MlflowSource.of(cfg)) if runs is None else None
    if store_gone is not None:
        notes.append([msg("integrity.note.mlflow_not_checked_head"), *store_gone.said])
    if (
        runs is not None
        and runs.runs
        and not any(cfg.mlflow.version_tag in r.tags for r in runs.runs)
    ):
        tag = cfg.mlflow.version_tag
        notes.append([msg("integrity.note.no_version_tag", quoted=repr(tag), tag=tag)])
    by_version: dict[str, list[Any]] = defaultdict(list)
    for run in runs.runs if runs is not None else []:
        version = run.tags.get(cfg.mlflow.version_tag)
        if version:
            by_version[version].append(run)
    matched = [mlx.pick_run(by_version[t.name]) for t in tags if by_version.get(t.name)]
    owners = _logged_model_runs(cfg, matched) if runs is not None else set()
    lineage = read_lineage(cfg, [r.run_id for r in matched]) if runs is not None else Lineage()
    notes += lineage.notes
    results = [
        _tag_items(
            cfg,
            tag,
            releases[tag.name],
            remote,
            None if runs is None else by_version.get(tag.name, []),
            runs_reason,
            store_gone,
            owners,
            present,
            lineage,
        )
        for tag in tags
    ]
    stages, stage_notes = read_stages(repo, {t.tag: t.verdict for t in results})
    notes += stage_notes
    orphans = [
        OrphanRun(run_id=r.run_id, run_name=r.run_name, experiment=r.experiment_name, version=v)
        for v, group in sorted(by_version.items())
        if v not in all_names
        for r in group
    ]
    if listing.shallow and orphans:  # their tags may just not be fetched: not orphans
        versions = ", ".join(sorted({o.version for o in orphans}))
        notes.append([msg("integrity.note.shallow_orphans", n=len(orphans), versions=versions)])
        orphans = []
    return IntegrityReport(
        repo=str(repo),
        pattern=pattern,
        regex=regex,
        version_tag=cfg.mlflow.version_tag,
        remote=remote.remote if remote else cfg.dvc.remote,
        remote_url=remote.url if remote else None,
        remote_available=remote.available if remote else None,
        remote_reason=remote.reason if remote else None,
        runs_available=runs is not None,
        runs_reason=runs_reason,
        tags_unavailable=tags_unavailable,
        tags=results,
        orphans=orphans,
        stages=stages,
        remarks=notes,
        duration_s=round(time.monotonic() - start, 3),
    )
