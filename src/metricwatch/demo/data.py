"""Synthetic, seeded student entrance-exam data for the demo project.

Rows look like the data course projects use: numeric and categorical features, and an ordinal
target `level` (0 insufficient, 1 basic, 2 good, 3 excellent) derived from a latent score.
`drifted=True` shifts exactly one numeric feature (study_hours) and one categorical feature
(school_type); the target share moves with them. Every other feature keeps its distribution.
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
