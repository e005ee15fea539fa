"""The integrity result: one checklist per release tag, the correspondence table, orphans, and
the GTO stages (per model, the version in each stage and its release's integrity)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from metricwatch.i18n import Lang
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words, from_text, list_from_text
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.contract import PartKey
from metricwatch.vocab import ItemStatus, TagStatus

# Stable item names (keys for presenters), in the checklist's order; their labels are the
# catalogue's `integrity.item.<name>` (metricwatch.i18n).
ITEM_ORDER = (
    "git_tag",
    "dvc_files",
    "dvc_push",
    "mlflow_run",
    "git_commit",
    "same_inputs",
    "metrics_artifacts",
    "registered_model",  # with integrity.registered_model
    "training_data",  # when the release runs logged dataset inputs
)


class CheckItem(BaseModel):
    """One checklist item; `why` is its reason as message pieces, `reason` its English text."""

    model_config = ConfigDict(frozen=True)

    name: str
    status: ItemStatus
    why: Words

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return from_text(data, reason="why")  # a metrics.json of an older metricwatch

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str:
        return words_text(self.why)

    def text(self, lang: Lang) -> str:
        """The reason in lang."""
        return words_text(self.why, lang)


class TagIntegrity(BaseModel):
    model_config = ConfigDict(frozen=True)

    tag: str
    commit: str | None
    date: datetime | None
    annotated: bool | None
    status: TagStatus
    why: Words  # the first failing/warning reason, e.g. "missing run"
    items: list[CheckItem]
    run_id: str | None = None
    run_name: str | None = None
    experiment: str | None = None
    duplicate_run_ids: list[str] = Field(default_factory=list)
    missing_outputs: list[str] = Field(default_factory=list)  # paths not on the remote
    unknown_count: int = 0

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return from_text(data, summary="why")  # a metrics.json of an older metricwatch

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> str:
        """The first failing/warning reason in English."""
        return words_text(self.why)

    def item(self, name: str) -> CheckItem | None:
        return next((i for i in self.items if i.name == name), None)

    @property
    def verdict(self) -> ItemStatus:
        """The status, but "unknown" for a tag that fails nothing and has items that could not
        be checked (a source unreachable): never a pass, and not a known problem either."""
        return "unknown" if self.status == "warn" and self.unknown_count else self.status


class StageRow(BaseModel):
    """One GTO stage of one model: the version in it and its release's integrity."""

    model_config = ConfigDict(frozen=True)

    model: str
    stage: str
    version: str | None  # None: the stage tag names no single registered version (check says)
    tag: str  # the stage tag, e.g. text-classification#prod#1
    check: CheckItem


class OrphanRun(BaseModel):
    model_config = ConfigDict(frozen=True)

    run_id: str
    run_name: str
    experiment: str
    version: str  # the version tag's value, which names no git tag


class CorrespondenceRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    tag: str
    run_id: str | None
    experiment: str | None
    status: TagStatus
    why: Words

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> str:
        return words_text(self.why)


class IntegrityReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    repo: str
    pattern: str
    regex: bool
    version_tag: str
    remote: str | None
    remote_url: str | None
    remote_available: bool | None  # None: nothing to ask the remote
    remote_reason: str | None = None
    runs_available: bool
    runs_reason: str | None = None
    tags_unavailable: bool = False  # shallow clone without matching tags
    tags: list[TagIntegrity] = Field(default_factory=list)
    orphans: list[OrphanRun] = Field(default_factory=list)
    stages: list[StageRow] = Field(default_factory=list)  # GTO stage tags, per model and stage
    remarks: list[Words] = Field(default_factory=list)  # the notes, each as message pieces
    duration_s: float = 0.0

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        """A metrics.json of an older metricwatch: its English notes as they were."""
        return list_from_text(data, notes="remarks")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        """The notes in English (the CLI, `--format json`)."""
        return [words_text(r) for r in self.remarks]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def correspondence(self) -> list[CorrespondenceRow]:
        """The seed's table: Tag | MLflow Run ID | Experiment | Status."""
        return [
            CorrespondenceRow(
                tag=t.tag,
                run_id=t.run_id,
                experiment=t.experiment,
                status=t.status,
                why=t.why,
            )
            for t in self.tags
        ]

    @property
    def statuses(self) -> dict[str, TagStatus]:
        """tag -> status, the input of the `integrity` rule."""
        return {t.tag: t.status for t in self.tags}

    @property
    def failed(self) -> list[str]:
        return [t.tag for t in self.tags if t.status == "fail"]

    @property
    def unknown(self) -> list[str]:
        """Tags whose verdict is unknown: some of their checks could not be made."""
        return [t.tag for t in self.tags if t.verdict == "unknown"]


def overall(items: list[CheckItem]) -> tuple[TagStatus, Words, int]:
    """❌ any failure; ⚠ any warning or unknown (unknown is never ✅); else ✅."""
    unknown = sum(1 for i in items if i.status == "unknown")
    for status in ("fail", "warn"):
        hits = [i for i in items if i.status == status]
        if hits:
            return status, hits[0].why, unknown
    if unknown:
        first = next(i for i in items if i.status == "unknown")
        return "warn", [msg("integrity.reason.unknown_items", n=unknown), *first.why], unknown
    return "ok", [msg("integrity.reason.all_pass")], unknown


INTEGRITY = PartKey("integrity", IntegrityReport)  # the typed handle: result.get(INTEGRITY)
