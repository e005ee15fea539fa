"""The drift part's result model and its typed handle (`result.get(DRIFT)`).

Only pydantic models and the numpy-level statistics models they hold: reading a result
(`check`, `--help`, the report notebook) never imports pandas, pyarrow or scipy, which the
collection (collect.py, concept.py, local.py) needs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field, model_validator

from metricwatch.i18n.message import Msg
from metricwatch.i18n.words import Said, Words, from_text
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.contract import PartKey
from metricwatch.stats.feature_drift import FeatureDrift
from metricwatch.stats.windows import WindowedDrift


class ConceptDrift(BaseModel):
    model_config = ConfigDict(frozen=True)
    status: Literal["ok", "unavailable", "error"]
    why: Msg | Said | None = None  # why there are no scores (status not ok)
    run_id: str | None = None
    run_name: str | None = None
    version: str | None = None
    model_uri: str | None = None
    target: str | None = None
    rmse_reference: float | None = None
    rmse_current: float | None = None
    rmse_change: float | None = None
    qwk_reference: float | None = None
    qwk_current: float | None = None
    qwk_change: float | None = None
    n_reference: int = 0
    n_current: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str:
        return self.why.text("en") if self.why else ""


Mode = Literal["in memory", "batches", "spark"]


class SpecInfo(BaseModel):
    """The bin spec behind the numbers: same hash and data, same numbers on every engine."""

    model_config = ConfigDict(frozen=True)
    hash: str
    frozen: bool  # read from drift.bin_spec (else made from the reference for this run)
    path: str | None = None
    reference: str
    reference_rows: int
    sample_rows: int | None = None


class DriftReport(BaseModel):
    model_config = ConfigDict(frozen=True)
    reference: str
    current: str
    n_reference: int
    n_current: int
    mode: Mode
    engine: Literal["local", "spark"] = "local"
    features: list[FeatureDrift]
    target: FeatureDrift | None
    target_why: Words = []  # why there is no label drift (drift.target set, no target row)
    dataset_drift_pct: float | None
    drifted_features: list[str]
    n_comparable: int
    n_not_comparable: int
    bins: int
    js_threshold: float  # the effect floor
    p_value: float
    correction: str = "bh"
    n_tests: int = 0  # p-values adjusted together (the tested features)
    bin_spec: SpecInfo | None = None
    windows: WindowedDrift | None = None
    concept: ConceptDrift | None = None
    remarks: list[Msg] = []

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return from_text(data, target_note="target_why")  # a metrics.json of an older metricwatch

    @computed_field  # type: ignore[prop-decorator]
    @property
    def target_note(self) -> str:
        return words_text(self.target_why)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return [n.text("en") for n in self.remarks]


DRIFT = PartKey("drift", DriftReport)  # the typed handle: result.get(DRIFT)
