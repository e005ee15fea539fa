"""The KPI table (section 1 of the report): one row per run, baseline marked, trends, DVC metrics.

Canonical metrics (rmse, qwk, train_time_s, drift_pct, plus any the config adds) are read through
`mlflow.metrics` aliases: for each run the FIRST alias present in its metrics wins, in the
order the config lists them. Every other metric (except MLflow's `system/…`) is an extra column.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, TypeAdapter, computed_field, field_validator

from metricwatch.config import Config
from metricwatch.errors import ConfigError, SourceError
from metricwatch.hashing import params_hash
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import plain
from metricwatch.parts.contract import PartKey
from metricwatch.parts.kpis.baseline import BaselineChoice, resolve_baseline
from metricwatch.parts.kpis.metric_values import MetricValue, metric_value_data, pick_alias
from metricwatch.parts.kpis.registry_marks import VersionMark, registry_marks
from metricwatch.parts.kpis.trends import SystemUsage, TrendPoint, system_usage, trend_points
from metricwatch.sources.dvc_metrics import DvcMetrics, load_dvc_metrics
from metricwatch.sources.mlflow_history import SYSTEM_PREFIX, system_metric_history
from metricwatch.sources.mlflow_runs import RunRecord, RunSet, SkippedRun, load_runs
from metricwatch.sources.views import DvcSource, MlflowSource

SHORT_ID = 8
STAGE_TAG = "stage"
UNKNOWN_LISTED = 20
log = logging.getLogger("metricwatch")


class KpiRow(BaseModel):
    model_config = ConfigDict(frozen=True)
    run_id: str
    run_id_short: str
    run_name: str
    experiment: str
    version: str | None
    stage: str | None
    start_time: datetime | None  # tz-aware UTC
    date: str  # start time shown in the configured timezone, "—" when unknown
    status: str
    is_baseline: bool
    values: dict[str, MetricValue]  # canonical metric -> value
    metric_keys: dict[str, str | None]  # canonical metric -> the alias found in the run
    extra: dict[str, MetricValue]
    params_hash: str | None  # None when the run logged no params
    registered: list[VersionMark] = []  # the registered model versions made from this run


class KpiReport(BaseModel):
    model_config = ConfigDict(frozen=True)
    tracking_uri: str
    store_kind: str
    experiments: list[str]
    timezone: str
    columns: list[str]
    extra_columns: list[str]
    rows: list[KpiRow]
    baseline_run_id: str | None
    baseline: BaselineChoice
    trends: dict[str, list[TrendPoint]]
    system: list[SystemUsage]
    dvc_metrics: DvcMetrics | None
    deleted_excluded: int
    skipped: list[SkippedRun]
    source_notes: list[Msg] = []  # the sources' notes (MLflow runs, DVC metrics, registry)
    remarks: list[Msg] = []  # the part's notes: the baseline's, registry marks, what is missing

    @field_validator("source_notes", mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        """A result saved before the sources' notes were messages keeps their English text."""
        return [plain(n) if isinstance(n, str) else n for n in value or []]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return [m.text("en") for m in (*self.source_notes, *self.remarks)]

    @property
    def baseline_row(self) -> KpiRow | None:
        return next((r for r in self.rows if r.is_baseline), None)


def _zone(cfg: Config) -> ZoneInfo:
    try:
        return ZoneInfo(cfg.report.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{cfg.source}: report.timezone: unknown timezone {cfg.report.timezone!r}; "
            "use an IANA name such as UTC or Europe/Madrid."
        ) from exc


def _date(start: datetime | None, zone: ZoneInfo) -> str:
    return start.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if start else "—"


def _all_aliases(cfg: Config) -> set[str]:
    return {a for aliases in cfg.mlflow.metrics.values() for a in aliases}


_ROWS = TypeAdapter(list[KpiRow])


def kpi_row_data(
    cfg: Config,
    run: RunRecord,
    zone: ZoneInfo,
    baseline_id: str | None,
    aliases: set[str],
    marks: list[VersionMark] | None = None,
) -> dict[str, Any]:
    """One row as plain data; `kpi_rows` validates every row in one pydantic-core call."""
    values, keys = {}, {}
    for canonical, names in cfg.mlflow.metrics.items():
        key, raw = pick_alias(run.metrics, names)
        values[canonical], keys[canonical] = metric_value_data(raw), key
    extra = {
        k: metric_value_data(v)
        for k, v in sorted(run.metrics.items())
        if k not in aliases and not k.startswith(SYSTEM_PREFIX)
    }
    return dict(
        run_id=run.run_id,
        run_id_short=run.run_id[:SHORT_ID],
        run_name=run.run_name,
        experiment=run.experiment_name,
        version=run.tags.get(cfg.mlflow.version_tag),
        stage=run.tags.get(STAGE_TAG),
        start_time=run.start_time,
        date=_date(run.start_time, zone),
        status=run.status,
        is_baseline=run.run_id == baseline_id,
        values=values,
        metric_keys=keys,
        extra=extra,
        params_hash=params_hash(run.params) if run.params else None,
        registered=marks or [],
    )


def kpi_rows(
    cfg: Config,
    runs: RunSet,
    baseline_id: str | None,
    marks: dict[str, list[VersionMark]] | None = None,
) -> list[KpiRow]:
    """Rows in start-time order (runs without a start time last)."""
    zone = _zone(cfg)
    ordered = sorted(runs.runs, key=lambda r: (r.start_time is None, r.start_time or datetime.min))
    aliases = _all_aliases(cfg)
    marks = marks or {}
    return _ROWS.validate_python(
        [kpi_row_data(cfg, r, zone, baseline_id, aliases, marks.get(r.run_id)) for r in ordered]
    )


def trends(cfg: Config, rows: list[KpiRow]) -> dict[str, list[TrendPoint]]:
    """Each canonical metric per run in time order (rows are already in start-time order)."""
    return {m: trend_points(m, rows) for m in cfg.mlflow.metrics}


def _system_wanted(runs: RunSet, rows: list[KpiRow]) -> dict[str, list[str]]:
    """System metrics of release (versioned) and baseline runs only: a few calls, not one per row."""
    keep = {r.run_id for r in rows if r.version or r.is_baseline}
    return {
        r.run_id: sorted(k for k in r.metrics if k.startswith(SYSTEM_PREFIX))
        for r in runs.runs
        if r.run_id in keep and any(k.startswith(SYSTEM_PREFIX) for k in r.metrics)
    }


def unknown_values(rows: list[KpiRow], columns: list[str]) -> list[str]:
    """'run (id): metric = NaN, …' for each row whose KPI values are NaN or ±inf."""
    items = []
    for r in rows:
        bad = [
            f"{m} = {mv.display}"
            for m in columns
            if (mv := r.values.get(m)) is not None and mv.state not in ("ok", "missing")
        ]
        if bad:
            items.append(f"{r.run_name} ({r.run_id_short}): {', '.join(bad)}")
    return items


def unknown_values_summary(items: list[str], more: str = "and {n} more run(s)") -> str:
    """The first UNKNOWN_LISTED items joined, then how many more."""
    shown = items[:UNKNOWN_LISTED]
    if len(items) > UNKNOWN_LISTED:
        shown.append(more.format(n=len(items) - UNKNOWN_LISTED))
    return "; ".join(shown)


def build_kpis(
    cfg: Config,
    runs: RunSet | None = None,
    *,
    since: datetime | None = None,
    experiments: list[str] | None = None,
    with_dvc: bool = True,
    with_system: bool = True,
    with_registry: bool = True,
) -> KpiReport:
    """Load the runs (unless given), resolve the baseline, and build rows (marked with their
    registered model versions), trends and DVC metrics."""
    source = MlflowSource.of(cfg)
    if runs is None:
        runs = load_runs(source, experiments=experiments, since=since)
    choice = resolve_baseline(cfg, runs)
    marks: dict[str, list[VersionMark]] = {}
    marks_note: Msg | None = None
    if with_registry and runs.runs:
        marks, marks_note = registry_marks(cfg, [r.run_id for r in runs.runs])
    rows = kpi_rows(cfg, runs, choice.run_id, marks)
    notes = [*runs.remarks, *(choice.registry.remarks if choice.registry else [])]
    remarks = [*choice.remarks, *([marks_note] if marks_note else [])]
    system: list[SystemUsage] = []
    if with_system:
        try:
            history = system_metric_history(source, _system_wanted(runs, rows))
        except SourceError as exc:
            remarks.append(msg("kpis.note.no_system", error=str(exc)))
            history = {}
        by_id = {r.run_id: r for r in rows}
        system = [system_usage(rid, by_id[rid].version, h) for rid, h in history.items()]
    dvc = None
    if with_dvc:
        base_row = next((r for r in rows if r.is_baseline), None)
        tag = None if cfg.baseline.model else cfg.baseline.version  # model: a version number
        base_rev = (base_row.version if base_row else None) or tag
        try:
            dvc = load_dvc_metrics(DvcSource.of(cfg), base_rev)
            notes.extend(dvc.remarks)
        except SourceError as exc:
            remarks.append(msg("kpis.note.no_dvc", error=str(exc)))
    aliases = _all_aliases(cfg)
    extra_cols = sorted({k for r in rows for k in r.extra} - aliases)
    unknown = unknown_values(rows, list(cfg.mlflow.metrics))
    if unknown:  # on stderr too: a NaN KPI is unknown, never a pass, and must not go unnoticed
        log.warning(
            "warning: KPI values that are NaN or ±inf (unknown, never counted as a pass): %s",
            unknown_values_summary(unknown),
        )
    return KpiReport(
        tracking_uri=runs.tracking_uri,
        store_kind=runs.store_kind,
        experiments=[e.name for e in runs.experiments],
        timezone=cfg.report.timezone,
        columns=list(cfg.mlflow.metrics),
        extra_columns=extra_cols,
        rows=rows,
        baseline_run_id=choice.run_id,
        baseline=choice,
        trends=trends(cfg, rows),
        system=system,
        dvc_metrics=dvc,
        deleted_excluded=runs.deleted_excluded,
        skipped=runs.skipped,
        source_notes=notes,
        remarks=remarks,
    )


KPIS = PartKey("kpis", KpiReport)  # the typed handle: result.get(KPIS)
