"""The evidence result: one item per image, with its status and why, and the manifest's path.

A failed or skipped item carries the reason as catalogue messages (`why`); the report shows a
visible placeholder with that reason, in its language, instead of an image, so missing evidence
is never silent. The English wording stays as computed fields (`reason`, `notes`, `reuse_note`)
for the CLI, the manifest and `--format json`; a result saved before reasons were messages (plain
strings) reads back with its English text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from metricwatch.i18n import Lang, t
from metricwatch.i18n.message import Msg
from metricwatch.i18n.words import Words, from_text, list_from_text
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.contract import PartKey

ItemStatus = Literal["ok", "failed", "skipped"]
ItemKind = Literal["mlflow", "terminal"]
EVIDENCE_PARTS: tuple[ItemKind, ...] = ("mlflow", "terminal")


class Caption(BaseModel):
    """What an image shows: a catalogue key (`evidence.shows.<key>`) and its parameters, worded
    in the report's language by `text`."""

    model_config = ConfigDict(frozen=True)

    key: str
    params: dict[str, str] = Field(default_factory=dict)
    verdict: Msg | None = None  # the reproducibility verdict it shows (its `{verdict}`)

    def text(self, lang: Lang = "en") -> str:
        said = {"verdict": self.verdict.text(lang)} if self.verdict else {}
        return t(f"evidence.shows.{self.key}", lang, **self.params, **said)


class EvidenceItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str  # file name under the images folder, e.g. "mlflow_runs.png"
    kind: ItemKind
    status: ItemStatus
    shows: Caption  # what the image shows (its caption and alt text)
    source: str = ""  # the URL (redacted) or the command shown
    path: str | None = None  # absolute path of the PNG when status is "ok"
    why: Words = Field(default_factory=list)  # why it failed or was skipped
    sha256: str | None = None
    width: int | None = None
    height: int | None = None
    verified: list[str] = Field(default_factory=list)  # texts found on the page / in the image
    captured_at: datetime | None = None
    duration_s: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return from_text(data, reason="why")  # an evidence result of an older metricwatch

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str | None:
        """Why it failed or was skipped, in English (None: it did not)."""
        return words_text(self.why) if self.why else None

    def text(self, lang: Lang) -> str:
        """The reason in lang ("" when there is none)."""
        return words_text(self.why, lang)


class EvidenceReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    images_dir: str
    items: list[EvidenceItem] = Field(default_factory=list)
    manifest_path: str | None = None
    mlflow_version: str | None = None  # the version the UI server reports
    server_url: str | None = None  # redacted; a temporary local server when we started one
    server_started: bool = False
    browser: str | None = None  # the executable used
    captured_at: datetime  # when the images were captured (earlier, when reused)
    duration_s: float  # how long that capture took
    remarks: list[Words] = Field(default_factory=list)  # the notes, each as message pieces
    reused: bool = False  # True: the images of an earlier capture with the same inputs
    cache_key: str | None = None  # the digest of the capture's inputs (None: not reusable)
    reuse_why: Words = Field(default_factory=list)  # why not reusable, or the cache not used

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        """An evidence result of an older metricwatch: its English notes as they were."""
        return list_from_text(from_text(data, reuse_note="reuse_why"), notes="remarks")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return [words_text(r) for r in self.remarks]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reuse_note(self) -> str | None:
        return words_text(self.reuse_why) if self.reuse_why else None

    @property
    def ok(self) -> list[EvidenceItem]:
        return [i for i in self.items if i.status == "ok"]

    @property
    def missing(self) -> list[EvidenceItem]:
        return [i for i in self.items if i.status != "ok"]

    def item(self, name: str) -> EvidenceItem | None:
        return next((i for i in self.items if i.name == name), None)


EVIDENCE = PartKey("evidence", EvidenceReport)  # the typed handle: result.get(EVIDENCE)
