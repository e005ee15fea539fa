"""`Config`: the whole of metricwatch.yaml, where it was read from, and the paths and tracking
URI it resolves (relative to the file's folder; never ./mlruns by default)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator

from metricwatch.config.ops import (
    AlertsConfig,
    DriftConfig,
    EvidenceConfig,
    HistoryConfig,
    ReportConfig,
    ReproConfig,
)
from metricwatch.config.sections import (
    BaselineConfig,
    DvcConfig,
    IntegrityConfig,
    MlflowConfig,
    ProjectConfig,
    Section,
    TagsConfig,
    default_metric_aliases,
)
from metricwatch.config.thresholds import ThresholdRule, default_thresholds
from metricwatch.errors import ConfigError
from metricwatch.redact import REDACTED, redact_url
from metricwatch.vocab import STATUS_METRICS

TRACKING_URI_UNSET = "mlflow.tracking_uri is not set and MLFLOW_TRACKING_URI is empty"
TRACKING_URI_FIX = (
    "set one (e.g. sqlite:///mlflow.db or http://127.0.0.1:5000). metricwatch never falls back "
    "to creating ./mlruns."
)


class Config(Section):
    project: ProjectConfig = Field(default_factory=ProjectConfig)
    mlflow: MlflowConfig = Field(default_factory=MlflowConfig)
    baseline: BaselineConfig = Field(default_factory=BaselineConfig)
    tags: TagsConfig = Field(default_factory=TagsConfig)
    dvc: DvcConfig = Field(default_factory=DvcConfig)
    integrity: IntegrityConfig = Field(default_factory=IntegrityConfig)
    thresholds: dict[str, ThresholdRule] = Field(default_factory=default_thresholds)
    drift: DriftConfig = Field(default_factory=DriftConfig)
    repro: ReproConfig = Field(default_factory=ReproConfig)
    evidence: EvidenceConfig = Field(default_factory=EvidenceConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    history: HistoryConfig = Field(default_factory=HistoryConfig)

    @field_validator("baseline", mode="before")
    @classmethod
    def _empty_baseline_is_default(cls, v: Any) -> Any:
        """`baseline:` with every key commented out means the default (stage=baseline)."""
        return {} if v is None else v

    @field_validator("thresholds")
    @classmethod
    def _rules_have_aliases(
        cls, v: dict[str, ThresholdRule], info: ValidationInfo
    ) -> dict[str, ThresholdRule]:
        mlflow_cfg = info.data.get("mlflow")
        known = set(mlflow_cfg.metrics if mlflow_cfg else default_metric_aliases())
        for name, rule in v.items():
            metric = rule.metric or name
            if metric in STATUS_METRICS or metric in known:
                continue
            choices = ", ".join([*sorted(known), *STATUS_METRICS])
            raise ValueError(
                f"{name}.metric: metric {metric!r} has no aliases in mlflow.metrics; add "
                f"mlflow.metrics.{metric}: [<name logged in MLflow>] or use one of {choices}"
            )
        return v

    # Where the file was read from; every relative path resolves against its folder.
    _source: str = PrivateAttr(default="<defaults>")
    _root: str = PrivateAttr(default=".")

    @property
    def source(self) -> str:
        return self._source

    @property
    def root(self) -> str:
        return self._root

    def resolve(self, path: str | Path) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else (Path(self.root) / p).resolve()

    @property
    def project_path(self) -> Path:
        return self.resolve(self.project.path)

    @property
    def output_dir(self) -> Path:
        return self.resolve(self.report.output)

    @property
    def project_name(self) -> str:
        return self.project.name or self.project_path.name

    def tracking_uri(self) -> str:
        """The tracking URI with relative file/SQLite paths made absolute; never ./mlruns by default."""
        return resolve_tracking_uri(self.mlflow.tracking_uri, Path(self.root), self.source)

    def redacted_tracking_uri(self) -> str:
        return redact_url(self.tracking_uri())

    def redacted(self) -> dict[str, Any]:
        """The resolved config as plain data, safe to print or store in a report."""
        data = self.model_dump(mode="json")
        if data["mlflow"]["tracking_uri"]:
            data["mlflow"]["tracking_uri"] = redact_url(data["mlflow"]["tracking_uri"])
        pg = data["alerts"]["prometheus"]["pushgateway"]
        if pg:
            data["alerts"]["prometheus"]["pushgateway"] = redact_url(pg)
        if data["alerts"]["alertmanager_url"]:
            data["alerts"]["alertmanager_url"] = REDACTED
        return data


def resolve_tracking_uri(configured: str | None, root: Path, source: str) -> str:
    """mlflow.tracking_uri as written (else MLFLOW_TRACKING_URI, read now), made absolute
    against `root`; a ConfigError naming `source` (the config file) when neither is set."""
    uri = configured or os.environ.get("MLFLOW_TRACKING_URI")
    if not uri:
        raise ConfigError(f"{source}: {TRACKING_URI_UNSET}; {TRACKING_URI_FIX}")
    return absolutize_tracking_uri(uri, root)


def absolutize_tracking_uri(uri: str, root: Path) -> str:
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////"):
        return f"sqlite:///{(root / uri[len('sqlite:///') :]).resolve()}"
    if uri.startswith("file://"):
        return uri
    if uri.startswith("file:"):
        return f"file://{(root / uri[len('file:') :]).resolve()}"
    if "://" not in uri:
        return f"file://{(root / uri).resolve()}"
    return uri
