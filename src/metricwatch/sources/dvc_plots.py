"""The project's own DVC plots (`plots:` of dvc.yaml) at git revisions, for drawing side by side.

What `dvc plots diff REV1 REV2` shows, read through DVC's API in one child process bounded by
`dvc.timeout_s` (see dvc_plots_worker): per revision, each plot with its declared template,
x/y fields, title and labels, and each data file's rows (CSV, TSV, JSON, YAML) or image bytes.
Nothing is checked out; the workspace and the DVC cache are never written (DVC may use its
git-ignored scratch folder `.dvc/tmp` for locks). A table longer than `max_rows` is capped and
says so; a JSON/YAML file or image over `max_bytes` is left out with the reason; an unknown
revision or a file missing there is "unavailable" with the reason.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.config import Config
from metricwatch.errors import SourceError
from metricwatch.sources.dvc_child import run_worker

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024


class PlotFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    y: str | list[str] | None = None  # the declared y field(s) of this file
    kind: Literal["table", "image", "unavailable"]
    rows: list[dict[str, Any]] = Field(default_factory=list)
    image: bytes | None = None
    media_type: str | None = None
    size: int | None = None
    capped: bool = False
    note: str | None = None  # capped / left out / why unavailable


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
    error: str | None = None


class RevPlots(BaseModel):
    model_config = ConfigDict(frozen=True)

    rev: str
    status: Literal["ok", "unavailable"]
    reason: str | None = None
    plots: list[PlotSpec] = Field(default_factory=list)

    def plot(self, plot_id: str) -> PlotSpec | None:
        return next((p for p in self.plots if p.id == plot_id), None)


def _mb(size: int | None) -> str:
    return f"{(size or 0) / 1_048_576:.1f} MB"


def _file(
    rev: str, path: str, y: Any, raw: dict[str, Any], max_rows: int, max_bytes: int
) -> PlotFile:
    base = {"path": path, "y": y, "size": raw.get("size")}
    if raw.get("error"):
        return PlotFile(kind="unavailable", note=_unavailable(rev, path, raw["error"]), **base)
    if raw.get("too_big"):
        why = f"{path} at {rev} is {_mb(raw.get('size'))}, over the {_mb(max_bytes)} cap: not drawn"
        return PlotFile(kind="unavailable", note=why, **base)
    if raw["kind"] == "image":
        image = base64.b64decode(raw["image_b64"])
        return PlotFile(kind="image", image=image, media_type=raw["media_type"], **base)
    capped = bool(raw.get("capped"))
    note = None
    if capped:
        total = raw.get("total_rows")
        of = f"{total:,} rows" if total else f"a {_mb(raw.get('size'))} file"
        note = f"{path} at {rev}: capped at the first {max_rows:,} rows of {of}"
    return PlotFile(kind="table", rows=raw.get("rows", []), capped=capped, note=note, **base)


def _unavailable(rev: str, path: str, error: str) -> str:
    if "No storage files available" in error or "not in cache" in error:
        return (
            f"{path} at {rev} is a DVC-cached output in neither the local cache nor the remote "
            f"({error}); `dvc push` it where it exists"
        )
    if "FileNotFoundError" in error or "does not exist" in error or "No such file" in error:
        return f"{path} does not exist at {rev}"
    return f"{path} at {rev}: {error}"


def _plot(rev: str, raw: dict[str, Any], max_rows: int, max_bytes: int) -> PlotSpec:
    if raw.get("error"):
        return PlotSpec(id=raw["id"], config=raw["config"], error=f"at {rev}: {raw['error']}")
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
            why = f"revision {rev!r} does not exist (no such tag, branch or commit)"
        else:
            why = f"cannot read the plots at {rev}: {error}"
        return RevPlots(rev=rev, status="unavailable", reason=why)
    plots = [_plot(rev, p, max_rows, max_bytes) for p in raw.get("plots", [])]
    reason = None if plots else f"dvc.yaml declares no plots at {rev}"
    return RevPlots(rev=rev, status="ok", reason=reason, plots=plots)


def load_dvc_plots(
    cfg: Config, revs: list[str], *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES
) -> list[RevPlots]:
    """The plots of dvc.yaml at each revision (a tag, branch or commit), in the order given."""
    repo = cfg.project_path
    if not (repo / ".dvc").is_dir():
        raise SourceError(f"{repo}: not a DVC project (no .dvc folder); check project.path.")
    raw = run_worker(
        cfg,
        "metricwatch.sources.dvc_plots_worker",
        [str(max_rows), str(max_bytes), *revs],
        what="the DVC plots",
        doing=f"reading the DVC plots at {', '.join(revs)}",
    )
    return [_rev(rev, raw.get(rev), max_rows, max_bytes) for rev in revs]
