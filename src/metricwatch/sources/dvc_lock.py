"""Parse dvc.lock, dvc.yaml, `.dvc` files and params.yaml text into plain records (pure).

dvc.lock `schema: '2.0'` stages record each output and dependency with its hash
(`md5: <hex>` or `<hex>.dir` for directories; `hash: md5` marks DVC 3 hashes, its absence the
legacy DVC 2 `md5-dos2unix` ones, which live at a different place on the remote).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

# libyaml's parser when PyYAML was built with it: dvc.lock files of 200 tags parse ~10× faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONFLICT = re.compile(r"^(<<<<<<<|>>>>>>>) ", re.MULTILINE)


class DvcParseError(ValueError):
    """Raised when a DVC file cannot be parsed; the message names the file and the problem."""


class LockEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    stage: str  # stage name, or the `.dvc` file for `dvc add` outputs
    md5: str | None  # None when the entry records no md5 (e.g. cloud-versioned etag only)
    legacy: bool = False  # DVC 2 hash (md5-dos2unix)
    is_dir: bool = False
    nfiles: int | None = None
    size: int | None = None

    @property
    def oid(self) -> str | None:
        return self.md5


class LockFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    outs: list[LockEntry] = Field(default_factory=list)
    deps: list[LockEntry] = Field(default_factory=list)
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)  # file -> {key: value}
    stages: list[str] = Field(default_factory=list)


def load_yaml(text: bytes | str, source: str) -> Any:
    """YAML with an error that names the file, the line and a merge conflict when there is one."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise DvcParseError(
            f"{source}: unresolved git merge conflict (conflict markers from line {line}); "
            "resolve it (for dvc.lock: re-run `dvc repro`), commit the file and tag again"
        )
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise DvcParseError(f"{source}:{where} YAML error: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise DvcParseError(f"{source}: YAML error: {exc}") from exc


def _entry(raw: Any, stage: str, source: str) -> LockEntry:
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
        raise DvcParseError(f"{source}: stage {stage!r}: an entry without a `path`: {raw!r}")
    md5 = raw.get("md5")
    md5 = str(md5) if md5 is not None else None
    return LockEntry(
        path=raw["path"],
        stage=stage,
        md5=md5,
        legacy=raw.get("hash") != "md5",
        is_dir=bool(md5 and md5.endswith(".dir")),
        nfiles=raw.get("nfiles") if isinstance(raw.get("nfiles"), int) else None,
        size=raw.get("size") if isinstance(raw.get("size"), int) else None,
    )


def parse_lock(text: bytes | str, source: str = "dvc.lock") -> LockFile:
    data = load_yaml(text, source)
    if not isinstance(data, dict):
        raise DvcParseError(
            f"{source}: expected a mapping with `stages`, got {type(data).__name__}"
        )
    stages = data.get("stages")
    if not isinstance(stages, dict):
        raise DvcParseError(f"{source}: no `stages` mapping (schema {data.get('schema')!r})")
    outs: list[LockEntry] = []
    deps: list[LockEntry] = []
    params: dict[str, dict[str, Any]] = {}
    for name, stage in stages.items():
        if not isinstance(stage, dict):
            raise DvcParseError(f"{source}: stage {name!r} is not a mapping")
        outs += [_entry(o, str(name), source) for o in stage.get("outs") or []]
        deps += [_entry(d, str(name), source) for d in stage.get("deps") or []]
        for file, values in (stage.get("params") or {}).items():
            if isinstance(values, dict):
                params.setdefault(str(file), {}).update(values)
    return LockFile(
        source=source, outs=outs, deps=deps, params=params, stages=[str(s) for s in stages]
    )


def parse_dvc_file(text: bytes | str, source: str) -> list[LockEntry]:
    """The outputs of a `.dvc` file written by `dvc add` / `dvc import`."""
    data = load_yaml(text, source)
    if not isinstance(data, dict):
        raise DvcParseError(f"{source}: expected a mapping with `outs`")
    return [_entry(o, source, source) for o in data.get("outs") or []]


def parse_stages(text: bytes | str, source: str = "dvc.yaml") -> list[str]:
    """Stage names of dvc.yaml (validates that it parses)."""
    data = load_yaml(text, source)
    if not isinstance(data, dict):
        raise DvcParseError(f"{source}: expected a mapping with `stages`")
    stages = data.get("stages") or {}
    if not isinstance(stages, dict):
        raise DvcParseError(f"{source}: `stages` is not a mapping")
    return [str(s) for s in stages]


def flatten(values: Any, prefix: str = "") -> dict[str, Any]:
    """{"train": {"lr": 0.1}} -> {"train.lr": 0.1}; lists stay values."""
    if not isinstance(values, dict):
        return {prefix: values} if prefix else {}
    out: dict[str, Any] = {}
    for key, value in values.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            out.update(flatten(value, full))
        else:
            out[full] = value
    return out
