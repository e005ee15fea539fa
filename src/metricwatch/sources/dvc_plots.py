"""The project's own DVC plots (`plots:` of dvc.yaml) at git revisions, for drawing side by side.

What `dvc plots diff REV1 REV2` shows, read through DVC's API in one child process bounded by
`dvc.timeout_s` (see dvc_plots_worker): per revision, each plot with its declared template,
x/y fields, title and labels, and each data file's rows (CSV, TSV, JSON, YAML) or image bytes.
Nothing is checked out; the workspace and the DVC cache are never written (DVC may use its
git-ignored scratch folder `.dvc/tmp` for locks). A table longer than `max_rows` is capped and
says so; a JSON/YAML file or image over `max_bytes` is left out with the reason; an unknown
revision or a file missing there is "unavailable" with the reason: a code and its parameters,
worded by the catalogue in the report's language (`note` and `reason` give the English).
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.errors import SourceError
from metricwatch.i18n import Lang, t
from metricwatch.sources.dvc_child import run_worker
from metricwatch.sources.views import DvcSource

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024
# reason codes, worded by the catalogue (`plots.file.<why>`, `plots.rev.<why>`, `plots.across.…`)
FileWhy = Literal["not_cached", "missing", "error", "too_big", "capped_rows", "capped_size"]
RevWhy = Literal["no_such", "unreadable", "none"]
AcrossWhy = Literal["no_kpis", "no_baseline", "no_baseline_tag", "no_release", "error"]


class PlotFile(BaseModel):
    # image bytes travel as base64 in the result's JSON
    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    path: str
    y: str | list[str] | None = None  # the declared y field(s) of this file
    kind: Literal["table", "image", "unavailable"]
    rows: list[dict[str, Any]] = Field(default_factory=list)
    image: bytes | None = None
    media_type: str | None = None
    size: int | None = None
    capped: bool = False
    why: FileWhy | None = None  # capped, left out or unavailable, and why
    why_params: dict[str, str] = Field(default_factory=dict)
    why_key: ClassVar[str] = "plots.file"  # the catalogue's `plots.file.<why>`

    def note_in(self, lang: Lang) -> str | None:
        return t(f"plots.file.{self.why}", lang, **self.why_params) if self.why else None

    @property
    def note(self) -> str | None:
        return self.note_in("en")


class PlotSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    config: str  # "dvc.yaml" (top-level plots) or "" (a stage output marked as a plot)
    template: str = "linear"  # DVC's default
    x: str | dict[str, str] | None = None
    title: str | None = None
    x_label: str | None = None
    y_label: str | None = None
    files: list[PlotFile] = Field(default_factory=list)
    error: str | None = None  # DVC's own message for a definition it could not read


class RevPlots(BaseModel):
    model_config = ConfigDict(frozen=True)

    rev: str
    status: Literal["ok", "unavailable"]
    why: RevWhy | None = None  # no such revision, unreadable, no plots
    why_params: dict[str, str] = Field(default_factory=dict)
    why_key: ClassVar[str] = "plots.rev"
    plots: list[PlotSpec] = Field(default_factory=list)

    def plot(self, plot_id: str) -> PlotSpec | None:
        return next((p for p in self.plots if p.id == plot_id), None)

    def reason_in(self, lang: Lang) -> str | None:
        return t(f"plots.rev.{self.why}", lang, **self.why_params) if self.why else None

    @property
    def reason(self) -> str | None:
        return self.reason_in("en")


def _mb(size: int | None) -> str:
    return f"{(size or 0) / 1_048_576:.1f} MB"


def _file(
    rev: str, path: str, y: Any, raw: dict[str, Any], max_rows: int, max_bytes: int
) -> PlotFile:
    base = {"path": path, "y": y, "size": raw.get("size")}
    where = {"path": path, "rev": rev}
    if raw.get("error"):
        why, error = _unavailable(raw["error"])
        params = where | ({"error": error} if error else {})
        return PlotFile(kind="unavailable", why=why, why_params=params, **base)
    if raw.get("too_big"):
        params = where | {"size": _mb(raw.get("size")), "cap": _mb(max_bytes)}
        return PlotFile(kind="unavailable", why="too_big", why_params=params, **base)
    if raw["kind"] == "image":
        image = base64.b64decode(raw["image_b64"])
        return PlotFile(kind="image", image=image, media_type=raw["media_type"], **base)
    capped = bool(raw.get("capped"))
    extra: dict[str, Any] = {}
    if capped:
        total = raw.get("total_rows")
        params = where | {"max_rows": f"{max_rows:,}"}
        if total:
            extra = {"why": "capped_rows", "why_params": params | {"total": f"{total:,}"}}
        else:
            extra = {"why": "capped_size", "why_params": params | {"size": _mb(raw.get("size"))}}
    return PlotFile(kind="table", rows=raw.get("rows", []), capped=capped, **extra, **base)


def _unavailable(error: str) -> tuple[FileWhy, str | None]:
    """(reason code, DVC's error when the reason quotes it) of a file that could not be read."""
    if "No storage files available" in error or "not in cache" in error:
        return "not_cached", error
    if "FileNotFoundError" in error or "does not exist" in error or "No such file" in error:
        return "missing", None
    return "error", error


def _plot(raw: dict[str, Any], rev: str, max_rows: int, max_bytes: int) -> PlotSpec:
    if raw.get("error"):
        return PlotSpec(id=raw["id"], config=raw["config"], error=raw["error"])
    data = raw.get("data", {})
    files = [
        _file(rev, path, y, data.get(path, {"error": "not read"}), max_rows, max_bytes)
        for path, y in raw.get("files", {}).items()
    ]
    props = {
        k: raw[k]
        for k in ("template", "x", "title", "x_label", "y_label")
        if raw.get(k) is not None
    }
    return PlotSpec(id=raw["id"], config=raw["config"], files=files, **props)


def _rev(rev: str, raw: dict[str, Any] | None, max_rows: int, max_bytes: int) -> RevPlots:
    if raw is None or raw.get("error"):
        error = (raw or {}).get("error", "not read")
        if "unknown Git revision" in error or "RevError" in error:
            return RevPlots(rev=rev, status="unavailable", why="no_such", why_params={"rev": rev})
        params = {"rev": rev, "error": error}
        return RevPlots(rev=rev, status="unavailable", why="unreadable", why_params=params)
    plots = [_plot(p, rev, max_rows, max_bytes) for p in raw.get("plots", [])]
    if plots:
        return RevPlots(rev=rev, status="ok", plots=plots)
    return RevPlots(rev=rev, status="ok", why="none", why_params={"rev": rev})


def load_dvc_plots(
    source: DvcSource, revs: list[str], *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> list[RevPlots]:
    """The plots of dvc.yaml at each revision (a tag, branch or commit), in the order given."""
    repo = source.project
    if not (repo / ".dvc").is_dir():
        raise SourceError(f"{repo}: not a DVC project (no .dvc folder); check project.path.")
    raw = run_worker(
        source,
        "metricwatch.sources.dvc_plots_worker",
        [str(max_rows), str(max_bytes), *revs],
        what="the DVC plots",
        doing=f"reading the DVC plots at {', '.join(revs)}",
    )
    return [_rev(rev, raw.get(rev), max_rows, max_bytes) for rev in revs]


class PlotsAcross(BaseModel):
    """The project's plots at the baseline tag and the newest release (`roles` name each
    revision, in the same order), or why they were not read (`why`: catalogue
    `plots.across.<why>`)."""

    model_config = ConfigDict(frozen=True)

    revs: list[RevPlots] = Field(default_factory=list)
    roles: list[Literal["baseline", "newest"]] = Field(default_factory=list)
    why: AcrossWhy | None = None
    why_params: dict[str, str] = Field(default_factory=dict)
    why_key: ClassVar[str] = "plots.across"

    def reason_in(self, lang: Lang) -> str | None:
        return t(f"plots.across.{self.why}", lang, **self.why_params) if self.why else None

    def plot_ids(self) -> list[str]:
        """Every plot id of any revision, in the order the revisions declare them."""
        return list(dict.fromkeys(p.id for r in self.revs for p in r.plots))
