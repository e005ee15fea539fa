"""metricwatch's folder in the user's cache: build folders and reusable evidence live there."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path:
    """$XDG_CACHE_HOME/metricwatch, else ~/.cache/metricwatch (never inside a report folder)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "metricwatch"
