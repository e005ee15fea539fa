"""Runs from any MLflow tracking store (file, SQLite, HTTP), every page, read-only.

`load_runs` pages through `MlflowClient.search_runs` with `page_token` (no per-run `get_run`),
keeps active runs by default and counts the deleted ones it left out.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field, field_serializer

from metricwatch.errors import SourceError
from metricwatch.i18n.message import Msg, msg
from metricwatch.sources.mlflow_access import (
    StoreKind,
    display_uri,
    make_client,
    mlflow_env,
    store_kind,
    translate_errors,
)
from metricwatch.sources.mlflow_filestore import scan_malformed
from metricwatch.sources.views import MlflowSource

log = logging.getLogger("metricwatch")

# Runs per search_runs page: mlflow.search_runs uses 10,000 too (server limit 50,000).
PAGE_SIZE = 10_000

__all__ = [
    "DeletedRun",
    "ExperimentRef",
    "RunRecord",
    "RunSet",
    "SkippedRun",
    "list_run_artifacts",
    "load_runs",
    "make_client",
]


class ExperimentRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    name: str


class SkippedRun(BaseModel):
    model_config = ConfigDict(frozen=True)
    path: str
    reason: str


class DeletedRun(BaseModel):
    """A deleted run left out of `runs`, kept so a configured baseline can say it was deleted."""

    model_config = ConfigDict(frozen=True)
    run_id: str
    run_name: str
    tags: dict[str, str]


class RunRecord(BaseModel):
    model_config = ConfigDict(frozen=True)
    run_id: str
    run_name: str
    experiment_id: str
    experiment_name: str
    status: str
    lifecycle_stage: str
    start_time: datetime | None
    end_time: datetime | None
    params: dict[str, str]
    metrics: dict[str, float]  # latest values; may be nan/±inf (JSON: null)
    tags: dict[str, str]
    artifact_uri: str

    @field_serializer("metrics", when_used="json")
    def _finite_only(self, metrics: dict[str, float]) -> dict[str, float | None]:
        return {k: (v if math.isfinite(v) else None) for k, v in metrics.items()}


class RunSet(BaseModel):
    model_config = ConfigDict(frozen=True)
    tracking_uri: str  # redacted
    store_kind: StoreKind
    experiments: list[ExperimentRef]
    runs: list[RunRecord]
    deleted_excluded: int = 0
    deleted: list[DeletedRun] = []
    skipped: list[SkippedRun] = []
    remarks: list[Msg] = []  # what the reader should know about the listing (worded when shown)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return [m.text("en") for m in self.remarks]


def _ms_to_dt(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


def _resolve_experiments(client: Any, wanted: list[str]) -> list[ExperimentRef]:
    from mlflow.entities import ViewType

    existing: list[Any] = []
    token = None
    while True:
        page = client.search_experiments(
            view_type=ViewType.ACTIVE_ONLY, max_results=1000, page_token=token
        )
        existing.extend(page)
        token = page.token
        if not token:
            break
    if not wanted:
        return sorted(
            (ExperimentRef(id=e.experiment_id, name=e.name) for e in existing),
            key=lambda e: e.name,
        )
    by_name = {e.name: e for e in existing}
    by_id = {e.experiment_id: e for e in existing}
    refs, unknown = [], []
    for w in wanted:
        exp = by_name.get(w) or by_id.get(w)
        if exp is None:
            unknown.append(w)
        else:
            refs.append(ExperimentRef(id=exp.experiment_id, name=exp.name))
    if unknown:
        names = ", ".join(sorted(repr(e.name) for e in existing)) or "none"
        raise SourceError(
            f"unknown MLflow experiment(s) {', '.join(map(repr, unknown))}; "
            f"the store has: {names}. Fix mlflow.experiments or --experiment."
        )
    return refs


def _record(run: Any, exp_names: dict[str, str]) -> RunRecord:
    info, data = run.info, run.data
    return RunRecord(
        run_id=info.run_id,
        run_name=info.run_name or data.tags.get("mlflow.runName", ""),
        experiment_id=info.experiment_id,
        experiment_name=exp_names.get(info.experiment_id, info.experiment_id),
        status=info.status,
        lifecycle_stage=info.lifecycle_stage,
        start_time=_ms_to_dt(info.start_time),
        end_time=_ms_to_dt(info.end_time),
        params=dict(data.params),
        metrics={k: float(v) for k, v in data.metrics.items()},
        tags=dict(data.tags),
        artifact_uri=info.artifact_uri or "",
    )


def load_runs(
    source: MlflowSource,
    *,
    experiments: list[str] | None = None,
    since: datetime | None = None,
    page_size: int = PAGE_SIZE,
) -> RunSet:
    """Every run of the chosen experiments (names or ids; default: config, else all)."""
    from mlflow.entities import LifecycleStage, ViewType

    uri = source.tracking_uri()
    kind = store_kind(uri)
    client = make_client(source)
    wanted = list(experiments if experiments is not None else source.experiments)
    filter_string = ""
    if since is not None:
        stamp = since if since.tzinfo else since.replace(tzinfo=UTC)
        filter_string = f"attributes.start_time >= {int(stamp.timestamp() * 1000)}"
    runs: list[RunRecord] = []
    deleted: list[DeletedRun] = []
    with mlflow_env(source), translate_errors(source, "search runs"):
        refs = _resolve_experiments(client, wanted)
        names = {e.id: e.name for e in refs}
        token = None
        while refs:
            page = client.search_runs(
                experiment_ids=[e.id for e in refs],
                filter_string=filter_string,
                run_view_type=ViewType.ALL,
                max_results=page_size,
                page_token=token,
            )
            for run in page:
                if run.info.lifecycle_stage == LifecycleStage.DELETED:
                    deleted.append(
                        DeletedRun(
                            run_id=run.info.run_id,
                            run_name=run.info.run_name or "",
                            tags=dict(run.data.tags),
                        )
                    )
                    if not source.include_deleted:
                        continue
                runs.append(_record(run, names))
            token = page.token
            if not token:
                break
    notes: list[Msg] = []
    skipped = []
    if kind == "file":
        notes.append(msg("kpis.note.file_store"))
        skipped = [
            SkippedRun(path=p, reason=r) for p, r in scan_malformed(uri, [e.id for e in refs])
        ]
        for s in skipped:  # on stderr too: a run missing from the table must not go unnoticed
            log.warning("warning: %s: %s", s.path, s.reason)
    if deleted and not source.include_deleted:
        notes.append(msg("kpis.note.deleted_excluded", n=len(deleted)))
    return RunSet(
        tracking_uri=display_uri(source),
        store_kind=kind,
        experiments=refs,
        runs=runs,
        deleted_excluded=0 if source.include_deleted else len(deleted),
        deleted=[] if source.include_deleted else deleted,
        skipped=skipped,
        remarks=notes,
    )


def list_run_artifacts(source: MlflowSource, run_id: str) -> list[str]:
    """Recursive relative artifact paths of one run (sorted); for release runs only."""
    client = make_client(source)
    out: list[str] = []
    with mlflow_env(source), translate_errors(source, f"list the artifacts of run {run_id}"):
        stack: list[str | None] = [None]
        while stack:
            folder = stack.pop()
            for item in client.list_artifacts(run_id, folder):
                if item.is_dir:
                    stack.append(item.path)
                else:
                    out.append(Path(item.path).as_posix())
    return sorted(out)
