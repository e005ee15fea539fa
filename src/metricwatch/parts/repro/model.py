"""The reproducibility check's result types: frozen, JSON-safe (no NaN: values are display text)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.parts.contract import PartKey
from metricwatch.transcript import Transcript
from metricwatch.vocab import Verdict

VERDICT_TEXT: dict[str, str] = {
    "identical": "reproduced: identical",
    "differ": "reproduced: outputs differ",
    "timed_out": "timed out",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class VolatileDiff(_Frozen):
    """A metrics key configured as volatile (a timing) whose value changed, with both values."""

    path: str
    stage: str
    key: str
    expected: str | None  # JSON text of the committed value; None: key absent
    actual: str | None


class OutputComparison(_Frozen):
    """One output of one stage: the hash in the committed dvc.lock against the fresh run's."""

    path: str
    stage: str
    kind: Literal["file", "dir", "metrics"]
    expected: str | None  # None: not in the committed dvc.lock
    actual: str | None  # None: not produced by the fresh run
    match: bool
    volatile: bool = False  # hashes differ only in volatile metrics keys
    differing_keys: list[str] = Field(
        default_factory=list
    )  # metrics keys that differ (not volatile)
    reason: str = ""


class SecondRun(_Frozen):
    """A second fresh run compared with the first: non-deterministic stage or stale lock."""

    finding: Literal["non-deterministic", "stale lock", "failed"]
    text: str
    outputs: list[OutputComparison] = Field(default_factory=list)  # second run vs first run


class PackageVersion(_Frozen):
    name: str
    version: str | None  # None: not installed
    pinned: str | None = None  # the version the repo pins at REV, when it does
    matches: bool | None = None  # None: not pinned


class UndeclaredInput(_Frozen):
    stage: str
    path: str
    evidence: str


class EnvironmentInfo(_Frozen):
    """Seed Appendix C: the interpreter and packages of the clone's run, pins, undeclared inputs."""

    python: str
    executable: str
    platform: str
    packages: list[PackageVersion] = Field(default_factory=list)
    lock_files: list[str] = Field(default_factory=list)
    pinned: bool = False
    unpinned: list[str] = Field(default_factory=list)
    undeclared_inputs: list[UndeclaredInput] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class ReproReport(_Frozen):
    rev: str
    commit: str
    verdict: Verdict
    verdict_text: str  # the exact wording, e.g. "reproduced: identical"
    message: str  # verdict_text plus the facts (differing outputs and their stages, second run)
    outputs: list[OutputComparison] = Field(default_factory=list)
    volatile_diffs: list[VolatileDiff] = Field(default_factory=list)
    second_run: SecondRun | None = None
    transcript: Transcript = Field(default_factory=Transcript)
    environment: EnvironmentInfo | None = None
    cached: bool = False
    checked_at: datetime
    duration_s: float
    log_path: str | None = None
    transcript_path: str | None = None
    cache_mode: Literal["own", "user"] = "own"
    notes: list[str] = Field(default_factory=list)

    @property
    def differing(self) -> list[OutputComparison]:
        return [o for o in self.outputs if not o.match]


REPRO = PartKey("repro", ReproReport)  # the typed handle: result.get(REPRO)
