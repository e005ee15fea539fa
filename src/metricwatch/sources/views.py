"""What each source family reads of metricwatch.yaml: small frozen views, built from a `Config`.

Sources never take the whole config. `MlflowSource.of(cfg)` holds what the MLflow sources read
(tracking URI as written, timeouts, retries, experiments, deleted runs), `DvcSource.of(cfg)`
what the DVC and data sources read (repository, dvc.timeout_s, the tag pattern, the folder that
relative data paths resolve against). Both keep the config file's path (`config_file`), which
error messages name with the key to change. This module is the one place views are built; the
parts, the pipeline and the CLI build them and hand them down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from metricwatch.config import Config, resolve_tracking_uri


@dataclass(frozen=True)
class MlflowSource:
    """The MLflow tracking store and how to read it (the `mlflow` section, resolved)."""

    configured_uri: str | None  # mlflow.tracking_uri as written; None: MLFLOW_TRACKING_URI
    root: Path  # the config file's folder: relative store paths resolve against it
    project: Path  # project.path, resolved: where a DVC-tracked store would be pulled
    config_file: str  # where the config was read from, for messages
    timeout_s: float
    max_retries: int
    include_deleted: bool
    experiments: tuple[str, ...]

    @classmethod
    def of(cls, cfg: Config) -> MlflowSource:
        m = cfg.mlflow
        return cls(
            configured_uri=m.tracking_uri,
            root=Path(cfg.root),
            project=cfg.project_path,
            config_file=cfg.source,
            timeout_s=m.timeout_s,
            max_retries=m.max_retries,
            include_deleted=m.include_deleted,
            experiments=tuple(m.experiments),
        )

    def tracking_uri(self) -> str:
        """The tracking URI, absolute; MLFLOW_TRACKING_URI is read at each call, as MLflow does.
        A ConfigError naming the config file when neither is set."""
        return resolve_tracking_uri(self.configured_uri, self.root, self.config_file)


@dataclass(frozen=True)
class DvcSource:
    """The git + DVC repository and the data files read from it (`project`, `dvc`, `tags`)."""

    project: Path  # project.path, resolved: the repository root
    root: Path  # the config file's folder: local data paths resolve against it
    config_file: str  # where the config was read from, for messages
    timeout_s: float  # dvc.timeout_s, for each DVC worker process
    tag_pattern: str
    tag_regex: bool

    @classmethod
    def of(cls, cfg: Config) -> DvcSource:
        return cls(
            project=cfg.project_path,
            root=Path(cfg.root),
            config_file=cfg.source,
            timeout_s=cfg.dvc.timeout_s,
            tag_pattern=cfg.tags.pattern,
            tag_regex=cfg.tags.regex,
        )

    def resolve(self, path: str | Path) -> Path:
        """A local path as the config means it: relative to the config file's folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else (self.root / p).resolve()
