"""DVC metrics (the files under `metrics:` in dvc.yaml) at every release tag and the workspace.

What `dvc metrics show -A` and `dvc metrics diff` give, read through DVC's Python API in one
child process with a timeout. A metrics file that is a DVC-cached output missing from the
local cache is "unavailable at <tag>" with the reason, not an error. Read-only: DVC may use
its own scratch folder `.dvc/tmp` (git-ignored) for locks; tracked files are never touched.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from metricwatch.errors import SourceError
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import msgs_from_text
from metricwatch.sources.dvc_child import run_worker
from metricwatch.sources.git_dvc import list_tags
from metricwatch.sources.views import DvcSource

WORKSPACE = "workspace"
Scalar = float | int | str | bool | None


DiffStatus = Literal["same", "changed", "added", "removed", "unavailable"]


class DvcMetricsFile(BaseModel):
    model_config = ConfigDict(frozen=True)
    path: str
    status: Literal["ok", "unavailable"]
    reason: str | None = None
    values: dict[str, Scalar] = {}


class DvcRevMetrics(BaseModel):
    model_config = ConfigDict(frozen=True)
    rev: str  # a tag name or "workspace"
    commit: str | None
    status: Literal["ok", "unavailable"]
    reason: str | None = None
    files: list[DvcMetricsFile] = []


class DvcMetricDiff(BaseModel):
    model_config = ConfigDict(frozen=True)
    rev: str
    path: str
    key: str
    baseline: Scalar
    value: Scalar
    change: float | None  # value − baseline when both are numbers
    status: DiffStatus


class DvcMetrics(BaseModel):
    model_config = ConfigDict(frozen=True)
    repo: str
    baseline_rev: str | None
    revs: list[DvcRevMetrics]
    diffs: list[DvcMetricDiff]
    remarks: list[Msg] = []  # the tag listing's notes (git's own words) and why there is no diff

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        """Metrics saved before their notes were messages (an older metrics.json) keep them."""
        return msgs_from_text(data, notes="remarks")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return [m.text("en") for m in self.remarks]


def _reason(rev: str, path: str, error: str) -> str:
    if "No storage files available" in error or "is not in cache" in error:
        return (
            f"unavailable at {rev}: {path} is a DVC-cached output missing from the local cache "
            f"({error}); `dvc fetch --all-tags` fetches it from the remote"
        )
    if "FileNotFoundError" in error or "does not exist" in error:
        return f"unavailable at {rev}: {path} does not exist there ({error})"
    return f"unavailable at {rev}: {error}"


def _rev_metrics(rev: str, commit: str | None, raw: dict[str, Any] | None) -> DvcRevMetrics:
    if raw is None:
        return DvcRevMetrics(
            rev=rev, commit=commit, status="unavailable",
            reason=f"unavailable at {rev}: no DVC project at that commit",
        )  # fmt: skip
    if raw.get("error"):
        return DvcRevMetrics(
            rev=rev,
            commit=commit,
            status="unavailable",
            reason=_reason(rev, "dvc.yaml", raw["error"]),
        )
    files = []
    for path, entry in sorted(raw.get("files", {}).items()):
        if "error" in entry:
            files.append(
                DvcMetricsFile(
                    path=path, status="unavailable", reason=_reason(rev, path, entry["error"])
                )
            )
        else:
            files.append(DvcMetricsFile(path=path, status="ok", values=entry["values"]))
    return DvcRevMetrics(rev=rev, commit=commit, status="ok", files=files)


def _number(v: Scalar) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def diff_against(base: DvcRevMetrics, other: DvcRevMetrics) -> list[DvcMetricDiff]:
    """Per key of every metrics file: baseline value, value, numeric change (`dvc metrics diff`)."""
    out: list[DvcMetricDiff] = []
    base_files = {f.path: f for f in base.files}
    other_files = {f.path: f for f in other.files}
    for path in sorted(set(base_files) | set(other_files)):
        b, o = base_files.get(path), other_files.get(path)
        if b is None or o is None or b.status != "ok" or o.status != "ok":
            out.append(
                DvcMetricDiff(
                    rev=other.rev, path=path, key="*", baseline=None, value=None, change=None,
                    status="unavailable",
                )
            )  # fmt: skip
            continue
        for key in sorted(set(b.values) | set(o.values)):
            bv, ov = b.values.get(key), o.values.get(key)
            bn, on = _number(bv), _number(ov)
            status: DiffStatus
            if key not in b.values:
                status = "added"
            elif key not in o.values:
                status = "removed"
            else:
                status = "same" if bv == ov else "changed"
            change = on - bn if bn is not None and on is not None else None
            out.append(
                DvcMetricDiff(
                    rev=other.rev, path=path, key=key, baseline=bv, value=ov, change=change,
                    status=status,
                )
            )  # fmt: skip
    return out


def _run_worker(source: DvcSource, revs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = run_worker(
        source,
        "metricwatch.sources.dvc_metrics_worker",
        revs,
        what="DVC metrics",
        doing=f"reading DVC metrics at {len(revs)} tag(s)",
    )
    return out


def load_dvc_metrics(source: DvcSource, baseline_rev: str | None = None) -> DvcMetrics:
    """Metrics at every tag matching tags.pattern and at the workspace, diffed against
    baseline_rev."""
    repo = source.project
    if not (repo / ".dvc").is_dir():
        raise SourceError(f"{repo}: not a DVC project (no .dvc folder); check project.path.")
    listing = list_tags(repo, source.tag_pattern, regex=source.tag_regex)
    notes = list(listing.remarks)
    tags = [t.name for t in listing.tags]
    raw = _run_worker(source, tags)
    revs = [_rev_metrics(t.name, t.commit, raw.get(t.name)) for t in listing.tags]
    revs.append(_rev_metrics(WORKSPACE, None, raw.get(WORKSPACE)))
    if not tags:
        notes.append(msg("kpis.note.dvc_no_tag", pattern=source.tag_pattern))
    if baseline_rev is not None and baseline_rev not in tags:
        notes.append(msg("kpis.note.dvc_not_a_tag", rev=baseline_rev))
        baseline_rev = None
    diffs: list[DvcMetricDiff] = []
    if baseline_rev is not None:
        base = next(r for r in revs if r.rev == baseline_rev)
        for other in revs:
            if other.rev != baseline_rev:
                diffs.extend(diff_against(base, other))
    return DvcMetrics(
        repo=str(repo), baseline_rev=baseline_rev, revs=revs, diffs=diffs, remarks=notes
    )
