"""The MLflow runs, loaded once per pipeline run as a value or the reason they are not there.

A tracking store that is not there (URI unset, a local store not pulled) is said once, with the
fix, before MLflow is asked anything; every part that needs the runs reads the same answer.
"""

from __future__ import annotations

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.parts.contract import Loaded
from metricwatch.redact import scrub
from metricwatch.sources.mlflow_runs import RunSet


def load_runs_once(cfg: Config) -> Loaded[RunSet]:
    from metricwatch.sources.mlflow_runs import load_runs
    from metricwatch.sources.store_presence import missing_store
    from metricwatch.sources.views import MlflowSource

    source = MlflowSource.of(cfg)
    missing = missing_store(source)
    if missing is not None:
        return Loaded(reason=scrub(missing.message), said=missing.said)
    try:
        return Loaded(value=load_runs(source))
    except MetricwatchError as exc:
        return Loaded(reason=scrub(str(exc)))
