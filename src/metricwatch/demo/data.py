"""Synthetic, seeded student entrance-exam data for the demo project.

Rows look like the data course projects use: numeric and categorical features, and an ordinal
target `level` (0 insufficient, 1 basic, 2 good, 3 excellent) derived from a latent score.
`drifted=True` shifts exactly one numeric feature (study_hours) and one categorical feature
(school_type); the target share moves with them. Every other feature keeps its distribution.

A production batch (`batch`) spans BATCH_WEEKS weeks from BATCH_START, an equal number of rows
per week, each with its `event_time` (ISO 8601, UTC). A drifted batch drifts from week
DRIFT_WEEK on (DRIFT_SINCE): the weeks before it come from the reference distribution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET = "level"
DRIFTED_FEATURES = ("study_hours", "school_type")
REGIONS = ("north", "south", "east", "west", "center")
PARENT_EDUCATION = ("primary", "secondary", "technical", "university")
# Cut points of the latent score into the four ordinal levels (fixed, not data-dependent,
# so a shifted population really shows a shifted target share).
CUTS = (-0.8, 0.1, 0.9)
TIME_COLUMN = "event_time"
BATCH_START = np.datetime64("2026-01-05T00:00:00", "s")  # a Monday
BATCH_WEEKS = 8
DRIFT_WEEK = 5  # 1-based: the first week of a drifted batch that drifts
DRIFT_SINCE = str((BATCH_START + np.timedelta64(7 * (DRIFT_WEEK - 1), "D")).astype("datetime64[D]"))


def students(n: int, seed: int, *, drifted: bool = False) -> pd.DataFrame:
    """n rows of applicants; the same (n, seed, drifted) always gives the same frame."""
    rng = np.random.default_rng(seed)
    study_mean = 16.0 if drifted else 10.0
    private_share = 0.65 if drifted else 0.30
    study_hours = np.clip(rng.normal(study_mean, 3.5, n), 0, 40).round(1)
    prior_gpa = np.clip(rng.normal(7.0, 1.2, n), 0, 10).round(2)
    mock_exam_score = np.clip(rng.normal(62, 14, n), 0, 100).round(1)
    attendance_pct = np.clip(rng.normal(88, 7, n), 40, 100).round(1)
    sleep_hours = np.clip(rng.normal(7.0, 1.0, n), 3, 11).round(1)
    age = rng.integers(16, 21, n)
    school_type = np.where(rng.random(n) < private_share, "private", "public")
    region = rng.choice(REGIONS, size=n, p=[0.25, 0.2, 0.2, 0.15, 0.2])
    parent_education = rng.choice(PARENT_EDUCATION, size=n, p=[0.2, 0.35, 0.2, 0.25])
    internet_access = np.where(rng.random(n) < 0.85, "yes", "no")

    parent_level = np.array([PARENT_EDUCATION.index(v) for v in parent_education])
    latent = (
        0.9 * (mock_exam_score - 62) / 14
        + 0.7 * (prior_gpa - 7.0) / 1.2
        + 0.35 * (study_hours - 10.0) / 3.5
        + 0.12 * (attendance_pct - 88) / 7
        + 0.08 * parent_level
        + 0.25 * (school_type == "private")
        + 0.1 * (internet_access == "yes")
        + rng.normal(0, 0.45, n)
    )
    level = np.digitize(latent, CUTS)
    return pd.DataFrame(
        {
            "study_hours": study_hours,
            "prior_gpa": prior_gpa,
            "mock_exam_score": mock_exam_score,
            "attendance_pct": attendance_pct,
            "sleep_hours": sleep_hours,
            "age": age,
            "school_type": school_type,
            "region": region,
            "parent_education": parent_education,
            "internet_access": internet_access,
            TARGET: level,
        }
    )


def batch(n: int, seed: int, *, drifted: bool = False) -> pd.DataFrame:
    """n rows over BATCH_WEEKS weeks, oldest first; a drifted batch drifts from DRIFT_WEEK on."""
    week = np.arange(n) * BATCH_WEEKS // n  # 0-based week of each row, equal shares
    n_before = int(np.sum(week < DRIFT_WEEK - 1)) if drifted else n
    parts = [students(n_before, seed)]
    if n > n_before:
        parts.append(students(n - n_before, seed + 1, drifted=True))
    frame = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng(seed + 2)
    seconds = np.sort(week * 7 * 86_400 + rng.integers(0, 7 * 86_400, n))  # stays in its week
    times = BATCH_START + seconds.astype("timedelta64[s]")
    frame.insert(0, TIME_COLUMN, [f"{t}Z" for t in times.astype("datetime64[s]")])
    return frame
