"""Is the configured MLflow tracking store there, and which DVC-tracked paths look like one?

Course projects often keep a file store (`data/mlflow`) or `mlflow.db` under DVC: a fresh clone
then has `data/mlflow.dvc` but no store until `dvc pull`. `missing_store(source)` says, without
opening MLflow, why there is nothing to read (tracking URI unset, or a local store that is not
there) and what to do, naming the `dvc pull` when the store is DVC-tracked: both as catalogue
messages a report words in its language, and the whole English sentence for errors and notes.
Only the work tree is read: `.dvc` files up to three folders deep and the root `dvc.yaml` outputs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from metricwatch.config import absolutize_tracking_uri
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words
from metricwatch.i18n.words import text as words_text
from metricwatch.sources.dvc_lock import DvcParseError, load_yaml, parse_dvc_file
from metricwatch.sources.mlflow_store_scan import is_file_store
from metricwatch.sources.views import MlflowSource

SEARCH_DEPTH = 3
SKIP_DIRS = {".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__"}
# a path component named like a tracking store: mlruns, mlflow, mlflow.db, mlflow_store, …
STORE_NAME = re.compile(r"^(mlruns|mlflow)([._-].*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class TrackedStore:
    """A DVC-tracked path that looks like an MLflow tracking store."""

    path: str  # relative to the project, POSIX
    dvc_file: str  # the `.dvc` file or dvc.yaml that tracks it
    pulled: bool  # the store is in the work tree

    @property
    def uri(self) -> str:
        """The tracking_uri to write in metricwatch.yaml (relative to the project)."""
        return f"sqlite:///{self.path}" if self.path.endswith(".db") else self.path

    @property
    def pull(self) -> str:
        target = self.dvc_file if self.dvc_file.endswith(".dvc") else self.path
        return f"dvc pull {target}"


@dataclass(frozen=True)
class MissingStore:
    """Why no run can be read (`reason`) and what to do (`fix`), both catalogue messages short
    enough for a table cell; `said` is the whole sentence naming the config file, as message
    pieces, and `message` its English text (errors and CLI notes are English)."""

    reason: Msg
    fix: Msg
    said: Words

    @property
    def message(self) -> str:
        return words_text(self.said)


def looks_like_store(path: str) -> bool:
    return any(STORE_NAME.match(part) for part in Path(path).parts)


def _present(folder: Path) -> bool:
    if folder.suffix == ".db":
        return folder.is_file() and folder.stat().st_size > 0
    return is_file_store(folder)


def _dvc_files(project: Path) -> list[Path]:
    found: list[Path] = []
    level = [project]
    for _ in range(SEARCH_DEPTH):
        nxt: list[Path] = []
        for folder in level:
            try:
                children = sorted(folder.iterdir())
            except OSError:
                continue
            for child in children:
                if child.is_file() and child.suffix == ".dvc":
                    found.append(child)
                elif (
                    child.is_dir()
                    and child.name not in SKIP_DIRS
                    and not child.name.startswith(".")
                    and not STORE_NAME.match(child.name)  # never walk into a store's runs
                ):
                    nxt.append(child)
        level = nxt
    return found


def _yaml_outs(project: Path) -> list[str]:
    try:
        data: Any = load_yaml((project / "dvc.yaml").read_bytes(), "dvc.yaml")
    except (OSError, DvcParseError):
        return []
    stages = data.get("stages") if isinstance(data, dict) else None
    outs: list[str] = []
    for stage in (stages or {}).values():
        for entry in (stage.get("outs") or []) if isinstance(stage, dict) else []:
            path = next(iter(entry), None) if isinstance(entry, dict) else entry
            if isinstance(path, str):
                outs.append(path)
    return outs


def dvc_tracked_stores(project: Path) -> list[TrackedStore]:
    """DVC-tracked paths that look like tracking stores, with whether each is pulled; `.dvc`
    files shallowest first, then the outputs of the root dvc.yaml."""
    project = project.resolve()
    stores: list[TrackedStore] = []
    for dvc_file in _dvc_files(project):
        rel_file = dvc_file.relative_to(project).as_posix()
        try:
            entries = parse_dvc_file(dvc_file.read_bytes(), rel_file)
        except (OSError, DvcParseError):
            continue
        for entry in entries:
            target = (dvc_file.parent / entry.path).resolve()
            rel = os.path.relpath(target, project).replace(os.sep, "/")
            if looks_like_store(rel):
                stores.append(TrackedStore(rel, rel_file, _present(target)))
    for out in _yaml_outs(project):
        if looks_like_store(out):
            stores.append(TrackedStore(out.rstrip("/"), "dvc.yaml", _present(project / out)))
    return stores


def _local_path(uri: str, root: Path) -> Path | None:
    """The file or folder of a local store (file store or SQLite), None for a server."""
    if uri.startswith("file:"):  # as the user wrote it: percent-encoded
        return Path(unquote(urlsplit(uri).path))
    resolved = absolutize_tracking_uri(uri, root)
    if resolved.startswith("sqlite:///"):
        return Path(resolved[len("sqlite:///") :])
    if resolved.startswith("file://"):
        return Path(resolved[len("file://") :])
    return None


def _tracked(project: Path, local: Path) -> TrackedStore | None:
    if not project.is_dir():
        return None
    target = local.resolve()
    return next(
        (s for s in dvc_tracked_stores(project) if (project / s.path).resolve() == target), None
    )


def _unset(source: MlflowSource) -> MissingStore:
    project = source.project
    tracked = dvc_tracked_stores(project) if project.is_dir() else []
    unpulled = [s for s in tracked if not s.pulled]
    reason = msg("store.reason.unset")
    config = str(source.config_file)
    if unpulled:
        s = unpulled[0]
        fix = msg("store.fix.pull_then_set", pull=s.pull, uri=s.uri)
        head = msg("store.said.unset_unpulled", config=config, path=s.path, dvc_file=s.dvc_file)
        return MissingStore(reason, fix, [head, fix, msg("store.said.or_init")])
    head = msg("store.said.unset", config=config)
    if tracked:
        fix = msg("store.fix.set", uri=tracked[0].uri)
        return MissingStore(reason, fix, [head, fix, msg("store.said.this_project")])
    return MissingStore(reason, msg("store.fix.set_example"), [head, msg("store.said.set_one")])


def missing_store(source: MlflowSource) -> MissingStore | None:
    """Why the configured tracking store cannot be read at all, or None when it may be read.

    Only local stores are looked at (a server is asked by the run source itself). A local path
    that exists is left to MLflow, unless DVC tracks it and it is not pulled (DVC may leave an
    empty folder).
    """
    uri = source.configured_uri or os.environ.get("MLFLOW_TRACKING_URI")
    if not uri:
        return _unset(source)
    local = _local_path(uri, source.root)
    if local is None:
        return None
    tracked = _tracked(source.project, local)
    if tracked is not None and not tracked.pulled:
        reason = msg("store.reason.not_pulled", path=tracked.path)
        fix = msg("store.fix.pull_in", pull=tracked.pull, project=str(source.project))
    elif local.exists():
        return None
    else:
        reason = msg("store.reason.not_there", path=str(local))
        fix = msg("store.fix.check_uri")
    head = msg("store.said.local", config=str(source.config_file))
    return MissingStore(
        reason, fix, [head, reason, msg("words.sep"), fix, msg("store.said.never_creates")]
    )
