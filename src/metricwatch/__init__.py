"""metricwatch: the SRE metrics-monitoring report for DVC + MLflow projects."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
