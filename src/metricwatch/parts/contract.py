"""The Part contract: what every part of the result declares, and the Context it collects in.

A part is a name and result model (`PartKey`), the parts it needs collected before it (their
results are in `ctx.results`), how it collects, what it gives the rules (numbers, or statuses
with its built-in status rule), and its report section(s). `parts/registry.py` lists the parts in report order; every
list of parts in the code (collect order, `--skip`, `check`'s parts, section order and numbers,
Prometheus `part_up`) derives from it. Adding a part is one folder plus one registry line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel

from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.i18n.words import Words
from metricwatch.rules_model import PartRuleInputs

if TYPE_CHECKING:
    from metricwatch.doc.blocks import Block
    from metricwatch.i18n import Lang
    from metricwatch.result import MonitoringResult
    from metricwatch.sources.mlflow_runs import RunSet

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


@dataclass(frozen=True)
class PartKey(Generic[M]):
    """A typed handle on one part's result: `result.get(KPIS) -> KpiReport | None`."""

    name: str
    model: type[M]


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """A value loaded once, or the reason it could not be (never both, never re-loaded);
    `said`: that reason as message pieces, when it has them (the tracking store is missing)."""

    value: T | None = None
    reason: str | None = None
    said: Words = field(default_factory=list)


class PartUnavailable(MetricwatchError):
    """A part cannot be collected for a reason a report words in its own language: the error's
    text is the English one, `said` its message pieces (kept in the result's `error_words`)."""

    def __init__(self, message: str, said: Words) -> None:
        super().__init__(message)
        self.said = said


@dataclass(frozen=True)
class SectionSpec:
    """One numbered report section: its heading and its block builder.

    `at_end`: numbered after the appendices (the seed's eight sections keep their numbers);
    `only_collected`: left out, heading and all, when its part is not in the result."""

    name: str
    heading: Callable[[Lang], str]  # the title in the report's language, without its number
    build: Callable[[MonitoringResult, Lang], list[Block]]
    at_end: bool = False
    only_collected: bool = False

    @classmethod
    def of(
        cls,
        name: str,
        heading_key: str,
        module: str,
        *,
        at_end: bool = False,
        only_collected: bool = False,
    ) -> SectionSpec:
        """A section whose heading is a catalogue key and whose builder is `module.build`,
        imported when the report is built (not when the registry is read)."""

        def build(result: MonitoringResult, lang: Lang) -> list[Block]:
            builder: Callable[[MonitoringResult, Lang], list[Block]]
            builder = import_module(module).build
            return builder(result, lang)

        return cls(name, catalogue_heading(heading_key), build, at_end, only_collected)


def catalogue_heading(key: str) -> Callable[[Lang], str]:
    """A heading worded from the message catalogue in the report's language."""

    def heading(lang: Lang) -> str:
        from metricwatch.i18n import t

        return t(key, lang)

    return heading


@dataclass
class Context:
    """What a part collects with: the config, the command's options, the runs loaded once by
    the pipeline, and the results of the parts collected before it (its `needs`)."""

    cfg: Config
    runs: Loaded[RunSet] = field(default_factory=lambda: Loaded(reason="the runs were not loaded"))
    rev: str | None = None
    force: bool = False
    evidence_only: str | None = None
    results: dict[str, BaseModel] = field(default_factory=dict)

    def result(self, key: PartKey[M]) -> M | None:
        value = self.results.get(key.name)
        return value if isinstance(value, key.model) else None


@dataclass(frozen=True)
class Part(Generic[M]):
    """One part of the result behind one contract (see the module docstring).

    `essential`: its failure leaves `check` with no verdict (exit 2); `in_check`: `check`
    collects it by default (repro only with --repro); `rule_inputs_fn`: what the rules read of
    it (numbers, statuses with their built-in status rule), also called when it was not
    collected, with the reason.
    """

    key: PartKey[M]
    collect_fn: Callable[[Context], M]
    # what the rules read of it; called with None and the reason when it was not collected,
    # and with cfg None where no config is at hand (a section re-reading a result: no links)
    rule_inputs_fn: Callable[[M | None, Words | None, Config | None], PartRuleInputs] | None = None
    needs: tuple[str, ...] = ()
    uses_runs: bool = False  # reads ctx.runs: the pipeline loads the runs once before it
    essential: bool = False
    in_check: bool = True
    sections: tuple[SectionSpec, ...] = ()

    @property
    def name(self) -> str:
        return self.key.name

    def collect(self, ctx: Context) -> M:
        return self.collect_fn(ctx)

    def rule_inputs(
        self, model: BaseModel | None, reason: Words | None, cfg: Config | None
    ) -> PartRuleInputs:
        """What the rules read of this part; `reason` (message pieces) says why `model` is None."""
        if self.rule_inputs_fn is None:
            return PartRuleInputs(unavailable={self.name: reason} if reason else {})
        typed = model if isinstance(model, self.key.model) else None
        return self.rule_inputs_fn(typed, reason, cfg)
