"""Trends for the report's plots: each KPI per version and time; system-metric efficiency."""

from __future__ import annotations

import math
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from metricwatch.checks.metric_values import MetricState, MetricValue

MEMORY_KEYS = ("system/system_memory_usage_megabytes",)
CPU_KEYS = ("system/cpu_utilization_percentage",)


class TrendPoint(BaseModel):
    model_config = ConfigDict(frozen=True)
    metric: str
    run_id: str
    run_name: str
    version: str | None
    start_time: datetime | None
    value: float | None
    state: MetricState
    is_baseline: bool


class SystemUsage(BaseModel):
    model_config = ConfigDict(frozen=True)
    run_id: str
    version: str | None
    peak_memory_mb: float | None
    peak_cpu_pct: float | None
    mean_cpu_pct: float | None
    samples: int


def trend_points(
    metric: str,
    rows: list[tuple[str, str, str | None, datetime | None, MetricValue, bool]],
) -> list[TrendPoint]:
    """Points in time order (runs without a start time last)."""
    pts = [
        TrendPoint(
            metric=metric, run_id=rid, run_name=name, version=version, start_time=start,
            value=mv.value, state=mv.state, is_baseline=base,
        )
        for rid, name, version, start, mv, base in rows
    ]  # fmt: skip
    return sorted(pts, key=lambda p: (p.start_time is None, p.start_time or datetime.min))


def _finite(values: list[float]) -> list[float]:
    return [v for v in values if math.isfinite(v) and abs(v) < 1.7e308]


def system_usage(run_id: str, version: str | None, history: dict[str, list[float]]) -> SystemUsage:
    mem = _finite([v for k in MEMORY_KEYS for v in history.get(k, [])])
    cpu = _finite([v for k in CPU_KEYS for v in history.get(k, [])])
    return SystemUsage(
        run_id=run_id,
        version=version,
        peak_memory_mb=max(mem) if mem else None,
        peak_cpu_pct=max(cpu) if cpu else None,
        mean_cpu_pct=sum(cpu) / len(cpu) if cpu else None,
        samples=max((len(v) for v in history.values()), default=0),
    )
