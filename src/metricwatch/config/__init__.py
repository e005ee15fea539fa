"""metricwatch.yaml: one file, one section per concern, validated on load.

Unknown keys are errors that list the valid keys; relative paths are relative to the config
file's folder; secrets are never stored here, only the names of environment variables.

The package's modules: `sections` (what to read: project, mlflow, baseline, tags, integrity,
dvc), `thresholds` (the rules), `ops` (how to watch and where outputs go: drift, repro,
evidence, report, alerts, history), `model` (`Config`, the resolved paths and tracking URI),
`load` (find, parse, validate) and `validation` (pydantic errors as one line per key). The
names below are the config's public interface; code outside this package imports them from here.
"""

from metricwatch.config.load import CONFIG_NAME, find_config, load_config, parse_config
from metricwatch.config.model import (
    TRACKING_URI_FIX,
    TRACKING_URI_UNSET,
    Config,
    absolutize_tracking_uri,
    resolve_tracking_uri,
)
from metricwatch.config.ops import (
    AlertsConfig,
    DriftConfig,
    EvidenceConfig,
    HistoryConfig,
    PrometheusConfig,
    ReportConfig,
    ReproConfig,
    SparkConfig,
)
from metricwatch.config.sections import (
    BaselineConfig,
    DvcConfig,
    IntegrityConfig,
    MlflowConfig,
    ProjectConfig,
    TagsConfig,
)
from metricwatch.config.thresholds import RULE_KINDS, STATUS_DEFAULTS, ThresholdRule

__all__ = [
    "CONFIG_NAME",
    "RULE_KINDS",
    "STATUS_DEFAULTS",
    "TRACKING_URI_FIX",
    "TRACKING_URI_UNSET",
    "AlertsConfig",
    "BaselineConfig",
    "Config",
    "DriftConfig",
    "DvcConfig",
    "EvidenceConfig",
    "HistoryConfig",
    "IntegrityConfig",
    "MlflowConfig",
    "ProjectConfig",
    "PrometheusConfig",
    "ReportConfig",
    "ReproConfig",
    "SparkConfig",
    "TagsConfig",
    "ThresholdRule",
    "absolutize_tracking_uri",
    "find_config",
    "load_config",
    "parse_config",
    "resolve_tracking_uri",
]
