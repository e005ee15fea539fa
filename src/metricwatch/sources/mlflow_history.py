"""Histories of MLflow system metrics (`system/…`), for the efficiency part of the report.

Only the runs the caller asks for (release and baseline runs), one call per run and metric:
the KPI table itself never needs a per-run round trip.
"""

from __future__ import annotations

from metricwatch.sources.mlflow_access import make_client, mlflow_env, translate_errors
from metricwatch.sources.views import MlflowSource

SYSTEM_PREFIX = "system/"


def system_metric_history(
    source: MlflowSource, wanted: dict[str, list[str]]
) -> dict[str, dict[str, list[float]]]:
    """{run_id: {system metric key: values in step order}} for the given run ids and keys."""
    if not wanted:
        return {}
    client = make_client(source)
    out: dict[str, dict[str, list[float]]] = {}
    with mlflow_env(source), translate_errors(source, "read system metric histories"):
        for run_id, keys in wanted.items():
            per_run: dict[str, list[float]] = {}
            for key in keys:
                history = client.get_metric_history(run_id, key)
                per_run[key] = [
                    m.value for m in sorted(history, key=lambda m: (m.step, m.timestamp))
                ]
            out[run_id] = per_run
    return out
