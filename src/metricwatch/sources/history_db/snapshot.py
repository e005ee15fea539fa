"""One snapshot: what a `report` or `check` knew at one moment, as values (no prose).

Per version the KPIs; the dataset drift % and per-feature JS / PSI / p; each release tag's
integrity status; the reproducibility verdict; every rule outcome (the flags, which carry the
rule's own message and action); the project's commit; the timings. `snapshot_of` builds it from
the result model (a pure function); the store writes and reads it unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from metricwatch import __version__
from metricwatch.rules_model import Flag

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
