"""The ONE registry of parts, in report order: name → Part.

Every list of parts derives from it: collect order (honouring `needs`), `--skip`'s choices and
help, `check`'s parts, the report's section order and heading numbers, Prometheus `part_up`.
Adding a part is its folder plus one line in `_builtin()`; a test registers a toy part with
`register` and takes it away with `unregister`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from metricwatch.parts.contract import Part

_PARTS: dict[str, Part[Any]] = {}


def _builtin() -> list[Part[Any]]:
    from metricwatch.parts.drift.part import PART as DRIFT
    from metricwatch.parts.evidence.part import PART as EVIDENCE
    from metricwatch.parts.history.part import PART as HISTORY
    from metricwatch.parts.integrity.part import PART as INTEGRITY
    from metricwatch.parts.kpis.part import PART as KPIS
    from metricwatch.parts.repro.part import PART as REPRO

    return [KPIS, INTEGRITY, REPRO, DRIFT, EVIDENCE, HISTORY]


def _registry() -> dict[str, Part[Any]]:
    if not _PARTS:
        _PARTS.update((p.name, p) for p in _builtin())
    return _PARTS


def register(part: Part[Any]) -> None:
    """Add a part after the others; a name already taken is a programming error."""
    parts = _registry()
    if part.name in parts:
        raise ValueError(f"a part named {part.name!r} is already registered")
    missing = [n for n in part.needs if n not in parts]
    if missing:
        raise ValueError(f"part {part.name!r} needs unregistered part(s) {', '.join(missing)}")
    parts[part.name] = part


def unregister(name: str) -> None:
    _registry().pop(name)


def all_parts() -> list[Part[Any]]:
    return list(_registry().values())


def part_names() -> tuple[str, ...]:
    return tuple(_registry())


def get_part(name: str) -> Part[Any]:
    parts = _registry()
    if name not in parts:
        raise KeyError(f"unknown part {name!r}; valid: {', '.join(parts)}")
    return parts[name]


def check_parts(extra: Iterable[str] = ()) -> tuple[str, ...]:
    """What `check` collects: the parts it collects by default, plus `extra` (`--repro`)."""
    wanted = set(extra)
    return tuple(p.name for p in all_parts() if p.in_check or p.name in wanted)


def essential_parts() -> tuple[str, ...]:
    """Parts whose failure leaves no verdict at all (exit 2): the runs and the release tags."""
    return tuple(p.name for p in all_parts() if p.essential)


def in_collect_order(names: Iterable[str]) -> list[Part[Any]]:
    """The named parts in registry order, each after the parts it needs."""
    wanted = set(names)
    unknown = sorted(wanted - set(_registry()))
    if unknown:
        valid = ", ".join(_registry())
        raise ValueError(f"unknown part(s) {', '.join(unknown)}; valid: {valid}")
    ordered: list[Part[Any]] = []

    def visit(part: Part[Any]) -> None:
        if part in ordered:
            return
        for need in part.needs:
            if need in wanted:
                visit(_registry()[need])
        ordered.append(part)

    for part in all_parts():
        if part.name in wanted:
            visit(part)
    return ordered


def skip_help() -> str:
    """`--skip`'s help, naming every registered part."""
    return f"Parts to leave out: {', '.join(part_names())}."
