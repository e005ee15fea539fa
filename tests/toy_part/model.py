"""The toy part's result: a status per lamp (read from `lamps.txt` in the project)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from metricwatch.parts.contract import PartKey


class ToyReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    lamps: dict[str, str]  # lamp → "lit" | "broken"


TOY = PartKey("toy", ToyReport)
