"""The sections of metricwatch.yaml that say what to read: project, mlflow, baseline, tags,
integrity, dvc. Each is a frozen pydantic model; unknown keys are errors (`Section`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectConfig(Section):
    path: str = "."
    name: str | None = None


def default_metric_aliases() -> dict[str, list[str]]:
    return {
        "rmse": ["rmse", "root_mean_squared_error"],
        "qwk": ["qwk", "quadratic_weighted_kappa", "kappa"],
        "train_time_s": ["train_time_s", "training_time_s"],
        "drift_pct": ["data_drift_pct", "drift_pct"],
    }


class MlflowConfig(Section):
    tracking_uri: str | None = None
    experiments: list[str] = Field(default_factory=list)
    version_tag: str = "version"
    metrics: dict[str, list[str]] = Field(default_factory=default_metric_aliases)
    timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    include_deleted: bool = False

    @field_validator("metrics")
    @classmethod
    def _aliases_not_empty(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        merged = default_metric_aliases()
        for name, aliases in v.items():
            if not aliases:
                raise ValueError(f"metric {name!r} needs at least one alias")
            merged[name] = list(aliases)
        return merged


class BaselineConfig(Section):
    """One selector: run_id, version (a release tag), tag (run tags), or a registered model
    version: `model` with `alias` (e.g. champion) or with `version` (its number)."""

    run_id: str | None = None
    version: str | None = None
    tag: dict[str, str] | None = None
    model: str | None = None
    alias: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        """`version: 3` (a registered version number) is the text "3"."""
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @model_validator(mode="after")
    def _one_selector(self) -> BaselineConfig:
        if self.alias and not self.model:
            raise ValueError("alias needs model (baseline: {model: NAME, alias: champion})")
        if self.model:
            others = [k for k in ("run_id", "tag") if getattr(self, k)]
            if others:
                raise ValueError(f"model cannot go with {', '.join(others)}")
            if bool(self.alias) == bool(self.version):
                raise ValueError(
                    "model needs exactly one of alias or version (e.g. {model: NAME, alias: "
                    "champion} or {model: NAME, version: 3})"
                )
            return self
        chosen = [k for k in ("run_id", "version", "tag") if getattr(self, k)]
        if len(chosen) > 1:
            raise ValueError(f"give only one of run_id, version, tag (got {', '.join(chosen)})")
        return self

    @property
    def is_default(self) -> bool:
        return not (self.run_id or self.version or self.tag or self.model)

    def selector(self) -> dict[str, Any]:
        """The baseline as configured; by default the run tagged stage=baseline."""
        if self.model:
            return {"model": self.model, "alias": self.alias, "registered": self.version}
        if self.run_id:
            return {"run_id": self.run_id}
        if self.version:
            return {"version": self.version}
        return {"tag": dict(self.tag or {"stage": "baseline"})}


class TagsConfig(Section):
    pattern: str = "v*"
    regex: bool = False


class IntegrityConfig(Section):
    """What a release's MLflow run must hold. Each item is a name or a list of alternatives
    (any one satisfies it). Metric names may be canonical (resolved through mlflow.metrics
    aliases); artifact items are globs on artifact paths, their file names or folders, and
    `model` also matches any MLflow model (an MLmodel file or a logged model of the run)."""

    required_metrics: list[str | list[str]] = Field(
        default_factory=lambda: [["rmse", "qwk"]]  # type: ignore[arg-type]
    )
    required_artifacts: list[str | list[str]] = Field(
        default_factory=lambda: ["model", "metrics.json"]  # type: ignore[arg-type]
    )
    # a registered model (MLflow Model Registry): each release's run must be one of its versions
    registered_model: str | None = None


class DvcConfig(Section):
    remote: str | None = None
    timeout_s: float = Field(default=60.0, gt=0)
