"""A run's MLflow 3 lineage: the datasets it logged as inputs and the logged models it produced.

- `run_datasets(source, run_ids)`: per run, each dataset input's name, digest, source URI, source
  type and context (`mlflow.log_input`), one `get_run` per run (release runs only).
- `logged_models_by_run(source, experiment_ids)`: per source run, the ids of its logged models
  (`LoggedModel`), every page of one search; a store or server without logged models gives {}.
Read-only, on any store kind (mlflow_access).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from metricwatch.sources.mlflow_access import make_client, mlflow_env, translate_errors
from metricwatch.sources.views import MlflowSource

CONTEXT_TAG = "mlflow.data.context"
PAGE_SIZE = 100


class RunDataset(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    digest: str
    source: str  # the source's URI (or its JSON when it has none)
    source_type: str
    context: str | None = None


class LoggedModelRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    model_id: str
    name: str
    run_id: str
    status: str | None = None


def source_text(raw: str) -> str:
    """The URI inside MLflow's JSON dataset source (`{"uri": …}`, `{"url": …}`, `{"path": …}`)."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return raw
    if isinstance(data, dict):
        for key in ("uri", "url", "path", "file_path"):
            if isinstance(value := data.get(key), str):
                return value
    return raw


def _dataset(inp: Any) -> RunDataset:
    ds = inp.dataset
    context = next((t.value for t in inp.tags or [] if t.key == CONTEXT_TAG), None)
    return RunDataset(
        name=ds.name,
        digest=ds.digest,
        source=source_text(ds.source),
        source_type=ds.source_type,
        context=context,
    )


def run_datasets(source: MlflowSource, run_ids: Iterable[str]) -> dict[str, list[RunDataset]]:
    """run id -> its dataset inputs, by name (an empty list when it logged none); stores keep
    no order for them (a file store lists its folder)."""
    ids = list(dict.fromkeys(run_ids))
    if not ids:
        return {}
    client = make_client(source)
    out: dict[str, list[RunDataset]] = {}
    with mlflow_env(source), translate_errors(source, "read the runs' dataset inputs"):
        for rid in ids:
            inputs = client.get_run(rid).inputs
            found = [_dataset(i) for i in (inputs.dataset_inputs if inputs else [])]
            out[rid] = sorted(found, key=lambda d: (d.name, d.context or "", d.digest))
    return out


def logged_models_by_run(
    source: MlflowSource, experiment_ids: Iterable[str]
) -> dict[str, list[LoggedModelRef]]:
    """source run id -> its logged models (oldest first)."""
    from mlflow.exceptions import MlflowException

    exps = sorted(set(experiment_ids))
    if not exps:
        return {}
    client = make_client(source)
    found: list[Any] = []
    with mlflow_env(source), translate_errors(source, "search logged models"):
        token = None
        while True:
            try:
                page = client.search_logged_models(
                    experiment_ids=exps, max_results=PAGE_SIZE, page_token=token
                )
            except MlflowException as exc:
                if exc.error_code == "ENDPOINT_NOT_FOUND" or "not implemented" in str(exc).lower():
                    return {}  # a server older than MLflow 3 has no logged models
                raise
            found.extend(page)
            token = page.token
            if not token:
                break
    out: dict[str, list[LoggedModelRef]] = {}
    for m in sorted(found, key=lambda m: m.creation_timestamp or 0):
        if m.source_run_id:
            out.setdefault(m.source_run_id, []).append(
                LoggedModelRef(
                    model_id=m.model_id, name=m.name, run_id=m.source_run_id, status=str(m.status)
                )
            )
    return out
