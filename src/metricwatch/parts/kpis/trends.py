"""Trends for the report's plots: each KPI per version and time; system-metric efficiency."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from metricwatch.parts.kpis.metric_values import MetricState

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


_POINTS = TypeAdapter(list[TrendPoint])


def trend_points(metric: str, rows: Sequence[Any]) -> list[TrendPoint]:
    """One point per KPI row (rows with run_id, run_name, version, start_time, values, is_baseline),
    in the rows' order, validated in one call."""
    return _POINTS.validate_python(
        [
            {
                "metric": metric, "run_id": r.run_id, "run_name": r.run_name,
                "version": r.version, "start_time": r.start_time,
                "value": r.values[metric].value, "state": r.values[metric].state,
                "is_baseline": r.is_baseline,
            }
            for r in rows
        ]
    )  # fmt: skip


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
