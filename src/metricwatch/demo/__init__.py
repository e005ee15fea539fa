"""The embedded demo project: `metricwatch demo DIR` (see metricwatch.demo.builder)."""

from __future__ import annotations

from metricwatch.demo.builder import DemoInfo, ReleaseInfo, build_demo

__all__ = ["DemoInfo", "ReleaseInfo", "build_demo"]
