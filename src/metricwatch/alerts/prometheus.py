"""Prometheus gauges from one check: bounded label sets (metric, version, rule, severity, tag,
feature, verdict, part), never run names or URLs. Written as a node_exporter textfile
(atomically), served on /metrics (prometheus_serve.py), or pushed to a Pushgateway."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from pydantic import BaseModel, ConfigDict, Field

from metricwatch.atomic import atomic_write_text, write_error_hint
from metricwatch.errors import AlertError
from metricwatch.redact import redact_url
from metricwatch.rules_model import Flag, RuleInputs, VersionInputs
from metricwatch.vocab import STATUS_VALUES, Severity

if TYPE_CHECKING:
    from metricwatch.pipeline.run import Outcome

PREFIX = "metricwatch"
KPI_VALUE = f"{PREFIX}_kpi_value"
KPI_CANDIDATE = f"{PREFIX}_kpi_candidate"
KPI_BASELINE = f"{PREFIX}_kpi_baseline"
RULE_BREACHED = f"{PREFIX}_rule_breached"
RULE_NO_DATA = f"{PREFIX}_rule_no_data"
DRIFT_DATASET_PCT = f"{PREFIX}_drift_dataset_pct"
DRIFT_FEATURE_JS = f"{PREFIX}_drift_feature_js"
INTEGRITY_STATUS = f"{PREFIX}_integrity_status"
REPRO_VERDICT = f"{PREFIX}_repro_verdict"
PART_UP = f"{PREFIX}_part_up"
LAST_SUCCESS = f"{PREFIX}_last_success_timestamp_seconds"
INTEGRITY_CODES = {"ok": 0, "warn": 1, "fail": 2}

# name → (help, labels): the exporter's whole vocabulary; deploy/ files are tested against it.
METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    KPI_VALUE: ("Canonical KPI of the newest run of each version", ("metric", "version")),
    KPI_CANDIDATE: ("Canonical KPI of the latest candidate run (newest non-baseline)", ("metric",)),
    KPI_BASELINE: ("Canonical KPI of the baseline run", ("metric",)),
    RULE_BREACHED: ("1 if the rule is breached on the latest check, else 0", ("rule", "severity")),
    RULE_NO_DATA: ("1 if the rule had no data (missing/NaN value, no baseline)", ("rule",)),
    DRIFT_DATASET_PCT: ("Share of drifted features, percent", ()),
    DRIFT_FEATURE_JS: ("Jensen-Shannon distance per feature, reference vs current", ("feature",)),
    INTEGRITY_STATUS: ("Release integrity per tag: 0 ok, 1 warn, 2 fail", ("tag",)),
    REPRO_VERDICT: ("1 for the current reproducibility verdict, 0 for the others", ("verdict",)),
    PART_UP: ("1 if the part (kpis, integrity, drift, repro) was computed", ("part",)),
    LAST_SUCCESS: ("Unix time of the last successful check", ()),
}


class Snapshot(BaseModel):
    """The numbers exported for one check (JSON-safe: no NaN/inf)."""

    model_config = ConfigDict(frozen=True)

    kpis: list[tuple[str, str, float]] = Field(default_factory=list)  # metric, version, value
    candidate: dict[str, float] = Field(default_factory=dict)  # metric → value
    baseline: dict[str, float] = Field(default_factory=dict)
    rules: list[tuple[str, Severity, bool, bool]] = Field(
        default_factory=list
    )  # rule, sev, breach, no data
    drift_pct: float | None = None
    feature_js: dict[str, float] = Field(default_factory=dict)
    integrity: dict[str, str] = Field(default_factory=dict)
    repro_verdict: str | None = None
    parts: dict[str, bool] = Field(default_factory=dict)
    last_success: float | None = None


def _finite(x: float | None) -> TypeGuard[float]:
    return x is not None and math.isfinite(x)


def snapshot_from(
    inputs: RuleInputs,
    flags: list[Flag],
    *,
    feature_js: dict[str, float | None] | None = None,
    parts: dict[str, bool] | None = None,
    last_success: float | None = None,
) -> Snapshot:
    kpis = [
        (metric, row.version, float(mv.value))
        for row in inputs.versions
        if row.version
        for metric, mv in sorted(row.values.items())
        if mv.state == "ok" and _finite(mv.value)
    ]

    def finite_values(row: VersionInputs | None) -> dict[str, float]:
        if row is None:
            return {}
        return {
            m: float(mv.value)
            for m, mv in sorted(row.values.items())
            if mv.state == "ok" and _finite(mv.value)
        }

    by_rule: dict[str, list[Flag]] = {}
    for f in flags:
        by_rule.setdefault(f.rule, []).append(f)
    rules = [
        (
            name,
            fs[0].severity,
            any(f.breached for f in fs),
            all(f.outcome in ("no data", "no baseline") for f in fs),
        )
        for name, fs in by_rule.items()
    ]
    return Snapshot(
        kpis=kpis,
        candidate=finite_values(inputs.candidate),
        baseline=finite_values(inputs.baseline),
        rules=rules,
        drift_pct=inputs.dataset_drift_pct if _finite(inputs.dataset_drift_pct) else None,
        feature_js={k: float(v) for k, v in (feature_js or {}).items() if _finite(v)},
        integrity=_statuses(inputs, "integrity"),
        repro_verdict=next(iter(_statuses(inputs, "repro").values()), None),
        parts=dict(parts or {}),
        last_success=last_success,
    )


def _statuses(inputs: RuleInputs, metric: str) -> dict[str, str]:
    """A status part's items as version → status (its gauges); empty when it gave none."""
    given = inputs.status(metric)
    return {i.version or "": i.status for i in (given.items or [])} if given else {}


def families(snap: Snapshot) -> list[Metric]:
    def fam(name: str) -> GaugeMetricFamily:
        help_text, labels = METRICS[name]
        return GaugeMetricFamily(name, help_text, labels=list(labels) if labels else None)

    out: dict[str, GaugeMetricFamily] = {name: fam(name) for name in METRICS}
    for metric, version, value in snap.kpis:
        out[KPI_VALUE].add_metric([metric, version], value)
    for metric, value in snap.candidate.items():
        out[KPI_CANDIDATE].add_metric([metric], value)
    for metric, value in snap.baseline.items():
        out[KPI_BASELINE].add_metric([metric], value)
    for rule, severity, breached, no_data in snap.rules:
        out[RULE_BREACHED].add_metric([rule, severity], 1.0 if breached else 0.0)
        out[RULE_NO_DATA].add_metric([rule], 1.0 if no_data else 0.0)
    if snap.drift_pct is not None:
        out[DRIFT_DATASET_PCT].add_metric([], snap.drift_pct)
    for feature, js in sorted(snap.feature_js.items()):
        out[DRIFT_FEATURE_JS].add_metric([feature], js)
    for tag, status in snap.integrity.items():
        out[INTEGRITY_STATUS].add_metric([tag], float(INTEGRITY_CODES.get(status, 2)))
    if snap.repro_verdict is not None:
        for verdict in STATUS_VALUES["repro"]:
            out[REPRO_VERDICT].add_metric([verdict], 1.0 if verdict == snap.repro_verdict else 0.0)
    for part, up in sorted(snap.parts.items()):
        out[PART_UP].add_metric([part], 1.0 if up else 0.0)
    if snap.last_success is not None:
        out[LAST_SUCCESS].add_metric([], snap.last_success)
    return [f for f in out.values() if f.samples]


class SnapshotCollector(Collector):
    """A collector serving the latest snapshot; update() swaps it atomically."""

    def __init__(self, snap: Snapshot | None = None) -> None:
        self._lock = threading.Lock()
        self._snap = snap or Snapshot()

    def update(self, snap: Snapshot) -> None:
        with self._lock:
            self._snap = snap

    @property
    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._snap

    def collect(self) -> Iterator[Metric]:
        yield from families(self.snapshot)


def registry_for(snap: Snapshot) -> tuple[CollectorRegistry, SnapshotCollector]:
    registry = CollectorRegistry(auto_describe=False)
    collector = SnapshotCollector(snap)
    registry.register(collector)
    return registry, collector


def render_text(snap: Snapshot) -> str:
    return generate_latest(registry_for(snap)[0]).decode("utf-8")


def write_textfile(path: Path, snap: Snapshot) -> Path:
    """node_exporter textfile, written atomically (temp file in the same folder, then os.replace)."""
    path = Path(path)
    if path.suffix != ".prom":
        raise AlertError(f"{path}: node_exporter reads only *.prom files; name the textfile *.prom")
    if not path.parent.is_dir():
        raise AlertError(f"{path.parent}: folder does not exist; create it or choose another path")
    try:  # mode 0644: node_exporter may run as another user
        return atomic_write_text(path, render_text(snap))
    except OSError as exc:
        raise AlertError(
            f"cannot write the Prometheus textfile {path}: {exc.strerror or exc}. The previous "
            f"file is left in place (node_exporter keeps serving it). To fix: "
            f"{write_error_hint(exc)}, or choose another --textfile / alerts.prometheus.textfile."
        ) from exc


def push(gateway: str, job: str, snap: Snapshot, *, timeout_s: float) -> None:
    """Replace this job's group on a Pushgateway."""
    from prometheus_client import push_to_gateway

    try:
        push_to_gateway(gateway, job=job, registry=registry_for(snap)[0], timeout=timeout_s)
    except OSError as exc:  # urllib's URLError and HTTPError are OSErrors
        raise AlertError(
            f"Pushgateway {redact_url(gateway)}: push failed ({type(exc).__name__}: "
            f"{redact_url(str(getattr(exc, 'reason', exc)))}); check alerts.prometheus.pushgateway"
        ) from exc


def check_snapshot(outcome: Outcome) -> Snapshot:
    """The Prometheus snapshot of a check: `part_up` per part it collected (the registry's),
    last-success only when a verdict was possible."""
    from metricwatch.parts.drift.model import DRIFT
    from metricwatch.parts.drift.rule_inputs import feature_js

    result = outcome.result
    return snapshot_from(
        outcome.inputs,
        outcome.flags,
        feature_js=feature_js(result.get(DRIFT)),
        parts={p: p in result.parts for p in outcome.parts},
        last_success=None if outcome.no_verdict else time.time(),
    )
