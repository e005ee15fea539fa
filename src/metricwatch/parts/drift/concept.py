"""Concept drift: score reference and current data with a run's logged model, compare RMSE and QWK.

The model is the baseline run's (config `baseline`) unless a run id or version is given. It is
downloaded to a temporary folder and loaded with `mlflow.pyfunc` (an MLflow model), or with
joblib when the run only logged a pickled scikit-learn model as a plain `.pkl`/`.joblib`
artifact; nothing is written to the tracking store. QWK compares the target with predictions rounded to the nearest label and
clipped to the labels' range. Without a logged model or a target, the result says so.
"""

from __future__ import annotations

import math
import tempfile
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Said, said
from metricwatch.parts.contract import Loaded
from metricwatch.parts.drift.model import ConceptDrift

if TYPE_CHECKING:
    from metricwatch.sources.mlflow_runs import RunRecord, RunSet

PICKLE_SUFFIXES = (".pkl", ".joblib")
MIN_SCORED_ROWS = 30  # fewer labelled rows on a side give an RMSE/QWK that means nothing


def _finite(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


def score(y: pd.Series, pred: np.ndarray) -> tuple[float | None, float | None]:
    """(RMSE, QWK) of predictions against a numeric target; None where undefined."""
    from sklearn.metrics import cohen_kappa_score

    yv = pd.to_numeric(y, errors="coerce").to_numpy(dtype=np.float64)
    pv = np.asarray(pred, dtype=np.float64).reshape(len(yv), -1)[:, 0]
    ok = np.isfinite(yv) & np.isfinite(pv)
    if not ok.any():
        return None, None
    yv, pv = yv[ok], pv[ok]
    rmse = _finite(float(np.sqrt(np.mean((pv - yv) ** 2))))
    qwk = None
    if np.all(yv == np.round(yv)):
        labels = np.round(np.clip(pv, yv.min(), yv.max())).astype(np.int64)
        if np.unique(np.concatenate([yv.astype(np.int64), labels])).size > 1:
            qwk = _finite(
                float(cohen_kappa_score(yv.astype(np.int64), labels, weights="quadratic"))
            )
    return rmse, qwk


def choose_run(cfg: Config, runs: RunSet, model_run: str | None) -> RunRecord | Msg | Said:
    """The run whose model scores the data: a run id / version value, else the KPI baseline
    (the same run the KPI table marks: `parts.kpis.baseline`); when none, why, as a message
    (drift.concept.no_match.*) that the presenter words in the report's language."""
    from metricwatch.parts.kpis.baseline import resolve_baseline

    key = cfg.mlflow.version_tag
    if model_run:
        found = [r for r in runs.runs if r.run_id == model_run or r.tags.get(key) == model_run]
        if not found:
            return msg("drift.concept.no_match.model_run", tag=key, value=repr(model_run))
        return max(found, key=lambda r: r.start_time.timestamp() if r.start_time else 0.0)
    choice = resolve_baseline(cfg, runs)  # a configured baseline that is missing raises
    chosen = next((r for r in runs.runs if r.run_id == choice.run_id), None)
    if chosen is None:
        return said("drift.concept.no_match.baseline", items=choice.label, sep="")
    return chosen


def _model_path(cfg: Config, run: Any, workdir: str) -> tuple[str, str] | None:
    """(model URI for the report, local folder) of the run's logged model, downloaded."""
    from metricwatch.sources.mlflow_access import make_client, mlflow_env, translate_errors
    from metricwatch.sources.mlflow_runs import list_run_artifacts
    from metricwatch.sources.views import MlflowSource

    source = MlflowSource.of(cfg)
    client = make_client(source)
    with mlflow_env(source), translate_errors(source, f"find the model of run {run.run_id}"):
        try:
            logged = client.search_logged_models(
                experiment_ids=[run.experiment_id],
                filter_string=f"source_run_id = '{run.run_id}'",
            )
        except Exception:  # older servers have no logged-model API: fall back to artifacts
            logged = []  # type: ignore[assignment]
        if logged:
            import mlflow.artifacts

            m = logged[0]
            uri = source.tracking_uri()
            local = mlflow.artifacts.download_artifacts(
                artifact_uri=m.artifact_location,
                dst_path=workdir,
                tracking_uri=uri if uri.startswith(("http://", "https://")) else None,
            )
            return f"models:/{m.model_id}", local
    artifacts = list_run_artifacts(source, run.run_id)
    dirs = sorted(
        p.rsplit("/", 1)[0] if "/" in p else "" for p in artifacts if p.endswith("MLmodel")
    )
    # no MLflow model: a pickled scikit-learn model logged as a plain artifact
    pickles = sorted(p for p in artifacts if p.endswith(PICKLE_SUFFIXES))
    chosen = dirs[0] if dirs else pickles[0] if pickles else None
    if chosen is None:
        return None
    with mlflow_env(source), translate_errors(source, f"download the model of run {run.run_id}"):
        local = client.download_artifacts(run.run_id, chosen, dst_path=workdir)
    return f"runs:/{run.run_id}/{chosen}", local


def _predictors(local: str, reference: pd.DataFrame, target: str) -> tuple[Any, list[str]]:
    """(model with .predict, input columns) from an MLflow model folder or a pickle file."""
    if local.endswith(PICKLE_SUFFIXES):
        import joblib

        # Unpickling runs code from the pickle: this is the user's own tracking store, the
        # same trust mlflow.pyfunc (cloudpickle) needs.
        model = joblib.load(local)
        names = getattr(model, "feature_names_in_", None)
        cols = [str(c) for c in names] if names is not None else None
    else:
        import mlflow.pyfunc

        model = mlflow.pyfunc.load_model(local)
        schema = model.metadata.get_input_schema()
        cols = schema.input_names() if schema is not None else None
    return model, cols or [c for c in reference.columns if c != target]


def concept_drift(
    cfg: Config,
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    runs: Loaded[RunSet],
    model_run: str | None = None,
) -> ConceptDrift:
    """RMSE and QWK of a run's model on both sides; `runs`: the MLflow runs, loaded once by the
    caller (the pipeline's, or the reason they could not be read)."""
    target = cfg.drift.target
    if not target:
        return ConceptDrift(status="unavailable", why=msg("drift.concept.no_target"))
    for side, frame in (("reference", reference), ("current", current)):
        if target not in frame.columns:
            return ConceptDrift(
                status="unavailable",
                target=target,
                why=msg(f"drift.concept.{side}_no_target", target=repr(target)),
            )
    for side, frame in (("reference", reference), ("current", current)):
        labelled = int(frame[target].notna().sum())
        if labelled < MIN_SCORED_ROWS:
            return ConceptDrift(
                status="unavailable",
                target=target,
                why=msg(f"drift.concept.{side}_few_rows", n=labelled, min=MIN_SCORED_ROWS),
            )
    if runs.value is None:
        return ConceptDrift(
            status="unavailable",
            target=target,
            why=msg("drift.concept.no_run", error=runs.reason or "no runs"),
        )
    try:
        run = choose_run(cfg, runs.value, model_run)
    except MetricwatchError as exc:
        return ConceptDrift(
            status="unavailable", target=target, why=msg("drift.concept.no_run", error=str(exc))
        )
    if isinstance(run, Msg | Said):
        return ConceptDrift(status="unavailable", target=target, why=run)
    base: dict[str, Any] = {
        "run_id": run.run_id,
        "run_name": run.run_name,
        "version": run.tags.get(cfg.mlflow.version_tag),
        "target": target,
    }
    with tempfile.TemporaryDirectory(prefix="metricwatch-model-") as tmp:
        try:
            found = _model_path(cfg, run, tmp)
        except MetricwatchError as exc:
            return ConceptDrift(
                status="error", why=msg("drift.concept.error", error=str(exc)), **base
            )
        if found is None:
            return ConceptDrift(
                status="unavailable",
                why=msg("drift.concept.no_model", run_id=run.run_id),
                **base,
            )
        uri, local = found
        try:
            model, cols = _predictors(local, reference, target)
            for side, frame in (("reference", reference), ("current", current)):
                absent = [c for c in cols if c not in frame.columns]
                if absent:
                    return ConceptDrift(
                        status="unavailable",
                        model_uri=uri,
                        why=msg(
                            f"drift.concept.{side}_lacks_columns",
                            n=len(absent),
                            total=len(cols),
                            columns=", ".join(absent[:5]) + (" …" if len(absent) > 5 else ""),
                        ),
                        **base,
                    )
            preds = [model.predict(f[cols]) for f in (reference, current)]
        except Exception as exc:  # a user model can raise anything: report it, do not crash
            return ConceptDrift(
                status="error",
                model_uri=uri,
                why=msg(
                    "drift.concept.scoring_failed", uri=uri, error=f"{type(exc).__name__}: {exc}"
                ),
                **base,
            )
    rmse_r, qwk_r = score(reference[target], np.asarray(preds[0]))
    rmse_c, qwk_c = score(current[target], np.asarray(preds[1]))
    return ConceptDrift(
        status="ok",
        model_uri=uri,
        rmse_reference=rmse_r,
        rmse_current=rmse_c,
        rmse_change=None if rmse_r is None or rmse_c is None else rmse_c - rmse_r,
        qwk_reference=qwk_r,
        qwk_current=qwk_c,
        qwk_change=None if qwk_r is None or qwk_c is None else qwk_c - qwk_r,
        n_reference=len(reference),
        n_current=len(current),
        **base,
    )
