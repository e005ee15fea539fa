"""Concept drift with a real MLflow store (SQLite, and a real `mlflow server`) and a logged model."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.configs import make_config

from metricwatch.config import parse_config
from metricwatch.i18n.words import said
from metricwatch.mlflow_server import local_mlflow_server
from metricwatch.parts.contract import Loaded
from metricwatch.parts.drift.concept import concept_drift, score
from metricwatch.pipeline.runs import load_runs_once
from metricwatch.sources.mlflow_runs import RunRecord


def _labelled(n: int, seed: int, flipped: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    latent = (-x1 if flipped else x1) + 0.5 * x2 + rng.normal(0, 0.3, n)
    return pd.DataFrame({"x1": x1, "x2": x2, "level": np.digitize(latent, [-1.0, 0.0, 1.0])})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import mlflow
    from sklearn.linear_model import LinearRegression

    root = tmp_path_factory.mktemp("concept")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    ref = _labelled(800, 1, False)
    client = mlflow.MlflowClient(tracking_uri=uri)
    exp = client.create_experiment("concept", artifact_location=(root / "artifacts").as_uri())
    mlflow.set_tracking_uri(uri)
    try:
        ids = {}
        runs = (("v1", "baseline", "mlflow"), ("v2", "candidate", None), ("v3", "x", "pickle"))
        for version, stage, kind in runs:
            with mlflow.start_run(experiment_id=exp, run_name=version) as run:
                mlflow.set_tags({"version": version, "stage": stage})
                model = LinearRegression().fit(ref[["x1", "x2"]], ref["level"])
                if kind == "pickle":  # a plain artifact, as many course projects log it
                    import joblib

                    joblib.dump(model, root / "model.pkl")
                    mlflow.log_artifact(str(root / "model.pkl"), artifact_path="model")
                if kind == "mlflow":
                    mlflow.sklearn.log_model(
                        model, name="model", input_example=ref[["x1", "x2"]].head(3)
                    )
                ids[version] = run.info.run_id
    finally:
        mlflow.set_tracking_uri(None)
    return {"root": root, "uri": uri, "ids": ids, "reference": ref}


CONCEPT = {"drift": {"target": "level"}, "baseline": {"tag": {"stage": "baseline"}}}


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_concept_drift_with_the_baseline_model(store: dict) -> None:
    db = store["root"] / "mlflow.db"
    before = _hash(db)
    cfg = make_config(store["root"], CONCEPT, mlflow={"tracking_uri": store["uri"]})
    cur = _labelled(800, 2, True)
    out = concept_drift(cfg, store["reference"], cur, runs=load_runs_once(cfg))
    assert out.status == "ok", out.reason
    assert out.run_id == store["ids"]["v1"] and out.version == "v1"
    assert out.model_uri is not None and out.model_uri.startswith("models:/")
    assert out.rmse_reference is not None and out.rmse_current is not None
    assert out.rmse_current > out.rmse_reference * 1.5
    assert out.qwk_reference is not None and out.qwk_reference > 0.6
    assert out.qwk_current is not None and out.qwk_current < out.qwk_reference - 0.5
    assert out.rmse_change == pytest.approx(out.rmse_current - out.rmse_reference)
    assert _hash(db) == before  # the tracking store is never written


@pytest.mark.slow
def test_concept_drift_through_a_real_mlflow_server(store: dict) -> None:
    with local_mlflow_server(store["uri"], timeout_s=240) as server:
        cfg = make_config(
            store["root"],
            {**CONCEPT, "baseline": {"version": "v1"}},
            mlflow={"tracking_uri": server.url},
        )
        out = concept_drift(
            cfg, store["reference"], _labelled(300, 3, False), runs=load_runs_once(cfg)
        )
    assert out.status == "ok", out.reason
    assert out.version == "v1"
    assert abs(out.rmse_change or 99) < 0.15  # same concept: about the same error


@pytest.mark.slow
def test_concept_drift_with_a_pickled_model_artifact(store: dict) -> None:
    cfg = make_config(store["root"], CONCEPT, mlflow={"tracking_uri": store["uri"]})
    out = concept_drift(
        cfg, store["reference"], _labelled(800, 2, True), model_run="v3", runs=load_runs_once(cfg)
    )
    assert out.status == "ok", out.reason
    assert out.model_uri == f"runs:/{store['ids']['v3']}/model/model.pkl"
    assert out.qwk_current is not None and out.qwk_reference is not None
    assert out.qwk_current < out.qwk_reference - 0.5


@pytest.mark.slow
def test_without_model_or_target_it_says_so(store: dict) -> None:
    cfg = make_config(store["root"], CONCEPT, mlflow={"tracking_uri": store["uri"]})
    ref = store["reference"]
    no_model = concept_drift(cfg, ref, ref, model_run="v2", runs=load_runs_once(cfg))
    assert no_model.status == "unavailable"
    assert (
        no_model.reason
        == f"run {store['ids']['v2']} has no logged model (no MLmodel, .pkl or .joblib artifact)"
    )
    no_target = concept_drift(cfg, ref, ref.drop(columns=["level"]), runs=load_runs_once(cfg))
    assert (
        no_target.reason
        == "the current data has no target column 'level': concept drift needs labels"
    )
    missing = concept_drift(cfg, ref, ref, model_run="v7", runs=load_runs_once(cfg))
    assert missing.status == "unavailable"
    assert missing.reason == "no MLflow run matches run id or version='v7'"
    # the runs could not be read: no model to score, and the reason why
    unread = concept_drift(cfg, ref, ref, runs=Loaded(reason="the tracking server is down"))
    assert unread.status == "unavailable"
    assert unread.reason == "no model run: the tracking server is down"
    # a configured baseline that matches no run is said, never replaced by another run
    nowhere = make_config(
        store["root"],
        {**CONCEPT, "baseline": {"version": "v9"}},
        mlflow={"tracking_uri": store["uri"]},
    )
    lost = concept_drift(nowhere, ref, ref, runs=load_runs_once(nowhere))
    assert lost.status == "unavailable" and lost.run_id is None
    assert "baseline (version v9) matches no run" in (lost.reason or ""), lost.reason
    unset = parse_config({}, "x.yaml", store["root"])
    assert (
        concept_drift(unset, ref, ref, runs=load_runs_once(unset)).reason
        == "no target: set drift.target to score a model"
    )


def test_score_known_answers() -> None:
    y = pd.Series([0, 1, 2, 3])
    rmse, qwk = score(y, np.array([0.0, 1.0, 2.0, 3.0]))
    assert rmse == 0.0 and qwk == 1.0
    rmse, _ = score(y, np.array([1.0, 2.0, 3.0, 4.0]))
    assert rmse == 1.0
    assert score(pd.Series([np.nan]), np.array([1.0])) == (None, None)


def test_too_few_labelled_rows_give_no_score(tmp_path: Path) -> None:
    cfg = make_config(
        tmp_path, CONCEPT, mlflow={"tracking_uri": f"sqlite:///{tmp_path / 'unused.db'}"}
    )
    out = concept_drift(
        cfg, _labelled(200, 0, False), _labelled(3, 1, False), runs=load_runs_once(cfg)
    )
    assert out.status == "unavailable" and out.rmse_current is None
    assert (
        out.reason
        == "too few labelled rows to score a model: n=3 in the current, at least 30 needed"
    )


def test_a_run_that_matches_nothing_is_a_message_worded_in_the_report_language() -> None:
    from metricwatch.parts.drift.concept import choose_run
    from metricwatch.parts.drift.model import ConceptDrift
    from metricwatch.parts.drift.section import concept_blocks
    from metricwatch.sources.mlflow_runs import RunSet

    no_runs = RunSet(tracking_uri="file:///s", store_kind="file", experiments=[], runs=[])
    by_tag = choose_run(make_config(), no_runs, "v7")
    baseline = choose_run(make_config(), no_runs, None)
    assert not isinstance(by_tag, RunRecord) and not isinstance(baseline, RunRecord)
    # the English stays what metrics.json's "reason" always said
    assert by_tag.text("en") == "no MLflow run matches run id or version='v7'"
    assert baseline.text("en") == "no MLflow run matches the baseline (tag stage=baseline)"
    assert by_tag.text("es") == "ningún run de MLflow coincide con el run id o version='v7'"
    assert baseline.text("es") == (
        "ningún run de MLflow coincide con el baseline (tag stage=baseline)"
    )
    concept = ConceptDrift(status="unavailable", why=baseline)
    again = ConceptDrift.model_validate_json(concept.model_dump_json())  # metrics.json reads back
    assert again.why == baseline and again.reason == baseline.text("en")
    notice = concept_blocks(again, "es")[-1]
    assert getattr(notice, "text", None) == baseline.text("es")
    # an older metrics.json's message (the English text as a parameter) still reads back
    old = ConceptDrift.model_validate(
        {"status": "unavailable", "why": {"key": "drift.concept.no_match", "params": {"run": "x"}}}
    )
    assert old.reason == "no MLflow run matches x"


def test_the_baseline_selector_is_worded_in_the_report_language_too() -> None:
    from metricwatch.parts.drift.model import ConceptDrift
    from metricwatch.parts.kpis.baseline import describe

    why = said("drift.concept.no_match.baseline", items=[describe({"version": "v9"})], sep="")
    concept = ConceptDrift.model_validate_json(
        ConceptDrift(status="unavailable", why=why).model_dump_json()
    )
    assert concept.reason == "no MLflow run matches the baseline (version v9)"
    assert concept.why is not None
    assert concept.why.text("es") == "ningún run de MLflow coincide con el baseline (versión v9)"
