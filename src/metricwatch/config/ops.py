"""The sections of metricwatch.yaml that say how to watch and where outputs go: drift (and its
Spark engine), repro, evidence, report, alerts (and Prometheus), history."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from metricwatch.config.sections import Section
from metricwatch.durations import Duration, Keep
from metricwatch.i18n import Lang
from metricwatch.window_spec import parse_window


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
