"""The Model Registry's part in the baseline and in the integrity checklist.

- `resolve_registry_baseline`: `baseline: {model: NAME, alias: champion}` (or `version: N`) →
  the run behind that registered version, with the model, version, alias and logged model id
  for the report. A version without a usable run is an error that says which; metricwatch
  never picks another run.
- `registered_version_item`: the checklist item "registered model version for this run", a
  pure function of the tag's run id and the registry listing (ok / fail / unknown + reason).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from metricwatch.config import Config
from metricwatch.errors import CheckError
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words, from_text, joined, msgs_from_text, plain
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.integrity.model import CheckItem
from metricwatch.sources.mlflow_registry import (
    RegisteredVersion,
    RegistryListing,
    get_model_version,
)
from metricwatch.sources.mlflow_runs import RunSet
from metricwatch.sources.views import MlflowSource

ITEM = "registered_model"
READY = "READY"


class RegistryBaseline(BaseModel):
    model_config = ConfigDict(frozen=True)

    run_id: str
    model: str
    version: str
    alias: str | None  # the alias the config names (None: the config names the version)
    aliases: list[str] = Field(default_factory=list)  # every alias on that version
    model_id: str | None = None
    source: str | None = None
    label: Words  # the selector, e.g. "model student-performance@champion (version 1)"
    remarks: list[Msg] = Field(default_factory=list)  # e.g. the version is not READY yet

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        """A baseline saved before its notes and selector were messages (an older
        metrics.json) keeps them."""
        return from_text(msgs_from_text(data, notes="remarks"), selector="label")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def selector(self) -> str:
        """The selector in English (the CLI, `--format json`)."""
        return words_text(self.label)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return [m.text("en") for m in self.remarks]


def describe(
    model: str, alias: str | None, version: str | int | None, resolved: str | None = None
) -> Msg:
    """A registered model selector as a message; `resolved`: the version an alias points to."""
    if alias is None:
        return msg("baseline.selector.version_of", model=model, version=str(version))
    if resolved is None:
        return msg("baseline.selector.alias", model=model, alias=alias)
    return msg("baseline.selector.alias_version", model=model, alias=alias, version=resolved)


def _check_run(cfg: Config, runs: RunSet, mv: RegisteredVersion, label: str) -> None:
    if not mv.run_id:
        raise CheckError(
            f"{cfg.source}: baseline ({label}) has no source run (registered from "
            f"{mv.source or 'an unknown source'}); register a version from a run, or pin "
            "baseline.run_id."
        )
    if any(r.run_id == mv.run_id for r in runs.runs):
        return
    if any(d.run_id == mv.run_id for d in runs.deleted):
        raise CheckError(
            f"{cfg.source}: baseline ({label}) is run {mv.run_id}, which is deleted; restore it "
            "(MLflow UI, or MlflowClient().restore_run) or point the alias at another version; "
            "metricwatch never picks another run."
        )
    where = ", ".join(e.name for e in runs.experiments) or "no experiment"
    raise CheckError(
        f"{cfg.source}: baseline ({label}) is run {mv.run_id}, which is not in the experiments "
        f"read ({where}) of {runs.tracking_uri}; add its experiment to mlflow.experiments."
    )


def resolve_registry_baseline(
    cfg: Config,
    runs: RunSet,
    model: str,
    *,
    alias: str | None = None,
    version: str | int | None = None,
) -> RegistryBaseline:
    """The baseline run a registered version names; SourceError/CheckError saying what is wrong."""
    mv = get_model_version(MlflowSource.of(cfg), model, alias=alias, version=version)
    said = describe(model, alias, version, resolved=mv.version)
    label = said.text("en")  # in errors and notes (English)
    notes: list[Msg] = []
    if mv.status and mv.status != READY:
        if mv.status == "FAILED_REGISTRATION":
            raise CheckError(
                f"{cfg.source}: baseline ({label}) failed its registration (status "
                f"{mv.status}); register the model again or choose another version."
            )
        notes.append(msg("kpis.note.registry_not_ready", label=label, status=mv.status))
    _check_run(cfg, runs, mv, label)
    return RegistryBaseline(
        run_id=mv.run_id or "",
        model=model,
        version=mv.version,
        alias=alias,
        aliases=mv.aliases,
        model_id=mv.model_id,
        source=mv.source,
        label=[said],
        remarks=notes,
    )


def _named(model: str, versions: list[RegisteredVersion]) -> Words:
    """The model and its versions with their aliases: "model version 1 @champion, version 2"."""
    named = [
        [msg("integrity.reason.model_version", version=v.version, aliases=_aliases(v))]
        for v in versions
    ]
    return [plain(f"{model} "), *joined(named, "words.comma")]


def _aliases(v: RegisteredVersion) -> str:
    return "".join(f" @{a}" for a in v.aliases)


def registered_version_item(run_id: str | None, listing: RegistryListing, model: str) -> CheckItem:
    """Is a version of `model` registered from the release's run? (integrity.registered_model)"""
    if run_id is None:
        no_run = msg("integrity.reason.no_run_to_look_up")
        return CheckItem(name=ITEM, status="unknown", why=[no_run])
    if not listing.available:
        why = msg("integrity.reason.registry_unavailable", reason=listing.reason)
        return CheckItem(name=ITEM, status="unknown", why=[why])
    mine = [v for v in listing.for_run(run_id) if v.model == model]
    if not mine:
        others = sorted({v.model for v in listing.for_run(run_id)})
        where = {"model": repr(model), "run_id": run_id}
        why = (
            msg("integrity.reason.not_registered_as", **where, others=", ".join(others))
            if others
            else msg("integrity.reason.not_registered", **where)
        )
        return CheckItem(name=ITEM, status="fail", why=[why])
    failed = [v for v in mine if v.status == "FAILED_REGISTRATION"]
    if failed and len(failed) == len(mine):
        failed_why = [*_named(model, failed), msg("integrity.reason.registration_failed")]
        return CheckItem(name=ITEM, status="fail", why=failed_why)
    ready = [v for v in mine if v.status in (None, READY)]
    if not ready:
        not_ready = msg("integrity.reason.not_ready", status=mine[0].status)
        return CheckItem(name=ITEM, status="unknown", why=[*_named(model, mine), not_ready])
    return CheckItem(name=ITEM, status="ok", why=_named(model, ready))
