"""What the pipeline at REV declares: outputs per stage (dvc.lock), metrics files, source inputs.

Pure functions of file text: dvc.yaml and dvc.lock as committed, `.dvc` files' paths.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from metricwatch.errors import CheckError
from metricwatch.i18n.message import Msg, msg
from metricwatch.sources.dvc_lock import DvcParseError, load_yaml


@dataclass(frozen=True)
class LockedOut:
    stage: str
    path: str  # relative to the DVC project root
    hash: str | None  # md5 (".dir" suffix for directories), or another hash DVC recorded


def _load(text: str, source: str) -> dict[str, Any]:
    """dvc.yaml / dvc.lock through the one DVC-file reader (merge conflicts, error lines)."""
    try:
        data = load_yaml(text, source) or {}
    except DvcParseError as exc:
        raise CheckError(f"{exc}") from exc
    if not isinstance(data, dict):
        raise CheckError(f"{source}: expected a mapping, got {type(data).__name__}")
    return data


def _hash_of(entry: dict[str, Any]) -> str | None:
    for key in ("md5", "etag", "checksum"):
        if entry.get(key):
            return str(entry[key])
    return None


def _wdirs(dvc_yaml: dict[str, Any]) -> dict[str, str]:
    stages = dvc_yaml.get("stages") or {}
    return {
        name: str(spec.get("wdir") or ".")
        for name, spec in stages.items()
        if isinstance(spec, dict)
    }


def _join(wdir: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(wdir, path))


def _stage_wdir(wdirs: dict[str, str], stage: str) -> str:
    return wdirs.get(stage.split("@", 1)[0], ".")  # foreach/matrix stages: name@key


def locked_outputs(lock_text: str, dvc_yaml_text: str, source: str = "dvc.lock") -> list[LockedOut]:
    lock = _load(lock_text, source)
    wdirs = _wdirs(_load(dvc_yaml_text, "dvc.yaml"))
    outs = []
    for stage, spec in (lock.get("stages") or {}).items():
        for entry in (spec or {}).get("outs") or []:
            path = _join(_stage_wdir(wdirs, stage), str(entry["path"]))
            outs.append(LockedOut(stage, path, _hash_of(entry)))
    return outs


def locked_deps(lock_text: str, dvc_yaml_text: str) -> dict[str, list[str]]:
    """Stage name → dep paths (relative to the project root) as the lock recorded them."""
    lock = _load(lock_text, "dvc.lock")
    wdirs = _wdirs(_load(dvc_yaml_text, "dvc.yaml"))
    return {
        stage: [
            _join(_stage_wdir(wdirs, stage), str(d["path"])) for d in (spec or {}).get("deps") or []
        ]
        for stage, spec in (lock.get("stages") or {}).items()
    }


def _is_under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def source_deps(lock_text: str, dvc_yaml_text: str) -> dict[str, str]:
    """Deps that no stage produces: path → the first stage that reads it (the pipeline's inputs)."""
    produced = [o.path for o in locked_outputs(lock_text, dvc_yaml_text)]
    found: dict[str, str] = {}
    for stage, deps in locked_deps(lock_text, dvc_yaml_text).items():
        for dep in deps:
            if "://" in dep or any(_is_under(dep, p) or _is_under(p, dep) for p in produced):
                continue
            found.setdefault(dep, stage)
    return found


def metrics_paths(dvc_yaml_text: str) -> set[str]:
    """Metrics files declared in dvc.yaml (stage `metrics:` and the top-level `metrics:` list)."""
    data = _load(dvc_yaml_text, "dvc.yaml")
    paths: set[str] = set()
    for item in data.get("metrics") or []:
        paths.add(posixpath.normpath(str(item)))
    for spec in (data.get("stages") or {}).values():
        if not isinstance(spec, dict):
            continue
        wdir = str(spec.get("wdir") or ".")
        for item in spec.get("metrics") or []:
            names = item.keys() if isinstance(item, dict) else [item]
            paths.update(_join(wdir, str(n)) for n in names)
    return paths


def stale_entries(
    lock_text: str, dvc_yaml_text: str, md5_of: Callable[[str], str | None]
) -> list[Msg]:
    """Why the committed dvc.lock does not describe the committed pipeline (empty: it does).

    A stage whose command in dvc.yaml is not the locked one, or a dep file whose md5 (as
    `md5_of(path)` computes it in the clone; None: not a file there) is not the locked one.
    Only DVC 3 hashes (`hash: md5`) are compared; directories are left to the run.
    """
    lock = _load(lock_text, "dvc.lock")
    dvc_yaml = _load(dvc_yaml_text, "dvc.yaml")
    declared = {
        str(name): spec
        for name, spec in (dvc_yaml.get("stages") or {}).items()
        if isinstance(spec, dict)
    }
    wdirs = _wdirs(dvc_yaml)
    found: list[Msg] = []
    for stage, spec in (lock.get("stages") or {}).items():
        spec = spec or {}
        yaml_cmd = (declared.get(str(stage)) or {}).get("cmd")
        locked_cmd = spec.get("cmd")
        if isinstance(yaml_cmd, str) and isinstance(locked_cmd, str) and yaml_cmd != locked_cmd:
            found.append(msg("repro.stale.cmd", stage=str(stage)))
        for dep in spec.get("deps") or []:
            md5 = dep.get("md5")
            if dep.get("hash") != "md5" or not md5 or str(md5).endswith(".dir"):
                continue
            path = _join(_stage_wdir(wdirs, str(stage)), str(dep["path"]))
            now = md5_of(path)
            if now is not None and now != md5:
                found.append(msg("repro.stale.dep", stage=str(stage), path=path))
    return found
