"""Small known snapshots and flags for the history and alert-lifecycle tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from metricwatch.rules_model import Flag
from metricwatch.sources.history_db.snapshot import FeatureStat, Snapshot, TagState, VersionKpis

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def flag(rule: str, version: str | None, outcome: str = "breach", **kw: object) -> Flag:
    severity = kw.pop("severity", "fail" if rule in ("integrity", "repro") else "warn")
    return Flag(
        rule=rule,
        metric=str(kw.pop("metric", rule)),
        kind=str(kw.pop("kind", "breach_on" if rule in ("integrity", "repro") else "max")),
        severity=severity,  # type: ignore[arg-type]
        outcome=outcome,  # type: ignore[arg-type]
        version=version,
        message=str(kw.pop("message", f"{rule} message")),
        action=str(kw.pop("action", f"{rule} action")),
        **kw,  # type: ignore[arg-type]
    )


def snapshot(
    hours: float = 0,
    *,
    flags: list[Flag] | None = None,
    tags: dict[str, str] | None = None,
    repro: str | None = None,
    drift: float | None = 20.0,
    rmse: float = 1.45,
    command: str = "report",
) -> Snapshot:
    return Snapshot(
        taken_at=at(hours),
        command=command,  # type: ignore[arg-type]
        project="demo",
        commit="c0ffee",
        describe="v1.0.3",
        exit_code=1 if command == "check" else None,
        versions=[
            VersionKpis(
                version="v1.0.0", run_id="r0", baseline=True, values={"rmse": 1.0, "qwk": 0.8}
            ),
            VersionKpis(
                version="v1.0.3",
                run_id="r3",
                candidate=True,
                values={"rmse": rmse, "qwk": None},
                states={"qwk": "nan"},
            ),
        ],
        dataset_drift_pct=drift,
        features=[
            FeatureStat(name="study_hours", js=0.31, psi=0.9, p_value=1e-12, drifted=True),
            FeatureStat(name="age", js=0.01, psi=0.001, p_value=0.7, drifted=False),
            FeatureStat(name="notes", status="not comparable"),
            FeatureStat(name="level", target=True, js=0.2, psi=0.3, p_value=1e-5, drifted=True),
        ],
        tags=(
            None
            if tags is None
            else [TagState(tag=t, status=s, run_id=f"run-{t}") for t, s in tags.items()]
        ),
        repro_verdict=repro,
        repro_rev="v1.0.1" if repro else None,
        flags=flags if flags is not None else [flag("rmse", "v1.0.3")],
        missing_parts=["evidence"],
        timings={"kpis": 1.5, "drift": 2.25},
    )
