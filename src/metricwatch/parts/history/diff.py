""" "Since the last render": what changed between two snapshots, as values.

New breaches (breaching now, not before), resolved breaches (breaching before, judged and not
breaching now: see fingerprint.py), release tags whose integrity status changed, release tags
that are new, and the reproducibility verdict when it changed. A pure function of two snapshots.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.rules_model import Flag
from metricwatch.sources.history_db.fingerprint import fingerprint, judge
from metricwatch.sources.history_db.snapshot import Snapshot


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class TagChange(_Frozen):
    tag: str
    before: str
    after: str


class ReproChange(_Frozen):
    before: str | None  # None: the earlier snapshot had no verdict
    after: str
    rev_before: str | None = None
    rev_after: str | None = None


class SinceLast(_Frozen):
    previous_id: int | None
    previous_at: datetime
    current_id: int | None  # None: the current run is not stored yet
    current_at: datetime
    new_breaches: list[Flag] = Field(default_factory=list)  # as they are now
    resolved_breaches: list[Flag] = Field(default_factory=list)  # as they were
    integrity_changed: list[TagChange] = Field(default_factory=list)
    new_tags: list[str] = Field(default_factory=list)
    repro: ReproChange | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.new_breaches or self.resolved_breaches or self.integrity_changed
            or self.new_tags or self.repro
        )  # fmt: skip


def _tags(snap: Snapshot) -> dict[str, str] | None:
    return None if snap.tags is None else {t.tag: t.status for t in snap.tags}


def since_last(previous: Snapshot, current: Snapshot) -> SinceLast:
    before = {fingerprint(f): f for f in previous.breaches}
    now = judge(current.flags)
    tags_before, tags_now = _tags(previous), _tags(current)
    changed, new_tags = [], []
    if tags_before is not None and tags_now is not None:
        for tag, status in tags_now.items():
            if tag not in tags_before:
                new_tags.append(tag)
            elif tags_before[tag] != status:
                changed.append(TagChange(tag=tag, before=tags_before[tag], after=status))
    repro = None
    if current.repro_verdict is not None and current.repro_verdict != previous.repro_verdict:
        repro = ReproChange(
            before=previous.repro_verdict, after=current.repro_verdict,
            rev_before=previous.repro_rev, rev_after=current.repro_rev,
        )  # fmt: skip
    return SinceLast(
        previous_id=previous.id,
        previous_at=previous.taken_at,
        current_id=current.id,
        current_at=current.taken_at,
        new_breaches=[f for fp, f in now.breached.items() if fp not in before],
        resolved_breaches=[f for fp, f in before.items() if now.resolves(fp, f.rule)],
        integrity_changed=changed,
        new_tags=new_tags,
        repro=repro,
    )
