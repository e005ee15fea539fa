"""The result model: everything one check or report knows, as one JSON document.

Every presenter (notebooks, renderers, CLI tables, alerts, Prometheus) consumes this model and
nothing else. Each registered part's result sits under its name (`result.get(KPIS)` gives it
typed; a new part needs no field here); a part that could not be computed is absent (null in
the JSON), with its reason in `errors[part]`. The pipeline's facts live here too: the parts
this command did not collect and why (`not_run`), and the parts no verdict can rest on
(`no_verdict`: an essential part failed, or integrity found no release tags), both reasons
kept as catalogue messages. For the report,
the project's DVC plots at the baseline tag and the newest release (`plots`). History is a part
like the others (`history`: the renders stored before this one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from metricwatch.i18n.words import Words, plain
from metricwatch.parts.contract import PartKey
from metricwatch.rules_model import Flag
from metricwatch.runfacts import ReportMeta
from metricwatch.sources.dvc_plots import PlotsAcross

M = TypeVar("M", bound=BaseModel)


class MonitoringResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    meta: ReportMeta
    parts: dict[str, SerializeAsAny[BaseModel]] = Field(default_factory=dict)
    flags: list[Flag] = Field(default_factory=list)
    errors: dict[str, str] = Field(default_factory=dict)
    # part → its error as message pieces, when it has them (a report words them in its language)
    error_words: dict[str, Words] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)
    not_run: dict[str, Words] = Field(default_factory=dict)  # part → why this command skipped it
    no_verdict: dict[str, Words] = Field(default_factory=dict)  # part → why no verdict rests on it
    plots: PlotsAcross | None = None  # dvc.yaml's plots, baseline vs newest release (report only)

    def get(self, key: PartKey[M]) -> M | None:
        """One part's result, typed; None when it was not collected or failed."""
        value = self.parts.get(key.name)
        return value if isinstance(value, key.model) else None

    def error_said(self, part: str) -> Words | None:
        """Why `part` failed, as message pieces (worded in a report's language when the part
        said it so, else its English error); None when it did not fail."""
        said = self.error_words.get(part)
        error = self.errors.get(part)
        return said or ([plain(error)] if error else None)

    @model_validator(mode="before")
    @classmethod
    def _reasons_from_text(cls, data: Any) -> Any:
        """A metrics.json of an older metricwatch: why a part was not run or gives no verdict,
        in its English text as it was."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in ("not_run", "no_verdict"):
            given = data.get(name)
            if isinstance(given, dict):
                data[name] = {k: [plain(v)] if isinstance(v, str) else v for k, v in given.items()}
        return data

    @model_validator(mode="before")
    @classmethod
    def _typed_parts(cls, data: Any) -> Any:
        """Each registered part's result under its own name, validated by its own model."""
        if not isinstance(data, dict):
            return data
        from metricwatch.parts.registry import all_parts

        data = dict(data)
        parts = dict(data.get("parts") or {})
        for part in all_parts():
            value = data.pop(part.name, None)
            value = parts.get(part.name, value)
            if value is None:
                parts.pop(part.name, None)
            elif not isinstance(value, part.key.model):
                parts[part.name] = part.key.model.model_validate(value)
            else:
                parts[part.name] = value
        data["parts"] = parts
        return data

    @model_serializer(mode="wrap")
    def _flat(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The JSON keeps one key per registered part (null when absent), after `meta`."""
        from metricwatch.parts.registry import part_names

        data = handler(self)
        parts = data.pop("parts")
        named = {name: parts.pop(name, None) for name in part_names()}
        return {"meta": data.pop("meta"), **named, **parts, **data}

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def read(cls, path: Path) -> MonitoringResult:
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))
