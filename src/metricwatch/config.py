"""metricwatch.yaml: one file, one section per concern, validated on load.

Unknown keys are errors that list the valid keys; relative paths are relative to the config
file's folder; secrets are never stored here, only the names of environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from metricwatch.config_errors import format_validation_error
from metricwatch.durations import Duration, Keep
from metricwatch.errors import ConfigError
from metricwatch.redact import REDACTED, redact_url
from metricwatch.vocab import STATUS_METRICS, STATUS_VALUES, Severity
from metricwatch.window_spec import parse_window

CONFIG_NAME = "metricwatch.yaml"
CANONICAL_METRICS = ("rmse", "qwk", "train_time_s", "drift_pct")
Lang = Literal["en", "es"]
TRACKING_URI_UNSET = "mlflow.tracking_uri is not set and MLFLOW_TRACKING_URI is empty"
TRACKING_URI_FIX = (
    "set one (e.g. sqlite:///mlflow.db or http://127.0.0.1:5000). metricwatch never falls back "
    "to creating ./mlruns."
)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectConfig(Section):
    path: str = "."
    name: str | None = None


def _default_metric_aliases() -> dict[str, list[str]]:
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
    metrics: dict[str, list[str]] = Field(default_factory=_default_metric_aliases)
    timeout_s: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    include_deleted: bool = False

    @field_validator("metrics")
    @classmethod
    def _aliases_not_empty(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        merged = _default_metric_aliases()
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


RULE_KINDS = ("max", "min", "max_ratio_to_baseline", "min_ratio_to_baseline", "max_delta")
# Rules over a check's status rather than a number: `metric: integrity` (tag statuses) and
# `metric: repro` (reproducibility verdicts), with `breach_on` listing the statuses that breach.
STATUS_DEFAULTS: dict[str, list[str]] = {
    "integrity": ["fail"],
    "repro": ["differ", "failed", "timed_out", "error"],
}


class ThresholdRule(Section):
    metric: str | None = None
    max: float | None = None
    min: float | None = None
    max_ratio_to_baseline: float | None = Field(default=None, gt=0)
    min_ratio_to_baseline: float | None = Field(default=None, gt=0)
    max_delta: float | None = None
    breach_on: list[str] | None = None
    severity: Severity = "warn"
    enabled: bool = True
    message: dict[Lang, str] = Field(default_factory=dict)
    action: dict[Lang, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> ThresholdRule:
        kinds = [k for k in RULE_KINDS if getattr(self, k) is not None]
        if self.metric in STATUS_METRICS:
            if kinds:
                raise ValueError(
                    f"metric {self.metric!r} is a status rule: use breach_on (a list of "
                    f"{', '.join(STATUS_VALUES[self.metric])}), not {', '.join(kinds)}"
                )
            bad = [v for v in self.breach_on or [] if v not in STATUS_VALUES[self.metric]]
            if bad:
                raise ValueError(
                    f"breach_on: unknown {self.metric} status {', '.join(map(repr, bad))}; "
                    f"valid: {', '.join(STATUS_VALUES[self.metric])}"
                )
            return self
        if self.breach_on is not None:
            raise ValueError(
                f"breach_on applies only to metric {' or '.join(STATUS_METRICS)}; "
                f"give one of {', '.join(RULE_KINDS)} instead"
            )
        if len(kinds) != 1:
            raise ValueError(
                f"a rule needs exactly one of {', '.join(RULE_KINDS)} (got {', '.join(kinds) or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        if self.metric in STATUS_METRICS:
            return "breach_on"
        return next(k for k in RULE_KINDS if getattr(self, k) is not None)

    @property
    def value(self) -> float:
        if self.kind == "breach_on":
            raise ValueError(f"status rule on {self.metric!r} has no numeric threshold")
        return float(getattr(self, self.kind))

    @property
    def breach_statuses(self) -> list[str]:
        """For a status rule: the statuses that breach it (configured or the default)."""
        if self.metric not in STATUS_METRICS:
            return []
        return list(self.breach_on or STATUS_DEFAULTS[self.metric])


def _default_thresholds() -> dict[str, ThresholdRule]:
    """The seed template's four example thresholds."""
    return {
        "rmse": ThresholdRule(
            max_ratio_to_baseline=1.10,
            message={"en": "RMSE above 1.10 × baseline", "es": "RMSE > 1.10 × RMSE_baseline"},
            action={"en": "review data / feature store", "es": "revisar datos/feature store"},
        ),
        "qwk": ThresholdRule(
            min=0.70,
            message={"en": "QWK below 0.70", "es": "QWK < 0.70"},
            action={"en": "consistency degradation", "es": "degradación de consistencia"},
        ),
        "drift_pct": ThresholdRule(
            max=5.0,
            message={"en": "data drift above 5 %", "es": "Drift > 5 %"},
            action={"en": "evaluate retraining", "es": "evaluar retraining"},
        ),
        "train_time_s": ThresholdRule(
            max_ratio_to_baseline=1.25,
            message={
                "en": "train time above 1.25 × baseline",
                "es": "train_time_s > 1.25 × baseline",
            },
            action={
                "en": "review resources / hyperparameters",
                "es": "revisar recursos/hiperparámetros",
            },
        ),
    }


class DriftConfig(Section):
    reference: str | None = None  # PATH or PATH@REV (DVC-tracked path at a git revision)
    current: str | None = None
    target: str | None = None
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    categorical: list[str] = Field(default_factory=list)
    numeric: list[str] = Field(default_factory=list)
    ordinal: dict[str, list[str | int | float]] = Field(default_factory=dict)
    weights: dict[str, float] = Field(default_factory=dict)
    bins: int = Field(default=10, ge=2, le=1000)
    js_threshold: float = Field(default=0.1, gt=0, le=1)  # the effect floor
    p_value: float = Field(default=0.05, gt=0, lt=1)
    correction: Literal["bh", "bonferroni", "none"] = "bh"  # across a comparison's features
    bin_spec: str | None = None  # a frozen bin spec (metricwatch drift --freeze FILE)
    time_column: str | None = None  # cuts the current data into windows of `window`
    window: str | int | None = None  # 1D, 7D, 1M … or a number of rows
    engine: Literal["local", "spark"] = "local"
    spark: SparkConfig = Field(default_factory=lambda: SparkConfig())

    @field_validator("window")
    @classmethod
    def _window_form(cls, v: str | int | None) -> str | int | None:
        if v is not None:
            parse_window(v)
        return v

    @model_validator(mode="after")
    def _window_needs_time(self) -> DriftConfig:
        if self.window is None and self.time_column is not None:
            raise ValueError("time_column needs window (e.g. window: 7D)")
        by_time = isinstance(self.window, str) and not self.window.strip().isdigit()
        if by_time and self.time_column is None:
            raise ValueError(f"window {self.window!r} cuts by time: set time_column too")
        return self


class SparkConfig(Section):
    """The Spark engine: where the driver connects and how long it may wait."""

    master: str = "local[*]"  # local[2], spark://host:7077, yarn, k8s://…
    conf: dict[str, str] = Field(default_factory=dict)  # extra spark.* settings
    format: Literal["parquet", "csv", "delta", "orc", "json"] | None = None  # else by suffix
    start_timeout_s: float = Field(default=180.0, gt=0)  # session start (JVM, master, executors)
    timeout_s: float = Field(default=1800.0, gt=0)  # every counting job


class ReproConfig(Section):
    rev: str | None = None  # default: the newest matching tag with a dvc.yaml, else HEAD
    timeout_s: float = Field(default=900.0, gt=0)
    volatile_keys: list[str] = Field(default_factory=lambda: ["time", "duration", "timestamp"])
    cache: Literal["own", "user"] = "own"
    second_run: bool = False
    log: str = "logs/reproducibility.log"


class EvidenceConfig(Section):
    browser: str | None = None
    timeout_s: float = Field(default=60.0, gt=0)


class ReportConfig(Section):
    output: str = "reports"
    lang: Lang = "en"
    title: str | None = None
    timezone: str = "UTC"
    # Extra team notebooks rendered after the built-in one (paths relative to this file); each
    # receives the allow-listed parameters its `parameters` cell declares.
    notebooks: list[str] = Field(default_factory=list)
    kernel: str | None = None  # a Jupyter kernel name; None: metricwatch's own Python
    cell_timeout_s: float = Field(default=600.0, gt=0)


class PrometheusConfig(Section):
    textfile: str | None = None
    port: int = Field(default=9108, ge=1, le=65535)
    refresh_s: float = Field(default=300.0, gt=0)
    pushgateway: str | None = None
    job: str = "metricwatch"


class AlertsConfig(Section):
    slack_webhook_env: str | None = None
    teams_webhook_env: str | None = None
    # Alertmanager's base URL (it may carry credentials: never printed), or the variable holding it
    alertmanager_url: str | None = None
    alertmanager_url_env: str | None = None
    alertmanager_valid_for: Duration = "3h"  # a firing alert's endsAt = now + this
    repeat_interval: Duration = "24h"  # Slack/Teams: remind of a breach still firing after this
    timeout_s: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    prometheus: PrometheusConfig = Field(default_factory=PrometheusConfig)


class HistoryConfig(Section):
    enabled: bool = True
    path: str | None = None  # default: <report.output>/history.sqlite
    keep: Keep = "90d"  # a count of snapshots, or an age
    timeout_s: float = Field(default=30.0, gt=0)  # how long a writer waits for another's lock
    points: int = Field(default=20, ge=2, le=1000)  # renders the report's History section shows


class Config(Section):
    project: ProjectConfig = Field(default_factory=ProjectConfig)
    mlflow: MlflowConfig = Field(default_factory=MlflowConfig)
    baseline: BaselineConfig = Field(default_factory=BaselineConfig)
    tags: TagsConfig = Field(default_factory=TagsConfig)
    dvc: DvcConfig = Field(default_factory=DvcConfig)
    integrity: IntegrityConfig = Field(default_factory=IntegrityConfig)
    thresholds: dict[str, ThresholdRule] = Field(default_factory=_default_thresholds)
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
        known = set(mlflow_cfg.metrics if mlflow_cfg else _default_metric_aliases())
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
        uri = self.mlflow.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI")
        if not uri:
            raise ConfigError(f"{self.source}: {TRACKING_URI_UNSET}; {TRACKING_URI_FIX}")
        return absolutize_tracking_uri(uri, Path(self.root))

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


def find_config(path: str | Path | None = None) -> Path:
    if path is not None:
        p = Path(path)
        if p.is_dir():
            p = p / CONFIG_NAME
        if not p.is_file():
            raise ConfigError(
                f"{p}: no such config file. Create one with `metricwatch init {p.parent}`."
            )
        return p
    p = Path.cwd() / CONFIG_NAME
    if not p.is_file():
        raise ConfigError(
            f"no {CONFIG_NAME} in {Path.cwd()}: create one with `metricwatch init`, "
            "or pass --config PATH."
        )
    return p


def parse_config(data: Any, source: str, root: Path) -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of sections, got {type(data).__name__}")
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, source, Config)) from None
    cfg._source = source
    cfg._root = str(root)
    return cfg


def load_config(path: str | Path | None = None, *, check_paths: bool = True) -> Config:
    """Read and validate metricwatch.yaml; with check_paths, the project folder must exist."""
    p = find_config(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{p}:{where}: YAML syntax error: {exc.problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read: {exc}") from None
    cfg = parse_config(data, str(p), p.parent.resolve())
    if check_paths:
        _check_paths(cfg)
    return cfg


def _check_paths(cfg: Config) -> None:
    """The project folder must exist. A tracking store that is not there is not a config error:
    the parts that need no MLflow still run, and the run source says why its items are unknown
    (see metricwatch.sources.store_presence)."""
    if not cfg.project_path.is_dir():
        raise ConfigError(
            f"{cfg.source}: project.path: folder {cfg.project_path} does not exist; "
            "point it at your git + DVC repository."
        )
