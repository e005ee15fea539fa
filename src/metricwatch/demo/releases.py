"""The demo's release history: what each tag changes and which steps its release skips.

- v1.0.0: the baseline (run tagged stage=baseline), pushed.
- v1.0.1: better hyperparameters, better metrics, about the baseline's train time; pushed.
- v1.0.2: a small retune released without logging its MLflow run ("missing run"); pushed.
- v1.0.3: a new production batch with drift arrives, a strong feature goes missing from the
  feature set (RMSE well over 1.10 x baseline) and ~8x more boosting work (train time far
  over 1.25 x baseline); the run is logged but `dvc push` was forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DATA_SEED = 20240601
REFERENCE_ROWS = 4000
BATCH_ROWS = 2000
# (seed, drifted) of the data/current/batch.csv each release ships with.
STABLE_BATCH = (DATA_SEED + 1, False)
DRIFTED_BATCH = (DATA_SEED + 2, True)


@dataclass(frozen=True)
class Release:
    tag: str
    message: str
    prepare: dict[str, Any]
    train: dict[str, Any]
    stage: str = "candidate"
    log_run: bool = True
    push: bool = True
    batch: tuple[int, bool] = STABLE_BATCH
    notes: list[str] = field(default_factory=list)

    def params(self) -> dict[str, dict[str, Any]]:
        return {"prepare": dict(self.prepare), "train": dict(self.train)}


_PREPARE = {"test_size": 0.25, "seed": 42, "drop_features": "none"}

RELEASES: tuple[Release, ...] = (
    Release(
        tag="v1.0.0",
        message="Baseline: gradient boosting, shallow trees",
        prepare=_PREPARE,
        train={"n_estimators": 80, "learning_rate": 0.05, "max_depth": 2, "seed": 42},
        stage="baseline",
    ),
    Release(
        tag="v1.0.1",
        message="Tune: deeper trees, higher learning rate, fewer estimators",
        prepare=_PREPARE,
        train={"n_estimators": 50, "learning_rate": 0.1, "max_depth": 3, "seed": 42},
    ),
    Release(
        tag="v1.0.2",
        message="Tune: slightly lower learning rate (released without its MLflow run)",
        prepare=_PREPARE,
        train={"n_estimators": 50, "learning_rate": 0.08, "max_depth": 3, "seed": 42},
        log_run=False,
    ),
    Release(
        tag="v1.0.3",
        message="New batch; feature store lost prior_gpa; many more estimators (not pushed)",
        prepare={**_PREPARE, "drop_features": "prior_gpa"},
        train={"n_estimators": 600, "learning_rate": 0.1, "max_depth": 3, "seed": 42},
        push=False,
        batch=DRIFTED_BATCH,
    ),
)
