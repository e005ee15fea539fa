"""What the MLflow Model Registry says about models and runs (read-only, any store kind).

- `get_model_version(source, model, alias=… | version=…)`: one registered version with its run
  id, logged model id and aliases; a missing model, version or alias, or an alias left pointing at
  a deleted version, is a SourceError that names them and says what to do.
- `versions_for_runs(source, run_ids)`: every live version registered from those runs, with its
  aliases (MLflow's version search does not return aliases: they come from each model).
- `read_registry_listing`: the same, with the reason instead of an error when the registry
  cannot be read (a store without registry tables, a server down), for the integrity part.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.errors import MetricwatchError, SourceError
from metricwatch.redact import scrub
from metricwatch.sources.mlflow_access import display_uri, mlflow_env, translate_errors
from metricwatch.sources.mlflow_registry_store import registry_client
from metricwatch.sources.views import MlflowSource

# MLflow 3 registers a logged model as source `models:/<model id>`; SQL stores keep no model_id
_LOGGED_MODEL_SOURCE = re.compile(r"^models:/(m-[0-9a-f]+)$")
RUN_IDS_PER_QUERY = 100
PAGE_SIZE = 1000
MAX_LISTED = 10
T = TypeVar("T")


class RegisteredVersion(BaseModel):
    model_config = ConfigDict(frozen=True)

    model: str
    version: str
    run_id: str | None = None
    model_id: str | None = None  # the MLflow 3 logged model behind the version, if any
    source: str | None = None
    status: str | None = None  # READY, PENDING_REGISTRATION or FAILED_REGISTRATION
    aliases: list[str] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)
    created: datetime | None = None


class RegistryListing(BaseModel):
    model_config = ConfigDict(frozen=True)

    tracking_uri: str  # redacted
    versions: list[RegisteredVersion] = Field(default_factory=list)
    reason: str | None = None  # why the registry could not be read; None when it was

    @property
    def available(self) -> bool:
        return self.reason is None

    def for_run(self, run_id: str) -> list[RegisteredVersion]:
        return [v for v in self.versions if v.run_id == run_id]


def _or_none(fn: Callable[..., T], *args: Any) -> T | None:
    """fn(*args), or None when MLflow says the thing does not exist."""
    from mlflow.exceptions import MlflowException

    try:
        return fn(*args)
    except MlflowException as exc:
        gone = exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")
        if gone and "not found" in str(exc).lower():
            return None
        raise


def _record(mv: Any, aliases: dict[str, str]) -> RegisteredVersion:
    version = str(mv.version)
    created = mv.creation_timestamp
    return RegisteredVersion(
        model=mv.name,
        version=version,
        run_id=mv.run_id or None,
        model_id=getattr(mv, "model_id", None) or _logged_model_id(mv.source),
        source=mv.source or None,
        status=str(mv.status) if mv.status else None,
        aliases=sorted(a for a, v in aliases.items() if v == version),
        tags=dict(mv.tags or {}),
        created=datetime.fromtimestamp(created / 1000, tz=UTC) if created else None,
    )


def _logged_model_id(source: str | None) -> str | None:
    found = _LOGGED_MODEL_SOURCE.match(source or "")
    return found.group(1) if found else None


def _aliases(model: Any) -> dict[str, str]:
    return {str(a): str(v) for a, v in (model.aliases or {}).items()}


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    shown = ", ".join(items[:MAX_LISTED]) + (
        f" … ({len(items)} in all)" if len(items) > MAX_LISTED else ""
    )
    return shown or "none"


def _search_versions(client: Any, filter_string: str) -> list[Any]:
    out: list[Any] = []
    token = None
    while True:
        page = client.search_model_versions(filter_string, max_results=PAGE_SIZE, page_token=token)
        out.extend(page)
        token = page.token
        if not token:
            return out


def _model_names(client: Any) -> list[str]:
    return sorted(m.name for m in client.search_registered_models(max_results=100))


def _missing_model(source: MlflowSource, client: Any, model: str) -> SourceError:
    return SourceError(
        f"{display_uri(source)}: no registered model {model!r} (registered models: "
        f"{_listed(_model_names(client))}); fix the model name or register the model."
    )


def _missing_alias(
    source: MlflowSource, model: str, alias: str, aliases: dict[str, str]
) -> SourceError:
    have = _listed(f"@{a} → version {v}" for a, v in sorted(aliases.items()))
    return SourceError(
        f"{display_uri(source)}: registered model {model!r} has no alias @{alias} (its aliases: "
        f"{have}). MLflow removes an alias with the version it points at; set it again "
        "(MlflowClient().set_registered_model_alias) or fix the alias."
    )


def _dangling_alias(source: MlflowSource, model: str, alias: str, version: str) -> SourceError:
    return SourceError(
        f"{display_uri(source)}: alias @{alias} of registered model {model!r} points at version "
        f"{version}, which does not exist (deleted); point the alias at a live version "
        "(MlflowClient().set_registered_model_alias) or fix the alias."
    )


def _missing_version(source: MlflowSource, client: Any, model: str, version: str) -> SourceError:
    live = sorted((str(v.version) for v in _search_versions(client, _name_filter(model))), key=int)
    return SourceError(
        f"{display_uri(source)}: registered model {model!r} has no version {version} (versions: "
        f"{_listed(live)}); fix the version number."
    )


def _name_filter(model: str) -> str:
    if "'" in model:
        raise SourceError(f"registered model name {model!r}: a quote cannot be searched for")
    return f"name = '{model}'"


def get_model_version(
    source: MlflowSource, model: str, *, alias: str | None = None, version: str | int | None = None
) -> RegisteredVersion:
    """The version `model@alias` or `model/version` points at (exactly one of alias, version)."""
    if (alias is None) == (version is None):
        raise SourceError(f"registered model {model!r}: give exactly one of alias or version")
    client = registry_client(source)
    what = f"@{alias}" if alias is not None else f"version {version}"
    with mlflow_env(source), translate_errors(source, f"read registered model {model!r} {what}"):
        found = _or_none(client.get_registered_model, model)
        if found is None:
            raise _missing_model(source, client, model)
        aliases = _aliases(found)
        if alias is not None:
            if alias not in aliases:
                raise _missing_alias(source, model, alias, aliases)
            version = aliases[alias]
        mv = _or_none(client.get_model_version, model, str(version))
        if mv is None:
            if alias is not None:
                raise _dangling_alias(source, model, alias, str(version))
            raise _missing_version(source, client, model, str(version))
        return _record(mv, aliases)


def versions_for_runs(
    source: MlflowSource, run_ids: Iterable[str], *, model: str | None = None
) -> list[RegisteredVersion]:
    """Live versions registered from these runs (of `model` only, when given), with aliases."""
    ids = sorted(set(run_ids))
    if not ids:
        return []
    client = registry_client(source)
    found: list[Any] = []
    with mlflow_env(source), translate_errors(source, "search registered model versions"):
        if not client.search_registered_models(max_results=1):
            return []  # no model at all: one query, not one per RUN_IDS_PER_QUERY runs
        for start in range(0, len(ids), RUN_IDS_PER_QUERY):
            chunk = ", ".join(f"'{i}'" for i in ids[start : start + RUN_IDS_PER_QUERY])
            found += _search_versions(client, f"run_id IN ({chunk})")
        if model is not None:
            found = [mv for mv in found if mv.name == model]
        aliases = {
            name: _aliases(client.get_registered_model(name)) for name in {mv.name for mv in found}
        }
    records = [_record(mv, aliases[mv.name]) for mv in found]
    return sorted(records, key=lambda r: (r.model, int(r.version) if r.version.isdigit() else 0))


def read_registry_listing(
    source: MlflowSource, run_ids: Iterable[str], *, model: str | None = None
) -> RegistryListing:
    """versions_for_runs, with the reason instead of an error when the registry is unreadable."""
    uri = display_uri(source)
    try:
        return RegistryListing(
            tracking_uri=uri, versions=versions_for_runs(source, run_ids, model=model)
        )
    except MetricwatchError as exc:
        return RegistryListing(tracking_uri=uri, reason=scrub(str(exc)))
