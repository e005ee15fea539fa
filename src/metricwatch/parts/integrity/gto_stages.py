"""Which version of each GTO artifact is in each stage, and whether the one in `prod` is sound.

Pure functions of the tags `sources.gto_tags` reads, with GTO's own semantics (`gto show`,
its default `--sort timestamp`, one version per stage):
- only annotated tags count (GTO skips lightweight ones);
- a version is registered by `NAME@vX.Y.Z` at a commit and is gone once `NAME@vX.Y.Z!` is its
  latest event;
- a stage tag assigns the stage to the version registered at the tag's commit (none: GTO shows
  the commit; several: ambiguous, GTO refuses);
- per stage, the latest assignment still in effect wins (events ordered by tagger date, then
  by the `#N` counter GTO increments); `NAME#STAGE!` takes that version out of the stage.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import plain
from metricwatch.parts.integrity.model import CheckItem
from metricwatch.sources.gto_tags import GtoTag
from metricwatch.vocab import icon

PROD = "prod"
VERDICTS = ("ok", "warn", "fail", "unknown")  # a release tag's verdicts, each worded


class StageVersion(BaseModel):
    """The version an artifact has in one stage."""

    model_config = ConfigDict(frozen=True)

    stage: str
    version: str | None  # None: no single registered version at the commit (see reason)
    commit: str
    tag: str  # the stage tag that put it there
    version_tag: str | None = None  # the registration tag, e.g. model@v1.0.0
    assigned_at: datetime | None = None
    why: Msg | None = None  # why no single version is named

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str | None:
        """Why no single version is named, in English."""
        return self.why.text("en") if self.why is not None else None


class ArtifactStages(BaseModel):
    model_config = ConfigDict(frozen=True)

    artifact: str
    versions: list[str] = Field(default_factory=list)  # active registered versions, oldest first
    stages: list[StageVersion] = Field(default_factory=list)  # sorted by stage name
    deprecated: bool = False
    notes: list[Msg] = Field(default_factory=list)

    def stage(self, name: str) -> StageVersion | None:
        return next((s for s in self.stages if s.stage == name), None)


def _order(t: GtoTag) -> tuple[float, int, str]:
    stamp = t.created.timestamp() if t.created else float("-inf")
    return (stamp, t.counter if t.counter is not None else -1, t.tag)


def _versions(tags: list[GtoTag]) -> dict[str, GtoTag]:
    """version -> its latest registration or deregistration tag."""
    latest: dict[str, GtoTag] = {}
    for t in tags:
        if t.action in ("register", "deregister") and t.version:
            latest[t.version] = t
    return latest


def _stage_version(t: GtoTag, at_commit: dict[str, list[GtoTag]]) -> StageVersion:
    regs = at_commit.get(t.commit, [])
    base: dict[str, Any] = {
        "stage": t.stage,
        "commit": t.commit,
        "tag": t.tag,
        "assigned_at": t.created,
    }
    if len(regs) == 1:
        return StageVersion(version=regs[0].version, version_tag=regs[0].tag, **base)
    if not regs:
        why = msg("integrity.reason.gto_unregistered", artifact=t.artifact, commit=t.commit[:12])
    else:
        names = ", ".join(sorted(r.version or "" for r in regs))
        why = msg("integrity.reason.gto_ambiguous", commit=t.commit[:12], names=names)
    return StageVersion(version=None, why=why, **base)


def _stages(tags: list[GtoTag], versions: dict[str, GtoTag]) -> list[StageVersion]:
    at_commit: dict[str, list[GtoTag]] = defaultdict(list)
    for last in versions.values():
        at_commit[last.commit].append(last)
    # (stage, version or commit) -> its latest stage event (tags come in GTO's order)
    latest: dict[tuple[str, str], tuple[GtoTag, StageVersion]] = {}
    for t in tags:
        if t.action in ("assign", "unassign") and t.stage:
            sv = _stage_version(t, at_commit)
            latest[(t.stage, sv.version or t.commit)] = (t, sv)
    winners: dict[str, tuple[GtoTag, StageVersion]] = {}
    for t, sv in latest.values():
        gone = sv.version is not None and versions[sv.version].action == "deregister"
        if t.action != "assign" or gone:
            continue
        if sv.stage not in winners or _order(t) > _order(winners[sv.stage][0]):
            winners[sv.stage] = (t, sv)
    return [winners[s][1] for s in sorted(winners)]


def artifact_stages(tags: list[GtoTag]) -> list[ArtifactStages]:
    """Per artifact (sorted by name): its active versions and the version in each stage."""
    by_artifact: dict[str, list[GtoTag]] = defaultdict(list)
    for t in tags:
        by_artifact[t.artifact].append(t)
    out = []
    for name in sorted(by_artifact):
        events = sorted(by_artifact[name], key=_order)
        light = [t.tag for t in events if not t.annotated]
        events = [t for t in events if t.annotated]
        versions = _versions(events)
        active = {v: t for v, t in versions.items() if t.action == "register"}
        notes = [msg("integrity.note.lightweight_tag", tag=repr(t)) for t in light]
        out.append(
            ArtifactStages(
                artifact=name,
                versions=sorted(active, key=lambda v: _order(active[v])),
                stages=_stages(events, versions),
                deprecated=bool(events) and events[-1].action == "deprecate",
                notes=notes,
            )
        )
    return out


def stage_item(art: ArtifactStages, statuses: dict[str, str], stage: str = PROD) -> CheckItem:
    """Integrity of the version in `stage`, from the integrity status of its version tag.

    statuses: release tag -> "ok" | "warn" | "fail" | "unknown" (each tag's verdict).
    """
    name = f"gto_{stage}"
    sv = art.stage(stage)
    if sv is None:
        why = msg("integrity.reason.gto_no_version", artifact=art.artifact, stage=stage)
        return CheckItem(name=name, status="unknown", why=[why])
    if sv.version is None or sv.version_tag is None:
        why_not = [sv.why] if sv.why is not None else []
        return CheckItem(name=name, status="unknown", why=[plain(f"{sv.tag}: "), *why_not])
    where = msg(
        "integrity.reason.gto_where",
        artifact=art.artifact,
        version=sv.version,
        stage=stage,
        tag=sv.tag,
    )
    status = statuses.get(sv.version_tag)
    if status is None:
        tail = msg("integrity.reason.gto_unchecked", tag=sv.version_tag)
        return CheckItem(name=name, status="unknown", why=[where, tail])
    if status not in VERDICTS:
        tail = msg("integrity.reason.gto_status", status=repr(status))
        return CheckItem(name=name, status="unknown", why=[where, tail])
    tail = msg(f"integrity.reason.gto_release_{status}", tag=sv.version_tag, icon=icon("unknown"))
    return CheckItem(name=name, status=status, why=[where, tail])  # type: ignore[arg-type]
