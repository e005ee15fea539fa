"""The reproducibility check's result types: frozen, JSON-safe (no NaN: values are display text).

Results hold no prose: a verdict, a reason or a note is a catalogue message (`Msg`, or
`i18n.words.Said` when a list of messages goes inside it), worded by presenters in the report's language. The
English wording stays available as computed fields (`verdict_text`, `message`, `reason`, `text`,
`notes`) for the CLI, the log and `--format json`; they are recomputed, never read back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from metricwatch.i18n import Lang, t
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Said, wording
from metricwatch.parts.contract import PartKey
from metricwatch.transcript import Transcript
from metricwatch.vocab import Verdict


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
    why: Msg | None = None  # why it does not match, or matches only on volatile keys

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str:
        return self.why.text("en") if self.why else ""


class SecondRun(_Frozen):
    """A second fresh run compared with the first: non-deterministic stage or stale lock."""

    finding: Literal["non-deterministic", "stale lock", "failed"]
    why: Said
    outputs: list[OutputComparison] = Field(default_factory=list)  # second run vs first run

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        return self.why.text("en")


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
    remarks: list[Said] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return wording(self.remarks, "en")


class ReproReport(_Frozen):
    rev: str
    commit: str
    verdict: Verdict
    verdict_why: Msg  # the verdict's wording, e.g. "reproduced: identical"
    why: list[Said]  # the verdict with its facts (outputs differ: from `outputs`), `; `-joined
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
    remarks: list[Said] = Field(default_factory=list)

    @property
    def differing(self) -> list[OutputComparison]:
        return [o for o in self.outputs if not o.match]

    def said(self, lang: Lang) -> str:
        """The verdict with its facts in lang: differing outputs, stale lock, second run."""
        parts = wording(self.why, lang)
        if self.verdict == "differ":
            parts[0] += ": " + describe(self.differing, lang)
        if self.second_run is not None:
            parts.append(t("repro.msg.second_run", lang, text=self.second_run.why.text(lang)))
        return "; ".join(parts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verdict_text(self) -> str:
        return self.verdict_why.text("en")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def message(self) -> str:
        return self.said("en")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return wording(self.remarks, "en")


def in_stage(rows: list[OutputComparison]) -> list[Msg]:
    """`path (stage name)` of each differing output."""
    return [
        msg("repro.msg.output_in_stage", path=r.path, stage=r.stage) for r in rows if not r.match
    ]


def describe(rows: list[OutputComparison], lang: Lang = "en") -> str:
    return ", ".join(m.text(lang) for m in in_stage(rows))


VERDICT_KEYS = {"identical": "repro.verdict.identical", "differ": "repro.verdict.differ",
                "timed_out": "repro.verdict.timed_out"}  # fmt: skip


REPRO = PartKey("repro", ReproReport)  # the typed handle: result.get(REPRO)
