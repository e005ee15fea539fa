"""Which KPI rows are the runs behind registered model versions (MLflow Model Registry).

`registry_marks(cfg, run_ids)` asks the registry once per 100 runs (`read_registry_listing`)
and gives, per run id, each version registered from it with its aliases. A store without a
registry (no tables, no `models/` folder) marks nothing; that is only worth a note when the
config relies on the registry (baseline.model, integrity.registered_model).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.config import Config
from metricwatch.i18n.message import Msg, msg
from metricwatch.sources.mlflow_registry import read_registry_listing
from metricwatch.sources.views import MlflowSource


class VersionMark(BaseModel):
    """One registered version of a run, e.g. student-performance v1 @champion."""

    model_config = ConfigDict(frozen=True)

    model: str
    version: str
    aliases: list[str] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return f"{self.model} v{self.version}" + "".join(f" @{a}" for a in self.aliases)


def uses_registry(cfg: Config) -> bool:
    return bool(cfg.baseline.model or cfg.integrity.registered_model)


def registry_marks(
    cfg: Config, run_ids: Iterable[str]
) -> tuple[dict[str, list[VersionMark]], Msg | None]:
    """(run id -> its registered versions, a note when the registry was wanted but unreadable)."""
    listing = read_registry_listing(MlflowSource.of(cfg), run_ids)
    if not listing.available:
        note = msg("kpis.note.not_marked", reason=listing.reason)
        return {}, note if uses_registry(cfg) else None
    marks: dict[str, list[VersionMark]] = {}
    for v in listing.versions:
        if v.run_id:
            marks.setdefault(v.run_id, []).append(
                VersionMark(model=v.model, version=v.version, aliases=v.aliases)
            )
    return marks, None
