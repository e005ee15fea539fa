"""Verdict cache per commit: a report re-render does not re-run an unchanged commit.

Only verdicts that depend on the commit alone are kept (identical, differ, failed, timed out);
"unavailable" and "error" depend on the remote and the machine, so they are re-checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from metricwatch import __version__
from metricwatch.config import Config
from metricwatch.parts.repro.model import ReproReport

CACHEABLE = frozenset({"identical", "differ", "failed", "timed_out"})


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
    path = cache_path(cfg, commit)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        report = ReproReport.model_validate(data["report"])
    except (OSError, ValueError, KeyError, TypeError, ValidationError):
        return None  # absent, stale or unreadable: re-run
    return report.model_copy(update={"cached": True})


def store(cfg: Config, report: ReproReport, key: dict[str, Any]) -> Path | None:
    if report.verdict not in CACHEABLE:
        return None
    path = cache_path(cfg, report.commit)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    payload = {"key": key, "report": report.model_dump(mode="json")}
    tmp.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path
