"""Verdict cache per commit: a report re-render does not re-run an unchanged commit.

Only verdicts that depend on the commit alone are kept (identical, differ, failed, timed out);
"unavailable" and "error" depend on the remote and the machine, so they are re-checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from metricwatch import __version__
from metricwatch.atomic import UnreadableEntryError, read_keyed_json, write_keyed_json
from metricwatch.config import Config
from metricwatch.parts.repro.model import ReproReport
from metricwatch.vocab import COMMIT_VERDICTS


def cache_key(cfg: Config, second_run: bool) -> dict[str, Any]:
    """The config bits a verdict depends on; a change of any of them invalidates the entry."""
    return {
        "metricwatch": __version__,
        "volatile_keys": list(cfg.repro.volatile_keys),
        "cache": cfg.repro.cache,
        "timeout_s": cfg.repro.timeout_s,
        "second_run": second_run,
        "remote": cfg.dvc.remote,
    }


def cache_path(cfg: Config, commit: str) -> Path:
    return cfg.output_dir / ".cache" / "repro" / f"{commit}.json"


def load(cfg: Config, commit: str, key: dict[str, Any]) -> ReproReport | None:
    try:
        stored = read_keyed_json(cache_path(cfg, commit), key)
        if stored is None:
            return None  # absent or stale: re-run
        report = ReproReport.model_validate(stored)
    except (UnreadableEntryError, ValidationError):
        return None  # unreadable: re-run
    return report.model_copy(update={"cached": True})


def store(cfg: Config, report: ReproReport, key: dict[str, Any]) -> Path | None:
    if report.verdict not in COMMIT_VERDICTS:
        return None
    return write_keyed_json(cache_path(cfg, report.commit), key, report.model_dump(mode="json"))
