"""One snapshot: what a `report` or `check` knew at one moment, as values (no prose).

Per version the KPIs; the dataset drift % and per-feature JS / PSI / p; each release tag's
integrity status; the reproducibility verdict; every rule outcome (the flags, which carry the
rule's own message and action); the project's commit; the timings. `snapshot_of` builds it from
the result model (a pure function); the store writes and reads it unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from metricwatch import __version__
from metricwatch.config import Config
from metricwatch.rules_model import Flag, RuleInputs

if TYPE_CHECKING:
    from metricwatch.parts.drift.model import DriftReport
    from metricwatch.result import MonitoringResult

Command = Literal["report", "check"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class VersionKpis(_Frozen):
    """The canonical KPIs of one version's newest run (or of the baseline / an untagged candidate)."""

    version: str | None
    run_id: str | None
    baseline: bool = False
    candidate: bool = False
    values: dict[str, float | None] = Field(default_factory=dict)  # None: see states
    states: dict[str, str] = Field(default_factory=dict)  # metric → ok | missing | nan | inf | -inf


class FeatureStat(_Frozen):
    name: str
    target: bool = False  # the label column (label drift), never in the drift %
    status: str = "ok"  # the feature's own status: ok, or why it could not be compared
    js: float | None = None
    psi: float | None = None
    p_value: float | None = None
    drifted: bool | None = None


class TagState(_Frozen):
    tag: str
    status: str  # ok | warn | fail | unknown (some checks could not be made)
    run_id: str | None = None


class Snapshot(_Frozen):
    id: int | None = None  # set by the store
    taken_at: datetime
    command: Command
    project: str
    commit: str | None = None
    describe: str | None = None
    tool_version: str = __version__
    exit_code: int | None = None
    versions: list[VersionKpis] = Field(default_factory=list)  # oldest first
    dataset_drift_pct: float | None = None
    features: list[FeatureStat] = Field(default_factory=list)
    tags: list[TagState] | None = None  # None: integrity was not checked
    repro_verdict: str | None = None
    repro_rev: str | None = None
    flags: list[Flag] = Field(default_factory=list)
    missing_parts: list[str] = Field(default_factory=list)  # parts that could not be computed
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def candidate(self) -> VersionKpis | None:
        return next((v for v in self.versions if v.candidate), None)

    @property
    def breaches(self) -> list[Flag]:
        return [f for f in self.flags if f.breached]


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
    cfg: Config,
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
    from metricwatch.pipeline.evaluate import rule_inputs_of

    inputs = rule_inputs_of(result, cfg)
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
