"""The snapshot of one run: a pure function of its result model and the flags evaluated on it.

The values come from the same rule inputs the rules read (parts/rule_inputs.py: the versions'
KPIs, the dataset drift %, each release tag's integrity status), plus the drift part's
per-feature numbers and the reproducibility verdict. No config is needed (the rule inputs are
read without links), so the History section builds this run's snapshot from the result alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from metricwatch.parts.rule_inputs import rule_inputs_of
from metricwatch.rules_model import Flag, RuleInputs
from metricwatch.sources.history_db.snapshot import (
    Command,
    FeatureStat,
    Snapshot,
    TagState,
    VersionKpis,
)

if TYPE_CHECKING:
    from metricwatch.parts.drift.model import DriftReport
    from metricwatch.result import MonitoringResult


def _versions(inputs: RuleInputs) -> list[VersionKpis]:
    rows = list(inputs.versions)
    cand_id = inputs.candidate.run_id if inputs.candidate else None
    base = inputs.baseline
    if base is not None and all(r.run_id != base.run_id for r in rows):
        rows.insert(0, base)  # an untagged baseline still anchors the ratios
    return [
        VersionKpis(
            version=r.version,
            run_id=r.run_id,
            baseline=base is not None and r.run_id == base.run_id,
            candidate=cand_id is not None and r.run_id == cand_id,
            values={m: mv.value if mv.state == "ok" else None for m, mv in r.values.items()},
            states={m: mv.state for m, mv in r.values.items() if mv.state != "ok"},
        )
        for r in rows
    ]


def _features(drift: DriftReport | None) -> list[FeatureStat]:
    if drift is None:
        return []
    found = [(f, False) for f in drift.features]
    if drift.target is not None:
        found.append((drift.target, True))
    return [
        FeatureStat(
            name=f.name,
            target=target,
            status=f.status,
            js=f.js,
            psi=f.psi,
            p_value=f.p_value,
            drifted=f.drifted,
        )
        for f, target in found
    ]


def snapshot_of(
    result: MonitoringResult,
    flags: list[Flag],
    *,
    command: Command,
    exit_code: int | None = None,
    timings: dict[str, float] | None = None,
    taken_at: datetime | None = None,
) -> Snapshot:
    """The snapshot of a result model and the flags evaluated on it."""
    from metricwatch.parts.drift.model import DRIFT
    from metricwatch.parts.repro.model import REPRO

    inputs = rule_inputs_of(result, None)
    meta = result.meta
    repro = result.get(REPRO)
    tags = inputs.status("integrity")
    return Snapshot(
        taken_at=(taken_at or datetime.now(UTC)).astimezone(UTC),
        command=command,
        project=meta.project,
        commit=meta.commit,
        describe=meta.describe,
        exit_code=exit_code,
        versions=_versions(inputs),
        dataset_drift_pct=inputs.dataset_drift_pct,
        features=_features(result.get(DRIFT)),
        tags=(
            [TagState(tag=i.version or "", status=i.status, run_id=i.run_id) for i in tags.items]
            if tags is not None and tags.items is not None
            else None
        ),
        repro_verdict=repro.verdict if repro else None,
        repro_rev=repro.rev if repro else None,
        flags=list(flags),
        missing_parts=sorted(result.errors),
        timings=dict(timings if timings is not None else result.timings),
    )
