"""Drift engines: they read data and produce per-bin counts on a bin spec (never statistics).

`local` counts in this process (in memory, or streamed from Parquet/CSV batches); `spark`
counts on a Spark cluster's executors and brings back only count vectors. Both freeze bin specs
from a reference and count any data on a spec; the statistics (stats/) never see the data.
Engines are registered by name in ENGINES.
"""

from __future__ import annotations

ENGINES = ("local", "spark")
