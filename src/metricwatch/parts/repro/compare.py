"""Hash-by-hash comparison of two runs' outputs; metrics files key by key with volatile keys.

Pure functions: the caller reads dvc.lock entries and metrics file contents.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from metricwatch.i18n.message import msg
from metricwatch.parts.repro.dvc_pipeline import LockedOut
from metricwatch.parts.repro.model import OutputComparison, VolatileDiff


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def parse_metrics(path: str, blob: bytes) -> dict[str, Any] | None:
    """Flattened keys of a JSON/YAML/TOML metrics file; None when it cannot be parsed."""
    try:
        text = blob.decode("utf-8")
        if path.endswith(".toml"):
            data: Any = tomllib.loads(text)
        elif path.endswith(".json"):
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None
    return flatten(data) if isinstance(data, dict) else None


def is_volatile(key: str, volatile_keys: Iterable[str]) -> bool:
    low = key.lower()
    return any(v.lower() in low for v in volatile_keys if v)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b)


def _text(value: Any, present: bool) -> str | None:
    return json.dumps(value, default=str) if present else None


def compare_metrics(
    out: LockedOut,
    expected: Mapping[str, Any],
    actual: Mapping[str, Any],
    volatile_keys: Iterable[str],
) -> tuple[list[str], list[VolatileDiff]]:
    """(non-volatile keys that differ, volatile keys that differ with both values)."""
    differing, volatile = [], []
    for key in sorted(set(expected) | set(actual)):
        a, b = expected.get(key), actual.get(key)
        if key in expected and key in actual and _same(a, b):
            continue
        if is_volatile(key, volatile_keys):
            volatile.append(
                VolatileDiff(
                    path=out.path,
                    stage=out.stage,
                    key=key,
                    expected=_text(a, key in expected),
                    actual=_text(b, key in actual),
                )
            )
        else:
            differing.append(key)
    return differing, volatile


def _kind(out: LockedOut, metrics: set[str]) -> str:
    if out.path in metrics:
        return "metrics"
    return "dir" if (out.hash or "").endswith(".dir") else "file"


def compare_outputs(
    expected: list[LockedOut],
    actual: list[LockedOut],
    *,
    metrics: set[str],
    expected_blobs: Mapping[str, bytes | None],
    actual_blobs: Mapping[str, bytes | None],
    volatile_keys: Iterable[str],
) -> tuple[list[OutputComparison], list[VolatileDiff]]:
    """Every output of either run, matched by (stage, path)."""
    keys = list(dict.fromkeys([(o.stage, o.path) for o in [*expected, *actual]]))
    exp = {(o.stage, o.path): o for o in expected}
    act = {(o.stage, o.path): o for o in actual}
    rows, volatile_all = [], []
    for key in keys:
        e, a = exp.get(key), act.get(key)
        out = e or a
        assert out is not None
        kind = _kind(out, metrics)
        base: dict[str, Any] = dict(
            path=out.path,
            stage=out.stage,
            kind=kind,
            expected=e.hash if e else None,
            actual=a.hash if a else None,
        )
        if e is None or a is None:
            why = msg("repro.reason.not_locked" if e is None else "repro.reason.not_produced")
            rows.append(OutputComparison(**base, match=False, why=why))
            continue
        if e.hash == a.hash:
            rows.append(OutputComparison(**base, match=True))
            continue
        if kind != "metrics":
            rows.append(OutputComparison(**base, match=False, why=msg("repro.reason.hash")))
            continue
        eb, ab = expected_blobs.get(out.path), actual_blobs.get(out.path)
        em = parse_metrics(out.path, eb) if eb is not None else None
        am = parse_metrics(out.path, ab) if ab is not None else None
        if em is None or am is None:
            side = "committed" if em is None else "fresh"
            why = msg(f"repro.reason.unreadable_{side}")
            rows.append(OutputComparison(**base, match=False, why=why))
            continue
        differing, volatile = compare_metrics(out, em, am, volatile_keys)
        volatile_all.extend(volatile)
        if differing:
            rows.append(
                OutputComparison(
                    **base,
                    match=False,
                    differing_keys=differing,
                    why=msg("repro.reason.metrics", keys=", ".join(differing)),
                )
            )
        else:
            keys_text = ", ".join(v.key for v in volatile)
            why = (
                msg("repro.reason.volatile", keys=keys_text)
                if keys_text
                else msg("repro.reason.formatting")
            )
            rows.append(OutputComparison(**base, match=True, volatile=True, why=why))
    return rows, volatile_all
