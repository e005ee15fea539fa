"""GTO stages in the integrity report: per model, each stage, the version in it, and whether
that version's release tag passes the integrity check.

The stage tags (`NAME#STAGE#N`) are read with GTO's own parser (`sources.gto_tags`) and resolved
with GTO's semantics (`gto_stages`); each stage is one row whose check is `stage_item`: ✅ / ⚠ /
❌ as the version's release tag, ❓ when that tag was not checked (tags.pattern does not match
it) or the stage names no single version. The row of `prod` is the one that must be ✅. The
rows are shown, not fed to the rules: a version's own tag is already in the integrity rule
when tags.pattern matches it. Repositories without any GTO-like tag never import `gto`.
"""

from __future__ import annotations

from pathlib import Path

from metricwatch.i18n.words import Words
from metricwatch.parts.integrity.gto_stages import artifact_stages, stage_item
from metricwatch.parts.integrity.model import StageRow
from metricwatch.sources import git_dvc
from metricwatch.sources.gto_tags import classify


def _gto_like(name: str) -> bool:
    return "#" in name or "@" in name


def read_stages(repo: Path, statuses: dict[str, str]) -> tuple[list[StageRow], list[Words]]:
    """(one row per model and stage, notes); statuses: release tag -> integrity status."""
    listing = git_dvc.list_tags(repo, "*", releases_only=False)
    candidates = [t for t in listing.tags if _gto_like(t.name)]
    if not candidates:
        return [], []
    found = classify(candidates).tags
    rows: list[StageRow] = []
    notes: list[Words] = []
    for art in artifact_stages(found):
        notes += [[n] for n in art.notes]
        rows += [
            StageRow(
                model=art.artifact,
                stage=s.stage,
                version=s.version,
                tag=s.tag,
                check=stage_item(art, statuses, s.stage),
            )
            for s in art.stages
        ]
    return rows, notes
