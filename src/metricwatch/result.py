"""The result model: everything one check or report knows, as one JSON document.

Every presenter (notebooks, renderers, CLI tables, alerts, Prometheus) consumes this model and
nothing else. A part that could not be computed is None, with its reason in `errors[part]`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.checks.drift_report import DriftReport
from metricwatch.checks.integrity_model import IntegrityReport
from metricwatch.checks.kpis import KpiReport
from metricwatch.checks.repro_model import ReproReport
from metricwatch.evidence.model import EvidenceReport
from metricwatch.rules import Flag
from metricwatch.runfacts import ReportMeta

PART_NAMES = ("kpis", "integrity", "drift", "repro", "evidence")


class MonitoringResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    meta: ReportMeta
    kpis: KpiReport | None = None
    integrity: IntegrityReport | None = None
    drift: DriftReport | None = None
    repro: ReproReport | None = None
    evidence: EvidenceReport | None = None
    flags: list[Flag] = Field(default_factory=list)
    errors: dict[str, str] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def read(cls, path: Path) -> MonitoringResult:
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))
