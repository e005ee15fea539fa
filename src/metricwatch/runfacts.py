"""Facts about a run of metricwatch (ground floor): project commit, tool versions, date, dvc.yaml.

The report, `check`, the result and the evidence reuse key read them; nothing here writes.
"""

from __future__ import annotations

import platform
import shutil
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from metricwatch import __version__
from metricwatch.git import run_git
from metricwatch.procs import run

TOOLS = (
    "mlflow", "dvc", "dvc-data", "pandas", "numpy", "scipy", "scikit-learn",
    "plotly", "papermill", "nbconvert", "playwright",
)  # fmt: skip


class ReportMeta(BaseModel):
    model_config = ConfigDict(frozen=True)

    project: str
    project_path: str
    commit: str | None = None
    describe: str | None = None
    generated_at: datetime
    lang: str = "en"
    title: str | None = None
    timezone: str = "UTC"
    metricwatch_version: str = __version__
    python: str = Field(default_factory=platform.python_version)
    tool_versions: dict[str, str] = Field(default_factory=dict)
    tracking_uri: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    dvc_declared: str | None = None  # the metrics/plots entries of the workspace's dvc.yaml


def tool_versions() -> dict[str, str]:
    versions = {}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    quarto = shutil.which("quarto")
    if quarto:
        res = run([quarto, "--version"], timeout_s=20)
        versions["quarto"] = res.stdout.strip() if res.ok else "unknown"
    return versions


def git_facts(repo: Path) -> tuple[str | None, str | None]:
    """(HEAD commit, `git describe --tags --always` + "-dirty") of the project, or None.

    Read-only: `git describe --dirty` rewrites .git/index (even with optional locks off), so
    dirtiness comes from `git status`, which does not write with optional locks off (as every
    call through metricwatch.git runs).
    """
    head = run_git(repo, "rev-parse", "HEAD")
    desc = run_git(repo, "describe", "--tags", "--always")
    status = run_git(repo, "status", "--porcelain", "--untracked-files=no")
    described = desc.stdout.strip() if desc.ok else None
    if described and status.ok and status.stdout.strip():
        described += "-dirty"
    return (head.stdout.strip() if head.ok else None, described)


def now_utc() -> datetime:
    return datetime.now(UTC)


def dvc_declared(repo: Path) -> str | None:
    """The `metrics:` and `plots:` entries of the workspace's dvc.yaml, as YAML (read-only)."""
    import yaml

    try:
        data = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    picked: dict[str, Any] = {}
    if isinstance(data.get("plots"), list | dict):
        picked["plots"] = data["plots"]
    for name, stage in (data.get("stages") or {}).items():
        if not isinstance(stage, dict):
            continue
        part = {k: stage[k] for k in ("metrics", "plots") if k in stage}
        if part:
            picked.setdefault("stages", {})[name] = part
    return yaml.safe_dump(picked, sort_keys=False) if picked else None
