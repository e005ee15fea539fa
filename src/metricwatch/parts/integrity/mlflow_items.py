"""The MLflow half of a release checklist: the run, its commit, its inputs, metrics, artifacts.

Pure functions of a RunRecord, the tag's ReleaseFiles and the run's artifact list.
"""

from __future__ import annotations

import fnmatch
import json
import math
from collections.abc import Sequence
from typing import Any

from metricwatch.parts.integrity.dvc_items import ReleaseFiles
from metricwatch.parts.integrity.model import CheckItem
from metricwatch.parts.kpis.params_match import compare_params, same_value
from metricwatch.sources.dvc_lock import flatten
from metricwatch.vocab import TAG_COMMIT, TAG_DEPS, TAG_DIRTY, TAG_OUTS

MAX_NAMED = 8


def pick_run(runs: Sequence[Any]) -> Any:
    """The run that represents a release: the newest FINISHED one, else the newest."""

    def key(r: Any) -> tuple[bool, float]:
        return (r.status == "FINISHED", r.start_time.timestamp() if r.start_time else 0.0)

    return max(runs, key=key)


def run_item(tag: str, runs: Sequence[Any], version_tag: str) -> CheckItem:
    if not runs:
        return CheckItem(
            name="mlflow_run", status="fail", reason=f"missing run ({version_tag}={tag})"
        )
    chosen = pick_run(runs)
    if len(runs) > 1:
        ids = ", ".join(r.run_id for r in runs)
        return CheckItem(
            name="mlflow_run",
            status="warn",
            reason=f"{len(runs)} runs tagged {version_tag}={tag} (duplicates: {ids}); using {chosen.run_id}",
        )
    status = "" if chosen.status == "FINISHED" else f" (status {chosen.status})"
    return CheckItem(
        name="mlflow_run",
        status="warn" if status else "ok",
        reason=f"run {chosen.run_id} in {chosen.experiment_name}{status}",
    )


def commit_item(run: Any, tag_commit: str) -> CheckItem:
    recorded = run.tags.get(TAG_COMMIT)
    dirty = run.tags.get(TAG_DIRTY) == "true"
    if not recorded:
        return CheckItem(name="git_commit", status="unknown", reason=f"run has no {TAG_COMMIT} tag")
    if recorded != tag_commit:
        return CheckItem(
            name="git_commit",
            status="warn",
            reason=f"run commit {recorded} ≠ tag commit {tag_commit}",
        )
    if dirty:
        return CheckItem(
            name="git_commit",
            status="warn",
            reason=f"commit {tag_commit[:12]} matches, but the run was trained from a dirty work tree",
        )
    return CheckItem(name="git_commit", status="ok", reason=f"commit {tag_commit[:12]} matches")


def expected_params(rel: ReleaseFiles) -> tuple[dict[str, Any], str]:
    """Params recorded in dvc.lock (flattened), else params.yaml at the tag."""
    recorded: dict[str, Any] = {}
    if rel.lock:
        for values in rel.lock.params.values():
            recorded.update(flatten(values))
    if recorded:
        return recorded, "dvc.lock"
    return dict(rel.params_yaml or {}), "params.yaml"


def _lineage(run: Any) -> tuple[dict[str, str], str | None]:
    recorded: dict[str, str] = {}
    for tag in (TAG_OUTS, TAG_DEPS):
        raw = run.tags.get(tag)
        if raw is None:
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            return {}, f"tag {tag} is not JSON ({exc.msg})"
        if isinstance(data, dict):
            recorded.update({str(k): str(v) for k, v in data.items()})
    return recorded, None


def _lock_hashes(rel: ReleaseFiles) -> dict[str, str]:
    hashes: dict[str, str] = {}
    entries = [*(rel.lock.deps if rel.lock else []), *(rel.lock.outs if rel.lock else [])]
    for entry in [*entries, *rel.dvc_file_outs]:
        if entry.md5:
            hashes[entry.path] = entry.md5
    return hashes


def inputs_item(run: Any, rel: ReleaseFiles) -> CheckItem:
    fails: list[str] = []
    warns: list[str] = []
    oks: list[str] = []
    expected, source = expected_params(rel)
    if expected:
        cmp = compare_params(expected, run.params)
        if cmp.differ:
            listed = ", ".join(
                f"{d.key}: run {d.run_value} ≠ {source} {d.expected}"
                for d in cmp.differ[:MAX_NAMED]
            )
            fails.append(f"params differ: {listed}")
        if cmp.equal:
            oks.append(f"{len(cmp.equal)} param(s) equal to {source}")
        if cmp.not_logged and not cmp.equal and not cmp.differ:
            warns.append(f"the run logs none of the {len(expected)} params in {source}")
        elif cmp.not_logged:
            oks.append(
                f"{len(cmp.not_logged)} not logged ({', '.join(cmp.not_logged[:MAX_NAMED])})"
            )
        if source == "dvc.lock" and rel.params_yaml:
            stale = [
                k
                for k, v in expected.items()
                if k in rel.params_yaml and not same_value(rel.params_yaml[k], v)
            ]
            if stale:
                warns.append(
                    f"params.yaml differs from dvc.lock at the tag: {', '.join(stale[:MAX_NAMED])}"
                )
    lineage, lineage_error = _lineage(run)
    if lineage_error:
        warns.append(lineage_error)
    if lineage:
        lock = _lock_hashes(rel)
        both = sorted(set(lineage) & set(lock))
        bad = [p for p in both if lineage[p] != lock[p]]
        if bad:
            listed = ", ".join(
                f"{p}: run {lineage[p]} ≠ dvc.lock {lock[p]}" for p in bad[:MAX_NAMED]
            )
            fails.append(f"data/model hashes differ: {listed}")
        elif both:
            oks.append(f"{len(both)} data/model hash(es) equal to dvc.lock")
        else:
            warns.append("lineage tags name no path recorded in dvc.lock")
    if fails:
        return CheckItem(name="same_inputs", status="fail", reason="; ".join(fails))
    if not expected and not lineage:
        return CheckItem(
            name="same_inputs",
            status="unknown",
            reason="nothing to compare: no params in dvc.lock/params.yaml and no lineage tags",
        )
    if warns:
        return CheckItem(name="same_inputs", status="warn", reason="; ".join(warns + oks))
    return CheckItem(name="same_inputs", status="ok", reason="; ".join(oks))


def _alternatives(item: str | list[str]) -> list[str]:
    return [item] if isinstance(item, str) else list(item)


def _metric_names(name: str, aliases: dict[str, list[str]]) -> list[str]:
    return list(dict.fromkeys([name, *aliases.get(name, [])]))


def _has_metric(run: Any, name: str, aliases: dict[str, list[str]]) -> bool:
    for key in _metric_names(name, aliases):
        value = run.metrics.get(key)
        if value is not None and math.isfinite(value):
            return True
    return False


def _artifact_matches(pattern: str, paths: list[str], has_model: bool) -> bool:
    if pattern == "model" and has_model:
        return True
    for path in paths:
        parts = path.split("/")
        candidates = [path, parts[-1], *("/".join(parts[: i + 1]) for i in range(len(parts) - 1))]
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            return True
        if pattern == "model" and parts[-1] == "MLmodel":
            return True
    return False


def metrics_artifacts_item(
    run: Any,
    required_metrics: list[str | list[str]],
    required_artifacts: list[str | list[str]],
    aliases: dict[str, list[str]],
    artifacts: list[str] | None,
    has_logged_model: bool,
    artifacts_error: str | None = None,
) -> CheckItem:
    missing: list[str] = []
    for item in required_metrics:
        alts = _alternatives(item)
        if not any(_has_metric(run, m, aliases) for m in alts):
            missing.append("metric " + " or ".join(alts))
    if artifacts is None:
        if missing:
            return CheckItem(
                name="metrics_artifacts", status="fail", reason=f"missing {', '.join(missing)}"
            )
        return CheckItem(
            name="metrics_artifacts",
            status="unknown",
            reason=f"metrics present; artifacts unknown: {artifacts_error or 'not listed'}",
        )
    for item in required_artifacts:
        alts = _alternatives(item)
        if not any(_artifact_matches(p, artifacts, has_logged_model) for p in alts):
            missing.append("artifact " + " or ".join(alts))
    if missing:
        extra = "" if run.metrics else " (the run has no metrics)"
        return CheckItem(
            name="metrics_artifacts", status="fail", reason=f"missing {', '.join(missing)}{extra}"
        )
    return CheckItem(
        name="metrics_artifacts",
        status="ok",
        reason=f"{len(required_metrics)} metric(s) and {len(required_artifacts)} artifact(s) present",
    )
