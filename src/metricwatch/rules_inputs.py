"""RuleInputs from the result model (MonitoringResult: kpis, integrity, repro, drift, errors).

Per version the newest run tagged with it; the candidate is the newest run that is not the
baseline. A part that could not be computed is None in the result, with its reason in
`errors[part]`; the rules then say "no data" with that reason.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from metricwatch.config import Config
from metricwatch.rules import MetricInput, RuleInputs, VersionInputs
from metricwatch.vocab import ItemStatus

_OLDEST = datetime.min.replace(tzinfo=UTC)


def tracking_ui_base(cfg: Config | None) -> str | None:
    """http(s) tracking server without credentials or query, for run links; else None."""
    if cfg is None:
        return None
    try:
        uri = cfg.tracking_uri()
    except Exception:  # an unset URI only means no links
        return None
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def run_url(base: str | None, run_id: str | None, experiment_id: str | None = None) -> str | None:
    if not base or not run_id:
        return None
    if experiment_id:
        return f"{base}/#/experiments/{quote(str(experiment_id))}/runs/{quote(run_id)}"
    return f"{base}/#/runs/{quote(run_id)}"


def _metric_input(mv: Any) -> MetricInput:
    value = getattr(mv, "value", None)
    state: Any = getattr(mv, "state", "ok" if value is not None else "missing")
    if value is not None and not math.isfinite(value):
        state = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        value = None
    return MetricInput(value=value, state=state)


def version_inputs(row: Any, base: str | None) -> VersionInputs:
    return VersionInputs(
        version=getattr(row, "version", None),
        run_id=getattr(row, "run_id", None),
        run_name=getattr(row, "run_name", None),
        start_time=getattr(row, "start_time", None),
        run_url=run_url(base, getattr(row, "run_id", None), getattr(row, "experiment_id", None)),
        values={k: _metric_input(v) for k, v in (getattr(row, "values", None) or {}).items()},
    )


def _when(row: Any) -> datetime:
    return getattr(row, "start_time", None) or _OLDEST


def _rule_status(status: ItemStatus, unknown_count: int) -> ItemStatus:
    """A tag whose checks could not all be made is "unknown" to the rules, never a pass."""
    return "unknown" if status == "warn" and unknown_count else status


def rule_inputs_from_result(result: Any, cfg: Config | None = None) -> RuleInputs:
    errors: dict[str, str] = dict(getattr(result, "errors", None) or {})
    base = tracking_ui_base(cfg)
    kpis = getattr(result, "kpis", None)
    rows = sorted(getattr(kpis, "rows", None) or [], key=_when)
    baseline_id = getattr(kpis, "baseline_run_id", None)
    baseline_row = next(
        (r for r in rows if r.is_baseline or (baseline_id and r.run_id == baseline_id)), None
    )
    non_baseline = [r for r in rows if r is not baseline_row]
    candidate_row = non_baseline[-1] if non_baseline else None
    newest: dict[str, Any] = {}
    for r in rows:  # oldest first: the last one of a version wins
        if getattr(r, "version", None):
            newest[r.version] = r
    versions = sorted(newest.values(), key=_when)
    if candidate_row is not None and candidate_row not in versions:
        versions.append(candidate_row)  # an untagged candidate is still evaluated

    integrity = getattr(result, "integrity", None)
    repro = getattr(result, "repro", None)
    drift = getattr(result, "drift", None)
    drift_pct = getattr(drift, "dataset_drift_pct", None)
    unavailable = {k: v for k, v in errors.items()}
    if (
        integrity is not None and integrity.tags_unavailable
    ):  # a shallow clone: no verdict, not "ok"
        unavailable.setdefault("integrity", integrity.notes[0] if integrity.notes else "no tags")
        integrity = None
    if kpis is not None and not rows:
        unavailable.setdefault("kpis", "no runs in the tracking store")
    return RuleInputs(
        versions=[version_inputs(r, base) for r in versions],
        candidate=version_inputs(candidate_row, base) if candidate_row is not None else None,
        baseline=version_inputs(baseline_row, base) if baseline_row is not None else None,
        dataset_drift_pct=drift_pct if drift_pct is not None and math.isfinite(drift_pct) else None,
        integrity=(
            {t.tag: _rule_status(t.status, t.unknown_count) for t in integrity.tags}
            if integrity is not None
            else None
        ),
        integrity_runs={t.tag: t.run_id for t in integrity.tags} if integrity is not None else {},
        integrity_reasons=(
            {t.tag: t.summary for t in integrity.tags if t.status != "ok"}
            if integrity is not None
            else {}
        ),
        repro_verdict=getattr(repro, "verdict", None),
        repro_rev=getattr(repro, "rev", None),
        repro_message=getattr(repro, "message", "") or "",
        unavailable=unavailable,
    )


def feature_js(result: Any) -> dict[str, float | None]:
    drift = getattr(result, "drift", None)
    return {f.name: f.js for f in getattr(drift, "features", None) or []}


def parts_up(result: Any, parts: list[str]) -> dict[str, bool]:
    return {p: getattr(result, p, None) is not None for p in parts}
