"""What the rules read of the KPI part: per version its newest run, the candidate, the baseline.

Per version the newest run tagged with it; the candidate is the newest run that is not the
baseline. Without a KPI report the rules say "no data" with the reason the pipeline gives.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit, urlunsplit

from metricwatch.config import Config
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words
from metricwatch.parts.kpis.collect import KpiReport, KpiRow
from metricwatch.parts.kpis.metric_values import MetricValue
from metricwatch.rules_model import MetricInput, PartRuleInputs, VersionInputs

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


def _metric_input(mv: MetricValue) -> MetricInput:
    value, state = mv.value, mv.state
    if value is not None and not math.isfinite(value):
        state = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        value = None
    return MetricInput(value=value, state=state)


def version_inputs(row: KpiRow, base: str | None) -> VersionInputs:
    return VersionInputs(
        version=row.version,
        run_id=row.run_id,
        run_name=row.run_name,
        start_time=row.start_time,
        run_url=run_url(base, row.run_id),  # KpiRow carries no experiment id
        values={k: _metric_input(v) for k, v in row.values.items()},
    )


def _when(row: KpiRow) -> datetime:
    return row.start_time or _OLDEST


def kpi_rule_inputs(
    kpis: KpiReport | None, reason: Words | None, cfg: Config | None
) -> PartRuleInputs:
    """Per version its newest run; the candidate: the newest run that is not the baseline."""
    if kpis is None:
        return PartRuleInputs(unavailable={"kpis": reason} if reason else {})
    base = tracking_ui_base(cfg)
    rows = sorted(kpis.rows, key=_when)
    baseline_id = kpis.baseline_run_id
    baseline_row = next(
        (r for r in rows if r.is_baseline or (baseline_id and r.run_id == baseline_id)), None
    )
    non_baseline = [r for r in rows if r is not baseline_row]
    candidate_row = non_baseline[-1] if non_baseline else None
    newest: dict[str, KpiRow] = {}
    for r in rows:  # oldest first: the last one of a version wins
        if r.version:
            newest[r.version] = r
    versions = sorted(newest.values(), key=_when)
    if candidate_row is not None and candidate_row not in versions:
        versions.append(candidate_row)  # an untagged candidate is still evaluated
    return PartRuleInputs(
        versions=[version_inputs(r, base) for r in versions],
        candidate=version_inputs(candidate_row, base) if candidate_row is not None else None,
        baseline=version_inputs(baseline_row, base) if baseline_row is not None else None,
        unavailable={} if rows else {"kpis": [msg("rules.reason.no_runs_in_store")]},
    )
