"""One metric value as the report shows it: a finite number, or missing / NaN / ±inf, flagged.

MLflow's SQL stores keep ±inf as ±1.7976931348623157e308; any |x| ≥ 1.7e308 is read as ±inf,
so a stand-in never passes a threshold as a huge number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

MetricState = Literal["ok", "missing", "nan", "inf", "-inf"]
MISSING = "—"
INF_STANDIN = 1.7e308


class MetricValue(BaseModel):
    model_config = ConfigDict(frozen=True)
    value: float | None  # a finite number, else None (see state)
    state: MetricState
    display: str

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def format_number(x: float) -> str:
    """Up to 6 significant digits, like MLflow's UI rounds; integers without a decimal point."""
    return f"{x:.6g}"


def metric_value_data(x: float | None) -> dict[str, Any]:
    """MetricValue's fields as plain data: the KPI table validates all rows in one call."""
    if x is None:
        return {"value": None, "state": "missing", "display": MISSING}
    if math.isnan(x):
        return {"value": None, "state": "nan", "display": "NaN"}
    if math.isinf(x) or abs(x) >= INF_STANDIN:
        state = "inf" if x > 0 else "-inf"
        return {"value": None, "state": state, "display": state}
    return {"value": float(x), "state": "ok", "display": format_number(x)}


def metric_value(x: float | None) -> MetricValue:
    return MetricValue.model_validate(metric_value_data(x))


def pick_alias(metrics: Mapping[str, float], aliases: list[str]) -> tuple[str | None, float | None]:
    """The first alias present in the run's metrics wins (config order), with its value."""
    for key in aliases:
        if key in metrics:
            return key, metrics[key]
    return None, None
