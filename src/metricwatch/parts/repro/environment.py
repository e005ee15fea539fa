"""Seed Appendix C: the environment of the clone's run, the repo's pins at REV, undeclared inputs.

The clone's stages run with this interpreter (PATH is prefixed with its folder), so its
version and installed packages are the clone's environment.
"""

from __future__ import annotations

import platform
import re
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import yaml

from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Said, said
from metricwatch.parts.repro.model import (
    EnvironmentInfo,
    PackageVersion,
    UndeclaredInput,
)

KEY_PACKAGES = ("dvc", "mlflow", "numpy", "pandas", "scikit-learn", "scipy")
LOCK_FILES = ("poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "conda-lock.yml")
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(==|===)\s*([^\s;#]+)")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_MISSING = re.compile(r"(?:FileNotFoundError|No such file or directory)[^'\"]*['\"]([^'\"]+)['\"]")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def read_pins(root: Path) -> tuple[list[str], dict[str, str], list[str]]:
    """(lock files found, name → pinned version, requirement lines without a == pin)."""
    found, pins, unpinned = [], {}, []
    for name in LOCK_FILES:
        if (root / name).is_file():
            found.append(name)
    for req in sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements*.lock")):
        lines = [
            ln
            for ln in req.read_text(encoding="utf-8", errors="replace").splitlines()
            if ln.strip() and not ln.lstrip().startswith(("#", "-"))
        ]
        got = [m for m in map(_REQ.match, lines) if m]
        for m in got:
            pins[_norm(m.group(1))] = m.group(4)
        unpinned += [f"{req.name}: {ln.strip()}" for ln in lines if not _REQ.match(ln)]
        if lines and len(got) == len(lines):
            found.append(req.name)
    for env_name in ("environment.yml", "environment.yaml"):
        env_file = root / env_name
        if env_file.is_file():
            deps = (yaml.safe_load(env_file.read_text(encoding="utf-8")) or {}).get(
                "dependencies"
            ) or []
            specs = [d for d in deps if isinstance(d, str)]
            if specs and all("=" in d for d in specs):
                found.append(env_name)
            unpinned += [f"{env_name}: {d}" for d in specs if "=" not in d]
    return found, pins, unpinned


def undeclared_inputs(
    failed_stage: str | None, stderr: str, deps: Iterable[str], root: Path
) -> list[UndeclaredInput]:
    """Paths a failing stage could not open that are not among its declared deps."""
    if not failed_stage:
        return []
    declared = set(deps)
    found = []
    for path in dict.fromkeys(_MISSING.findall(stderr)):
        p = Path(path)
        rel = (
            p.resolve().relative_to(root.resolve()).as_posix()
            if p.is_absolute() and p.resolve().is_relative_to(root.resolve())
            else path
        )
        if rel not in declared:
            line = next((ln.strip() for ln in stderr.splitlines() if path in ln), path)
            found.append(UndeclaredInput(stage=failed_stage, path=rel, evidence=line[:300]))
    return found


def environment(
    root: Path,
    *,
    undeclared: list[UndeclaredInput] | None = None,
    extra_packages: tuple[str, ...] = (),
) -> EnvironmentInfo:
    lock_files, pins, unpinned = read_pins(root)
    names = list(dict.fromkeys([*KEY_PACKAGES, *extra_packages, *pins]))
    packages = []
    for name in names:
        version = _installed(name)
        pinned = pins.get(_norm(name))
        row = PackageVersion(
            name=name,
            version=version,
            pinned=pinned,
            matches=None if pinned is None else version == pinned,
        )
        # Every key package; of the repo's other pins only the ones this environment breaks.
        if name in KEY_PACKAGES or name in extra_packages or row.matches is False:
            packages.append(row)
    notes: list[Said] = []
    mismatched = [p for p in packages if p.matches is False]
    if mismatched:
        versions = [
            msg("repro.env.version", name=p.name, version=p.version, pinned=p.pinned)
            if p.version
            else msg("repro.env.not_installed", name=p.name, pinned=p.pinned)
            for p in mismatched
        ]
        notes.append(said("repro.env.mismatched", versions, sep=", "))
    if not lock_files:
        notes.append(said("repro.env.unpinned"))
    return EnvironmentInfo(
        python=platform.python_version(),
        executable=sys.executable,
        platform=platform.platform(),
        packages=packages,
        lock_files=lock_files,
        pinned=bool(lock_files),
        unpinned=unpinned,
        undeclared_inputs=undeclared or [],
        remarks=notes,
    )
