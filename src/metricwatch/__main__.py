"""`python -m metricwatch`."""

from metricwatch.cli import entrypoint

entrypoint()
