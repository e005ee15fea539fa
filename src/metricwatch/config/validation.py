"""Turn pydantic's validation errors into one line per problem naming the file and key path.

metricwatch.yaml: thresholds.rmse.max_ratio_to_baseline: expected a number > 0, got 'high'
"""

from __future__ import annotations

import types
import typing
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union annotations."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _walk(
    model: type[BaseModel], loc: tuple[Any, ...]
) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """Follow a loc through the model's annotations: (model holding the last key, its field)."""
    current: Any = model
    holder: type[BaseModel] | None = None
    field: FieldInfo | None = None
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            holder = current
            field = current.model_fields.get(str(part))
            if field is None:
                return holder, None
            current = field.annotation
            continue
        candidates = _unwrap(current)
        nxt = None
        for cand in candidates:
            origin = typing.get_origin(cand)
            args = typing.get_args(cand)
            if origin is dict and len(args) == 2:
                nxt = args[1]
            elif origin in (list, tuple) and args:
                nxt = args[0]
            elif isinstance(cand, type) and issubclass(cand, BaseModel):
                holder = cand
                field = cand.model_fields.get(str(part))
                nxt = field.annotation if field else None
            if nxt is not None:
                break
        if nxt is None:
            return holder, field
        current = nxt
        # a model reached through a dict/list key: the next part is one of its fields
        for cand in _unwrap(current):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                current = cand
    return holder, field


def _bounds(field: FieldInfo | None) -> str:
    if field is None:
        return ""
    parts = []
    for meta in field.metadata:
        if isinstance(meta, Gt):
            parts.append(f"> {meta.gt}")
        elif isinstance(meta, Ge):
            parts.append(f">= {meta.ge}")
        elif isinstance(meta, Lt):
            parts.append(f"< {meta.lt}")
        elif isinstance(meta, Le):
            parts.append(f"<= {meta.le}")
    return (" " + " and ".join(parts)) if parts else ""


_TYPE_WORDS = {
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _one(err: dict[str, Any], root: type[BaseModel]) -> str:
    loc = tuple(err.get("loc", ()))
    etype = err.get("type", "")
    got = err.get("input")
    holder, field = _walk(root, loc)
    if etype == "extra_forbidden":
        valid = ", ".join((holder or root).model_fields)
        msg = f"unknown key; valid keys: {valid}"
    elif etype in _TYPE_WORDS:
        msg = f"expected {_TYPE_WORDS[etype]}{_bounds(field)}, got {got!r}"
    elif etype in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        msg = f"expected a number{_bounds(field)}, got {got!r}"
    elif etype == "literal_error":
        msg = f"expected one of {err.get('ctx', {}).get('expected', '')}, got {got!r}"
    elif etype == "missing":
        msg = "required key is missing"
    else:
        text = str(err.get("msg", "invalid value"))
        msg = text.removeprefix("Value error, ")
    path = ".".join(str(p) for p in loc) or "(top level)"
    return f"{path}: {msg}"


def format_validation_error(exc: ValidationError, source: str, root: type[BaseModel]) -> str:
    lines = [f"{source}: {_one(dict(e), root)}" for e in exc.errors(include_url=False)]
    return "\n".join(lines)
