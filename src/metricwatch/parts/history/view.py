"""What the report's History section needs, in one call: the last N snapshots as points (KPIs
and dataset drift % per snapshot) and "since the last render" (diff.py).

The History section builds this render's snapshot before it is stored (`snapshot_of`) and
passes it as `current`: the points end with it and the diff compares it with the newest stored
one. Without `current`, the points are the stored ones and the diff compares the newest two.
Reading never writes and never waits for a writer; no database yet gives an empty view.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.config import Config
from metricwatch.parts.history.diff import SinceLast, since_last
from metricwatch.sources.history_db.db import history_path, opened
from metricwatch.sources.history_db.queries import load_snapshots, snapshot_ids
from metricwatch.sources.history_db.snapshot import Snapshot, VersionKpis

RENDERS = ("report",)


class HistoryPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    snapshot_id: int | None  # None: the current run, not stored yet
    taken_at: datetime
    command: str
    commit: str | None
    candidate: str | None  # the candidate run's version (or run id when untagged)
    kpis: dict[str, float | None] = Field(default_factory=dict)  # the candidate's
    versions: list[VersionKpis] = Field(default_factory=list)
    dataset_drift_pct: float | None = None
    breaches: int = 0
    breaches_fail: int = 0
    tags: list[str] | None = None  # the release tags this snapshot knew; None: not checked


class HistoryView(BaseModel):
    model_config = ConfigDict(frozen=True)

    points: list[HistoryPoint] = Field(default_factory=list)  # oldest first
    since_last: SinceLast | None = None  # None: fewer than two snapshots

    @property
    def has_history(self) -> bool:
        return len(self.points) >= 2

    def tags_first_seen(self) -> list[tuple[str, datetime]]:
        """Release tags that appeared within these points: (tag, the first point that knew it);
        the first point that checked the tags is where the window starts, not news."""
        seen: set[str] | None = None
        found: list[tuple[str, datetime]] = []
        for p in self.points:
            if p.tags is None:
                continue
            if seen is not None:
                found += [(tag, p.taken_at) for tag in p.tags if tag not in seen]
            seen = (seen or set()) | set(p.tags)
        return found


def point_of(snap: Snapshot) -> HistoryPoint:
    cand = snap.candidate
    return HistoryPoint(
        snapshot_id=snap.id,
        taken_at=snap.taken_at,
        command=snap.command,
        commit=snap.commit,
        candidate=(cand.version or cand.run_id) if cand else None,
        kpis=dict(cand.values) if cand else {},
        versions=snap.versions,
        dataset_drift_pct=snap.dataset_drift_pct,
        breaches=len(snap.breaches),
        breaches_fail=sum(f.severity == "fail" for f in snap.breaches),
        tags=None if snap.tags is None else [t.tag for t in snap.tags],
    )


def view_of(stored: list[Snapshot], current: Snapshot | None = None) -> HistoryView:
    """The view over stored snapshots (oldest first) and, when given, the current one."""
    snaps = [*stored, current] if current is not None else list(stored)
    diff = since_last(snaps[-2], snaps[-1]) if len(snaps) >= 2 else None
    return HistoryView(points=[point_of(s) for s in snaps], since_last=diff)


def stored_snapshots(
    cfg: Config, *, last: int, commands: Sequence[str] | None = RENDERS
) -> list[Snapshot]:
    """The last `last` stored snapshots of `commands` (oldest first), read-only; raises
    HistoryError when the database cannot be read. No database yet: none."""
    path = history_path(cfg)
    if last < 1 or not path.exists():
        return []
    cm = opened(path, timeout_s=cfg.history.timeout_s, source=cfg.source, write=False)
    with cm as db, db.errors():
        return load_snapshots(db.conn, snapshot_ids(db.conn, commands=commands, last=last))


def history_view(
    cfg: Config,
    *,
    last: int = 10,
    current: Snapshot | None = None,
    commands: Sequence[str] | None = RENDERS,
) -> HistoryView:
    """The last `last` snapshots of `commands` (default: reports; None: every command)."""
    stored_n = last - 1 if current is not None else last
    return view_of(stored_snapshots(cfg, last=stored_n, commands=commands), current)
