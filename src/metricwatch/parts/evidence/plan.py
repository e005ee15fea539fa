"""Which runs are release runs, and which MLflow pages to photograph.

A release run is a run whose version tag (cfg.mlflow.version_tag) names a git tag that matches
cfg.tags; when several runs carry the same version, the newest one is shown. The runs list (the
seed's `mlflow_runs.png`) is taken whenever the experiment has runs, release runs highlighted;
compare-runs and the run pages need release runs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words
from metricwatch.parts.evidence.mlflow_pages import PageSpec
from metricwatch.parts.evidence.model import Caption
from metricwatch.sources.mlflow_runs import RunRecord, RunSet

_EPOCH = datetime.min.replace(tzinfo=UTC)
ML = "workflowType=machine_learning"
ROW_PX, TABLE_BASE_PX, MAX_LIST_ROWS = 38, 420, 60
VERIFIED_ROWS = 5  # without release runs: the newest runs that must be visible on the list
COMPARE_BASE_PX, COMPARE_ROW_PX = 1320, 46  # title, plot, run details, section headers


def release_runs(cfg: Config, runs: RunSet) -> tuple[dict[str, RunRecord], list[Words]]:
    """version -> newest run tagged with it, for versions that are git tags; plus notes."""
    from metricwatch.sources.git_dvc import list_tags, natural_key, tag_matcher

    notes: list[Words] = []
    key = cfg.mlflow.version_tag
    try:
        listing = list_tags(cfg.project_path, cfg.tags.pattern, regex=cfg.tags.regex)
        tags = {t.name for t in listing.tags}
        accept: Callable[[str], bool] = tags.__contains__
        notes += [[m] for m in listing.remarks]
    except MetricwatchError as exc:
        match = tag_matcher(cfg.tags.pattern, cfg.tags.regex)
        accept = match
        notes.append([msg("evidence.note.tags_unavailable", error=str(exc), tag=key)])
    chosen: dict[str, RunRecord] = {}
    for run in runs.runs:
        version = run.tags.get(key)
        if not version or not accept(version):
            continue
        prev = chosen.get(version)
        if prev is None or (run.start_time or _EPOCH) > (prev.start_time or _EPOCH):
            chosen[version] = run
    ordered = dict(sorted(chosen.items(), key=lambda kv: natural_key(kv[0])))
    return ordered, notes


def metric_keys(cfg: Config, runs: list[RunRecord]) -> list[str]:
    """The logged metric key of each canonical KPI (first alias found in the release runs)."""
    logged = {k for r in runs for k in r.metrics}
    keys = []
    for aliases in cfg.mlflow.metrics.values():
        hit = next((a for a in aliases if a in logged), None)
        if hit:
            keys.append(hit)
    return keys


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "run"


def _list_spec(
    n: int, exp_id: str, shown: list[RunRecord], in_exp: int, keys: list[str], highlight: bool
) -> PageSpec:
    """The runs list of one experiment: `shown` must be visible (they are highlighted when they
    are release runs; with more than MAX_LIST_ROWS runs the list is filtered to them)."""
    route = f"/#/experiments/{exp_id}/runs?{ML}"
    if highlight and in_exp > MAX_LIST_ROWS:  # the release runs only; the filter is in the picture
        flt = "attributes.run_id IN (" + ", ".join(f"'{r.run_id}'" for r in shown) + ")"
        route += "&searchFilter=" + quote(flt)
    name = shown[0].experiment_name
    return PageSpec(
        name="mlflow_runs.png" if n == 0 else f"mlflow_runs_{slug(name)}.png",
        route=route,
        shows=Caption(
            key="runs_list" if highlight else "runs_list_all", params={"experiment": repr(name)}
        ),
        texts=[r.run_name for r in shown if r.run_name] + keys,
        run_ids=[r.run_id for r in shown],
        height=TABLE_BASE_PX + ROW_PX * min(in_exp, MAX_LIST_ROWS),
        highlight=[r.run_id for r in shown] if highlight else [],
    )


def runs_list_specs(
    cfg: Config, releases: dict[str, RunRecord], all_runs: RunSet
) -> list[PageSpec]:
    """One runs list per experiment: of the release runs' experiments (those rows highlighted),
    else of every experiment with runs, its newest runs checked on the page."""
    runs = list(releases.values())
    by_exp = Counter(r.experiment_id for r in runs or all_runs.runs)
    specs = []
    for n, (exp, _count) in enumerate(by_exp.most_common()):
        members = [r for r in all_runs.runs if r.experiment_id == exp]
        if runs:
            shown = [r for r in runs if r.experiment_id == exp]
        else:  # the list is sorted newest first: its top rows must be on the page
            shown = sorted(members, key=lambda r: r.start_time or _EPOCH, reverse=True)
            shown = shown[:VERIFIED_ROWS]
        keys = metric_keys(cfg, runs or members)
        specs.append(_list_spec(n, exp, shown, len(members), keys, highlight=bool(runs)))
    return specs


def page_specs(cfg: Config, releases: dict[str, RunRecord], all_runs: RunSet) -> list[PageSpec]:
    """The runs list(s), then (with release runs) compare-runs and each release run's page."""
    runs = list(releases.values())
    keys = metric_keys(cfg, runs)
    ids = [r.run_id for r in runs]
    names = [r.run_name for r in runs if r.run_name]
    by_exp = Counter(r.experiment_id for r in runs)
    specs = runs_list_specs(cfg, releases, all_runs)
    if len(runs) > 1:
        exps = sorted(by_exp)
        n_params = len({p for r in runs for p in r.params})
        n_metrics = len({m for r in runs for m in r.metrics})
        specs.append(
            PageSpec(
                name="mlflow_compare.png",
                route=f"/#/compare-runs?runs={json.dumps(ids)}&experiments={json.dumps(exps)}&{ML}",
                shows=Caption(key="compare"),
                texts=names + keys,
                run_ids=ids,
                height=COMPARE_BASE_PX + COMPARE_ROW_PX * (n_params + n_metrics),
            )
        )
    for version, run in releases.items():
        specs.append(
            PageSpec(
                name=f"mlflow_run_{slug(version)}.png",
                route=f"/#/experiments/{run.experiment_id}/runs/{run.run_id}?{ML}",
                shows=Caption(
                    key="run_page", params={"version": version, "run_name": run.run_name or ""}
                ),
                texts=([run.run_name] if run.run_name else [])
                + [k for k in keys if k in run.metrics],
                run_ids=[run.run_id],
                height=900,
                tab="Artifacts",
            )
        )
    return specs


def with_artifacts(spec: PageSpec, artifacts: list[str]) -> PageSpec:
    """The run page spec expecting the run's top-level artifacts on its Artifacts tab."""
    top = sorted({a.split("/", 1)[0] for a in artifacts})[:20]
    return PageSpec(**{**spec.__dict__, "tab_texts": top})
