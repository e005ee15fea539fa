"""The MLflow part of the evidence: one UI server, one browser, every page in turn."""

from __future__ import annotations

import time
from typing import Any

from metricwatch.errors import MetricwatchError
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words, plain
from metricwatch.parts.evidence.images import ImageCheckError
from metricwatch.parts.evidence.mlflow_pages import PageCheckError, capture_page, storage_state
from metricwatch.parts.evidence.model import Caption
from metricwatch.parts.evidence.plan import metric_keys, page_specs, release_runs, with_artifacts
from metricwatch.parts.evidence.session import Session
from metricwatch.redact import scrub

RUNS_SHOWS = Caption(key="runs_list_any")  # no runs read: no experiment to name


def mlflow_items(s: Session, runs: Any, browser_error: Words) -> None:
    from metricwatch.sources.mlflow_runs import list_run_artifacts, load_runs
    from metricwatch.sources.views import MlflowSource

    cfg = s.cfg
    if runs is None:
        s.say("reading the MLflow runs")
        try:
            runs = load_runs(MlflowSource.of(cfg))
        except MetricwatchError as exc:
            why = [msg("evidence.why.runs_unavailable", error=str(exc))]
            s.miss("mlflow_runs.png", "mlflow", "failed", RUNS_SHOWS, why)
            return
    releases, notes = release_runs(cfg, runs)
    s.notes += notes
    if not runs.runs:
        where = ", ".join(e.name for e in runs.experiments)
        none = msg("evidence.why.no_runs_in", where=where) if where else msg("evidence.why.no_runs")
        s.miss("mlflow_runs.png", "mlflow", "skipped", RUNS_SHOWS, [none])
        return
    if not releases:
        tag, pattern = cfg.mlflow.version_tag, repr(cfg.tags.pattern)
        s.notes.append([msg("evidence.note.no_release_runs", tag=tag, pattern=pattern)])
    specs = page_specs(cfg, releases, runs)
    shown = list(releases.values()) or runs.runs
    if browser_error or s.browser is None:
        for spec in specs:
            why = browser_error or [msg("evidence.why.no_browser")]
            s.miss(spec.name, "mlflow", "skipped", spec.shows, why)
        return
    from metricwatch.parts.evidence.mlflow_ui import mlflow_ui

    s.say("starting the MLflow UI")
    try:
        with mlflow_ui(cfg) as ui:
            s.mlflow_version, s.server_url, s.server_started = (
                ui.version,
                ui.display_url,
                ui.started,
            )
            exps = sorted({r.experiment_id for r in shown})
            state = storage_state(ui.url, exps, metric_keys(cfg, shown), cfg.mlflow.version_tag)
            for spec in specs:
                if spec.tab == "Artifacts":
                    try:
                        arts = list_run_artifacts(MlflowSource.of(cfg), spec.run_ids[0])
                    except MetricwatchError as exc:
                        note = msg("evidence.note.no_artifacts", name=spec.name, error=str(exc))
                        s.notes.append([note])
                        arts = []
                    spec = with_artifacts(spec, arts)
                s.say(f"capturing {spec.name}")
                t0 = time.monotonic()
                source = ui.display_url + spec.route  # the route (after #) holds only ids
                try:
                    png, verified = capture_page(s.browser, ui.url, spec, state, s.tmp)
                except (PageCheckError, ImageCheckError) as exc:
                    s.miss(spec.name, "mlflow", "failed", spec.shows, exc.why, source)
                    continue
                except Exception as exc:  # a browser crash must not lose the other pages
                    said = f"{spec.name}: {type(exc).__name__}: {scrub(str(exc)).splitlines()[0]}"
                    s.miss(spec.name, "mlflow", "failed", spec.shows, [plain(said)], source)
                    continue
                s.publish(
                    spec.name, "mlflow", png, spec.shows, source, verified=verified,
                    duration_s=round(time.monotonic() - t0, 2),
                )  # fmt: skip
    except MetricwatchError as exc:  # the server did not start: every page fails with why
        done = {i.name for i in s.items}
        for spec in specs:
            if spec.name not in done:
                s.miss(spec.name, "mlflow", "failed", spec.shows, [plain(scrub(str(exc)))])
