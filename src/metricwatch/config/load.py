"""Reading metricwatch.yaml: find it, parse the YAML, validate it into a `Config` (errors name
the file and the key path), and check that the project folder exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from metricwatch.config.model import Config
from metricwatch.config.validation import format_validation_error
from metricwatch.errors import ConfigError

CONFIG_NAME = "metricwatch.yaml"


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
