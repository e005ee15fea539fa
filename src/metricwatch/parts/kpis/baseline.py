"""The baseline run, resolved from the config: run id, version tag, a tag filter, or a
registered model version (`baseline: {model: NAME, alias: champion}` or `version: N`), which
resolves through the MLflow Model Registry to the version's run.

A baseline the user configured that is missing or deleted is an error saying which; it is
never silently replaced by another run. The default selector (stage=baseline) that matches
nothing gives no baseline and a note.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from metricwatch.config import Config
from metricwatch.errors import CheckError
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words, from_text
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.integrity.model_registry import (
    RegistryBaseline,
    resolve_registry_baseline,
)
from metricwatch.parts.integrity.model_registry import describe as registry_describe
from metricwatch.sources.mlflow_runs import RunRecord, RunSet


class BaselineChoice(BaseModel):
    model_config = ConfigDict(frozen=True)
    run_id: str | None
    label: Words  # the selector, e.g. "tag stage=baseline", "version v1.0.0", "run_id 3f2a…"
    configured: bool  # False for the default selector
    remarks: list[Msg] = []  # how the run was chosen, when that needs saying
    registry: RegistryBaseline | None = None  # the registered version, when the config names one

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return from_text(data, selector="label")  # a metrics.json of an older metricwatch

    @computed_field  # type: ignore[prop-decorator]
    @property
    def selector(self) -> str:
        """The selector in English (the CLI, `--format json`)."""
        return words_text(self.label)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        """The remarks in English, then the registry's notes."""
        return [m.text("en") for m in self.remarks] + (self.registry.notes if self.registry else [])


def describe(selector: dict[str, Any]) -> Msg:
    """The configured selector as a message (worded where it is shown)."""
    if "model" in selector:
        return registry_describe(selector["model"], selector["alias"], selector["registered"])
    if "run_id" in selector:
        return msg("baseline.selector.run_id", run_id=selector["run_id"])
    if "version" in selector:
        return msg("baseline.selector.version", version=selector["version"])
    tags = ", ".join(f"{k}={v}" for k, v in selector["tag"].items())
    return msg("baseline.selector.tag", tags=tags)


def _matches(tags: dict[str, str], run_id: str, selector: dict[str, Any], version_tag: str) -> bool:
    if "run_id" in selector:
        return bool(run_id == selector["run_id"])
    if "version" in selector:
        return bool(tags.get(version_tag) == selector["version"])
    return all(tags.get(k) == v for k, v in selector["tag"].items())


def _latest(runs: list[RunRecord]) -> RunRecord:
    return max(runs, key=lambda r: (r.status == "FINISHED", r.start_time is not None, r.start_time))


def _registered(cfg: Config, runs: RunSet, selector: dict[str, Any]) -> BaselineChoice:
    """The run behind a registered version; CheckError/SourceError naming model and alias."""
    reg = resolve_registry_baseline(
        cfg, runs, selector["model"], alias=selector["alias"], version=selector["registered"]
    )
    return BaselineChoice(run_id=reg.run_id, label=reg.label, configured=True, registry=reg)


def resolve_baseline(cfg: Config, runs: RunSet) -> BaselineChoice:
    selector = cfg.baseline.selector()
    if "model" in selector:
        return _registered(cfg, runs, selector)
    said = describe(selector)
    label = said.text("en")  # in errors and notes (English)
    configured = not cfg.baseline.is_default
    vt = cfg.mlflow.version_tag
    hits = [r for r in runs.runs if _matches(r.tags, r.run_id, selector, vt)]
    hits = [r for r in hits if r.lifecycle_stage == "active"] or hits
    if not hits:
        gone = [d for d in runs.deleted if _matches(d.tags, d.run_id, selector, vt)]
        where = ", ".join(e.name for e in runs.experiments) or "no experiment"
        if gone and configured:
            raise CheckError(
                f"{cfg.source}: baseline ({label}) is a deleted run; restore it (MLflow UI, or "
                "MlflowClient().restore_run) or change the baseline section; metricwatch never "
                "picks another run. Deleted: "
                f"{', '.join(d.run_id for d in gone)} in {runs.tracking_uri}."
            )
        if configured:
            raise CheckError(
                f"{cfg.source}: baseline ({label}) matches no run in {runs.tracking_uri} "
                f"(experiments: {where}); fix the baseline section or log that run. "
                "metricwatch never picks another run."
            )
        tagged = str(said.params.get("tags", ""))
        note = (
            msg("kpis.baseline.none_deleted", tag=tagged, runs=", ".join(d.run_id for d in gone))
            if gone
            else msg("kpis.baseline.none", tag=tagged)
        )
        return BaselineChoice(run_id=None, label=[said], configured=False, remarks=[note])
    chosen = _latest(hits)
    notes = []
    if len(hits) > 1:
        others = ", ".join(r.run_id for r in hits if r.run_id != chosen.run_id)
        several: dict[str, str | int] = {
            "n": len(hits),
            "selector": label,
            "run_id": chosen.run_id,
            "others": others,
        }
        notes.append(msg("kpis.baseline.several", **several))
    return BaselineChoice(run_id=chosen.run_id, label=[said], configured=configured, remarks=notes)
