"""The MLflow half of a release checklist: the run, its commit, its inputs, metrics, artifacts.

Pure functions of a RunRecord, the tag's ReleaseFiles and the run's artifact list.
"""

from __future__ import annotations

import fnmatch
import json
import math
from collections.abc import Sequence
from typing import Any

from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words, joined, plain
from metricwatch.parts.integrity.dvc_items import ReleaseFiles
from metricwatch.parts.integrity.model import CheckItem
from metricwatch.parts.kpis.params_match import compare_params, same_value
from metricwatch.sources.dvc_lock import flatten
from metricwatch.vocab import TAG_COMMIT, TAG_DEPS, TAG_DIRTY, TAG_OUTS, ItemStatus

MAX_NAMED = 8


def pick_run(runs: Sequence[Any]) -> Any:
    """The run that represents a release: the newest FINISHED one, else the newest."""

    def key(r: Any) -> tuple[bool, float]:
        return (r.status == "FINISHED", r.start_time.timestamp() if r.start_time else 0.0)

    return max(runs, key=key)


def run_item(tag: str, runs: Sequence[Any], version_tag: str) -> CheckItem:
    if not runs:
        why = msg("integrity.reason.missing_run", version_tag=version_tag, tag=tag)
        return CheckItem(name="mlflow_run", status="fail", why=[why])
    chosen = pick_run(runs)
    if len(runs) > 1:
        ids = ", ".join(r.run_id for r in runs)
        why = msg(
            "integrity.reason.duplicate_runs",
            n=len(runs),
            version_tag=version_tag,
            tag=tag,
            ids=ids,
            chosen=chosen.run_id,
        )
        return CheckItem(name="mlflow_run", status="warn", why=[why])
    where = {"run_id": chosen.run_id, "experiment": chosen.experiment_name}
    if chosen.status == "FINISHED":
        return CheckItem(
            name="mlflow_run", status="ok", why=[msg("integrity.reason.run_found", **where)]
        )
    why = msg("integrity.reason.run_found_status", status=chosen.status, **where)
    return CheckItem(name="mlflow_run", status="warn", why=[why])


def commit_item(run: Any, tag_commit: str) -> CheckItem:
    recorded = run.tags.get(TAG_COMMIT)
    dirty = run.tags.get(TAG_DIRTY) == "true"
    if not recorded:
        why = msg("integrity.reason.no_commit_tag", tag=TAG_COMMIT)
        return CheckItem(name="git_commit", status="unknown", why=[why])
    if recorded != tag_commit:
        why = msg("integrity.reason.commit_differs", recorded=recorded, commit=tag_commit)
        return CheckItem(name="git_commit", status="warn", why=[why])
    if dirty:
        why = msg("integrity.reason.commit_matches_dirty", commit=tag_commit[:12])
        return CheckItem(name="git_commit", status="warn", why=[why])
    why = msg("integrity.reason.commit_matches", commit=tag_commit[:12])
    return CheckItem(name="git_commit", status="ok", why=[why])


def expected_params(rel: ReleaseFiles) -> tuple[dict[str, Any], str]:
    """Params recorded in dvc.lock (flattened), else params.yaml at the tag."""
    recorded: dict[str, Any] = {}
    if rel.lock:
        for values in rel.lock.params.values():
            recorded.update(flatten(values))
    if recorded:
        return recorded, "dvc.lock"
    return dict(rel.params_yaml or {}), "params.yaml"


def _lineage(run: Any) -> tuple[dict[str, str], Msg | None]:
    recorded: dict[str, str] = {}
    for tag in (TAG_OUTS, TAG_DEPS):
        raw = run.tags.get(tag)
        if raw is None:
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            return {}, msg("integrity.reason.tag_not_json", tag=tag, error=exc.msg)
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
    fails: list[Msg] = []
    warns: list[Msg] = []
    oks: list[Msg] = []
    expected, source = expected_params(rel)
    if expected:
        cmp = compare_params(expected, run.params)
        if cmp.differ:
            listed = ", ".join(
                f"{d.key}: run {d.run_value} ≠ {source} {d.expected}"
                for d in cmp.differ[:MAX_NAMED]
            )
            fails.append(msg("integrity.reason.params_differ", listed=listed))
        if cmp.equal:
            oks.append(msg("integrity.reason.params_equal", n=len(cmp.equal), source=source))
        if cmp.not_logged and not cmp.equal and not cmp.differ:
            warns.append(msg("integrity.reason.params_not_logged", n=len(expected), source=source))
        elif cmp.not_logged:
            names = ", ".join(cmp.not_logged[:MAX_NAMED])
            oks.append(msg("integrity.reason.some_not_logged", n=len(cmp.not_logged), names=names))
        if source == "dvc.lock" and rel.params_yaml:
            stale = [
                k
                for k, v in expected.items()
                if k in rel.params_yaml and not same_value(rel.params_yaml[k], v)
            ]
            if stale:
                names = ", ".join(stale[:MAX_NAMED])
                warns.append(msg("integrity.reason.params_yaml_stale", names=names))
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
            fails.append(msg("integrity.reason.hashes_differ", listed=listed))
        elif both:
            oks.append(msg("integrity.reason.hashes_equal", n=len(both)))
        else:
            warns.append(msg("integrity.reason.lineage_unmatched"))
    if fails:
        return _inputs("fail", fails)
    if not expected and not lineage:
        return _inputs("unknown", [msg("integrity.reason.nothing_to_compare")])
    if warns:
        return _inputs("warn", warns + oks)
    return _inputs("ok", oks)


def _inputs(status: ItemStatus, parts: list[Msg]) -> CheckItem:
    return CheckItem(name="same_inputs", status=status, why=joined([[m] for m in parts]))


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


def _named(kind: str, alternatives: list[str]) -> Words:
    """ "metric f1 or f1_score": a required metric or artifact and its alternatives."""
    names = joined([[plain(a)] for a in alternatives], "words.or")
    return [msg(f"integrity.reason.missing_{kind}"), *names]


def _missing(named: list[Words], *, tail: bool) -> CheckItem:
    """ "missing metric a, artifact b", and " (the run has no metrics)" when `tail`."""
    end = [msg("integrity.reason.run_has_no_metrics")] if tail else []
    why = [msg("integrity.reason.missing"), *joined(named, "words.comma"), *end]
    return CheckItem(name="metrics_artifacts", status="fail", why=why)


def metrics_artifacts_item(
    run: Any,
    required_metrics: list[str | list[str]],
    required_artifacts: list[str | list[str]],
    aliases: dict[str, list[str]],
    artifacts: list[str] | None,
    has_logged_model: bool,
    artifacts_error: str | None = None,
) -> CheckItem:
    missing: list[Words] = []
    for item in required_metrics:
        alts = _alternatives(item)
        if not any(_has_metric(run, m, aliases) for m in alts):
            missing.append(_named("metric", alts))
    if artifacts is None:
        if missing:
            return _missing(missing, tail=False)
        why = (
            msg("integrity.reason.artifacts_unknown", reason=artifacts_error)
            if artifacts_error
            else msg("integrity.reason.artifacts_not_listed")
        )
        return CheckItem(name="metrics_artifacts", status="unknown", why=[why])
    for item in required_artifacts:
        alts = _alternatives(item)
        if not any(_artifact_matches(p, artifacts, has_logged_model) for p in alts):
            missing.append(_named("artifact", alts))
    if missing:
        return _missing(missing, tail=not run.metrics)
    why = msg(
        "integrity.reason.metrics_artifacts_ok",
        metrics=len(required_metrics),
        artifacts=len(required_artifacts),
    )
    return CheckItem(name="metrics_artifacts", status="ok", why=[why])
