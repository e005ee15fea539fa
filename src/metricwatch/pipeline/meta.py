"""The result's meta: project, commit, time, language, tool versions, redacted config."""

from __future__ import annotations

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.runfacts import ReportMeta, dvc_declared, git_facts, now_utc, tool_versions


def build_meta(cfg: Config) -> ReportMeta:
    commit, describe = git_facts(cfg.project_path)
    try:
        uri: str | None = cfg.redacted_tracking_uri()
    except MetricwatchError:
        uri = None
    return ReportMeta(
        project=cfg.project_name,
        project_path=str(cfg.project_path),
        commit=commit,
        describe=describe,
        generated_at=now_utc(),
        lang=cfg.report.lang,
        title=cfg.report.title,
        timezone=cfg.report.timezone,
        tool_versions=tool_versions(),
        tracking_uri=uri,
        config=cfg.redacted(),
        dvc_declared=dvc_declared(cfg.project_path),
    )
