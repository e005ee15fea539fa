"""The project's DVC plots at the baseline tag and the newest release, for Appendix B.

The baseline is the KPI part's (its run's version tag names the git tag); the newest release is
the last release tag matching `tags.pattern` in natural order (what integrity checks). Both are
read in one DVC child process (sources.dvc_plots); when either is unknown, or the read fails,
the result says why instead (a reason code the report words), and the report still renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.parts.kpis.collect import KpiReport
from metricwatch.redact import scrub
from metricwatch.sources.dvc_plots import PlotsAcross, load_dvc_plots
from metricwatch.sources.git_dvc import list_tags
from metricwatch.sources.views import DvcSource


def baseline_tag(kpis: KpiReport | None) -> str | PlotsAcross:
    """The baseline's git tag, or why there is none."""
    if kpis is None:
        return PlotsAcross(why="no_kpis")
    row = next((r for r in kpis.rows if r.is_baseline), None)
    if row is None:
        return PlotsAcross(why="no_baseline")
    if not row.version:
        return PlotsAcross(why="no_baseline_tag", why_params={"run": row.run_id_short})
    return row.version


def newest_release(cfg: Config) -> str | PlotsAcross:
    """The newest release tag, or why there is none."""
    try:
        tags = list_tags(cfg.project_path, cfg.tags.pattern, regex=cfg.tags.regex).tags
    except MetricwatchError as exc:
        return PlotsAcross(why="error", why_params={"error": scrub(str(exc))})
    if not tags:
        return PlotsAcross(why="no_release", why_params={"pattern": cfg.tags.pattern})
    return tags[-1].name


def plots_across(cfg: Config, base: str, newest: str) -> PlotsAcross:
    """The plots at base and newest (read once when they are the same tag)."""
    revs = list(dict.fromkeys([base, newest]))
    try:
        read = {r.rev: r for r in load_dvc_plots(DvcSource.of(cfg), revs)}
    except MetricwatchError as exc:
        return PlotsAcross(why="error", why_params={"error": scrub(str(exc))})
    return PlotsAcross(revs=[read[base], read[newest]], roles=["baseline", "newest"])


def collect_plots(cfg: Config, parts: Mapping[str, Any]) -> PlotsAcross:
    """The plots for the report, from the collected parts (the KPI part names the baseline)."""
    kpis = parts.get("kpis")
    base = baseline_tag(kpis if isinstance(kpis, KpiReport) else None)
    if isinstance(base, PlotsAcross):
        return base
    newest = newest_release(cfg)
    if isinstance(newest, PlotsAcross):
        return newest
    return plots_across(cfg, base, newest)
