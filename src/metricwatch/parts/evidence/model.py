"""The evidence result: one item per image, with its status and why, and the manifest's path.

A failed or skipped item carries the reason in words; the report shows a visible placeholder
with that reason instead of an image, so missing evidence is never silent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.i18n import Lang, t
from metricwatch.i18n.message import Msg
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
    reason: str | None = None  # why it failed or was skipped
    sha256: str | None = None
    width: int | None = None
    height: int | None = None
    verified: list[str] = Field(default_factory=list)  # texts found on the page / in the image
    captured_at: datetime | None = None
    duration_s: float | None = None


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
    notes: list[str] = Field(default_factory=list)
    reused: bool = False  # True: the images of an earlier capture with the same inputs
    cache_key: str | None = None  # the digest of the capture's inputs (None: not reusable)
    reuse_note: str | None = None  # why these images are not reusable, or the cache was not used

    @property
    def ok(self) -> list[EvidenceItem]:
        return [i for i in self.items if i.status == "ok"]

    @property
    def missing(self) -> list[EvidenceItem]:
        return [i for i in self.items if i.status != "ok"]

    def item(self, name: str) -> EvidenceItem | None:
        return next((i for i in self.items if i.name == name), None)


EVIDENCE = PartKey("evidence", EvidenceReport)  # the typed handle: result.get(EVIDENCE)
