"""What `metricwatch init` learns from a project: tracking store, experiments, metric names,
release tags and the DVC remote. Everything here only reads: the store through
metricwatch.sources.mlflow_store_scan, git and the DVC config without changing them.
"""

from __future__ import annotations

import configparser
import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from metricwatch.config import MlflowConfig
from metricwatch.errors import MetricwatchError
from metricwatch.git import run_git
from metricwatch.procs import ProcResult
from metricwatch.redact import redact_url, scrub
from metricwatch.sources.mlflow_store_scan import (
    StoreContents,
    is_file_store,
    read_file_store,
    read_remote_store,
    read_sqlite_store,
)
from metricwatch.sources.store_presence import TrackedStore, dvc_tracked_stores

SKIP_DIRS = {".git", ".dvc", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache"}
SEARCH_DEPTH = 3


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class StoreCandidate(Model):
    uri: str  # as written in metricwatch.yaml (relative to the project where local)
    source: str  # how it was found, for the config's comments
    kind: str  # "sqlite" | "file" | "remote"
    local_path: str | None = None


class Inspection(Model):
    project: str
    stores: list[StoreCandidate]
    contents: StoreContents | None
    aliases: dict[str, list[str]]
    unmapped_metrics: list[str]
    git_tags: list[str]
    tag_pattern: str
    tag_families: dict[str, int]
    shallow: bool
    version_tag: str
    has_stage_baseline: bool
    baseline_version: str | None  # a git tag naming a baseline that a run is tagged with
    baseline_tag_unmatched: str | None  # a git tag naming a baseline that no run is tagged with
    dvc_remote: str | None
    dvc_remotes: list[str]
    dvc_stores: list[TrackedStore]  # DVC-tracked paths that look like tracking stores
    output: str  # the report folder to propose (never one the project already uses)
    notes: list[str]

    @property
    def unpulled_store(self) -> TrackedStore | None:
        return next((s for s in self.dvc_stores if not s.pulled), None)

    @property
    def store(self) -> StoreCandidate | None:
        return self.stores[0] if self.stores else None


# --- tracking stores ---------------------------------------------------------------------


def _rel(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)


def _local_candidate(uri: str, base: Path, project: Path, source: str) -> StoreCandidate:
    if uri.startswith("sqlite:///"):
        path = Path(uri[len("sqlite:///") :])
        path = path if path.is_absolute() else base / path
        return StoreCandidate(uri=uri, source=source, kind="sqlite", local_path=str(path))
    if uri.startswith("file:") or "://" not in uri:
        raw = urlsplit(uri).path if uri.startswith("file:") else uri
        path = Path(raw) if Path(raw).is_absolute() else base / raw
        return StoreCandidate(uri=uri, source=source, kind="file", local_path=str(path))
    return StoreCandidate(uri=uri, source=source, kind="remote")


def find_stores(project: Path, env: Mapping[str, str]) -> list[StoreCandidate]:
    """Tracking stores in order of preference: the environment, mlflow.db, mlruns/, others."""
    found: list[StoreCandidate] = []
    env_uri = env.get("MLFLOW_TRACKING_URI", "").strip()
    if env_uri:
        found.append(_local_candidate(env_uri, Path.cwd(), project, "MLFLOW_TRACKING_URI"))
    db = project / "mlflow.db"
    if db.is_file():
        found.append(
            StoreCandidate(
                uri="sqlite:///mlflow.db", source="mlflow.db", kind="sqlite", local_path=str(db)
            )
        )
    seen = {project / "mlruns"}
    if is_file_store(project / "mlruns"):
        found.append(
            StoreCandidate(
                uri="mlruns", source="mlruns/", kind="file", local_path=str(project / "mlruns")
            )
        )
    for folder in _walk_dirs(project, SEARCH_DEPTH):
        if folder not in seen and is_file_store(folder):
            rel = _rel(folder, project)
            found.append(
                StoreCandidate(
                    uri=rel, source=f"file store folder {rel}/", kind="file", local_path=str(folder)
                )
            )
    return found


def _walk_dirs(root: Path, depth: int) -> list[Path]:
    out: list[Path] = []
    level = [root]
    for _ in range(depth):
        nxt: list[Path] = []
        for folder in level:
            try:
                children = sorted(c for c in folder.iterdir() if c.is_dir())
            except OSError:
                continue
            for child in children:
                if child.name in SKIP_DIRS or child.name.startswith("."):
                    continue
                out.append(child)
                nxt.append(child)
        level = nxt
    return out


def read_store(store: StoreCandidate) -> StoreContents:
    """The store's experiments, metric names and run tags; a failure is kept as `error`."""
    try:
        if store.kind == "sqlite" and store.local_path:
            if not Path(store.local_path).is_file():
                return StoreContents(error=f"{store.local_path}: no such SQLite file")
            return read_sqlite_store(Path(store.local_path))
        if store.kind == "file" and store.local_path:
            return read_file_store(Path(store.local_path))
        return read_remote_store(store.uri)
    except Exception as exc:  # any reader failure becomes a note in the written config
        return StoreContents(
            error=scrub(
                f"{redact_url(store.uri)}: cannot list its contents ({type(exc).__name__}: {exc})"
            )
        )


# --- metrics -----------------------------------------------------------------------------

_INFER = {
    "rmse": re.compile(r"rmse|root_mean_squared_error"),
    "qwk": re.compile(r"qwk|kappa|quadratic_weighted"),
    "train_time_s": re.compile(r"(train|training|fit).*(time|duration|seconds)"),
    "drift_pct": re.compile(r"drift"),
}


def map_metrics(names: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Canonical -> aliases (names found first, then the defaults), and names left unmapped."""
    defaults = MlflowConfig().metrics
    found: dict[str, list[str]] = {k: [] for k in defaults}
    unmapped = []
    for name in names:
        key = next((c for c, aliases in defaults.items() if name in aliases), None)
        if key is None:
            key = next((c for c, rx in _INFER.items() if rx.search(name.lower())), None)
        if key is None:
            unmapped.append(name)
        else:
            found[key].append(name)
    aliases = {c: found[c] + [a for a in defaults[c] if a not in found[c]] for c in defaults}
    return aliases, unmapped


# --- git tags ----------------------------------------------------------------------------

_VERSIONED = re.compile(r"^(?P<prefix>.*?)(?P<v>v?)\d+(\.\d+)*")


def tag_family(tag: str) -> str | None:
    """The glob a release tag belongs to: v1.2.3 -> v*, models-v1.0-x -> models-v*, m@v2 -> m@v*."""
    m = _VERSIONED.match(tag)
    if not m:
        return None
    return f"{m.group('prefix')}{m.group('v')}*" if m.group("v") else f"{m.group('prefix')}[0-9]*"


def propose_pattern(tags: list[str]) -> tuple[str, dict[str, int]]:
    families = Counter(f for f in map(tag_family, tags) if f)
    if not families:
        return "v*", {}
    registry = [f for f in families if "@" in f]
    if len(registry) > 1:
        families["*@v*"] = sum(families[f] for f in registry)

    def rank(item: tuple[str, int]) -> tuple[int, int]:
        name, count = item
        return (count, 1 if name.startswith("model") else 0)

    best = max(families.items(), key=rank)[0]
    return best, dict(families.most_common())


def _git(project: Path, *args: str) -> ProcResult | None:
    try:
        res = run_git(project, *args)
    except MetricwatchError:  # git is not installed
        return None
    return None if res.timed_out else res


def git_tags(project: Path) -> tuple[list[str], bool, str | None]:
    """(tags, shallow clone, problem) of the project's git repository."""
    listed = _git(project, "tag", "--list")
    if listed is None or listed.returncode != 0:
        return [], False, f"{project}: not a git repository (or git is missing); tags unknown"
    shallow = _git(project, "rev-parse", "--is-shallow-repository")
    is_shallow = bool(shallow and shallow.stdout.strip() == "true")
    return listed.stdout.split(), is_shallow, None


# --- DVC ---------------------------------------------------------------------------------


def dvc_remotes(project: Path) -> tuple[str | None, list[str]]:
    """(default remote, all remote names) from .dvc/config and .dvc/config.local."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read([project / ".dvc" / "config", project / ".dvc" / "config.local"], encoding="utf-8")
    names = []
    for section in parser.sections():
        m = re.fullmatch(r"""'?remote "(.+)"'?""", section)
        if m:
            names.append(m.group(1))
    default = parser.get("core", "remote", fallback=None)
    return default, names


# --- everything --------------------------------------------------------------------------


def _version_tag(tag_values: dict[str, list[str]], tags: list[str]) -> str:
    best, best_hits = "version", 0
    known = set(tags)
    for key, values in tag_values.items():
        hits = len(known & set(values))
        if hits > best_hits:
            best, best_hits = key, hits
    return best


def _baseline_tags(tags: list[str], versions: set[str]) -> tuple[str | None, str | None]:
    """(a git tag naming a baseline that some run carries, one that no run carries)."""
    named = [t for t in tags if "baseline" in t.lower()]
    return (
        next((t for t in named if t in versions), None),
        next((t for t in named if t not in versions), None),
    )


def propose_output(root: Path) -> str:
    """`reports`, unless the project already keeps its own files there (a DVC
    `reports/metrics.json` would be overwritten by the report's metrics.json): then
    `reports/metricwatch`. A folder that already holds a metricwatch report keeps it."""
    folder = root / "reports"
    if (folder / "metricwatch").is_dir():
        return "reports/metricwatch"
    if (folder / "metrics_monitoring.html").is_file():
        return "reports"
    try:
        used = folder.is_dir() and any(folder.iterdir())
    except OSError:
        used = True
    return "reports/metricwatch" if used else "reports"


def _store_notes(stores: list[StoreCandidate], contents, tracked: list[TrackedStore]) -> list[str]:
    notes = []
    unpulled = next((s for s in tracked if not s.pulled), None)
    if unpulled is not None:
        notes.append(
            f"{unpulled.path} is an MLflow store tracked by DVC ({unpulled.dvc_file}) and not "
            f"pulled: run `{unpulled.pull}`, then `metricwatch init --force`"
        )
    if not stores and unpulled is None:
        notes.append(
            "no tracking store found (MLFLOW_TRACKING_URI, mlflow.db, mlruns/, or a "
            "folder of MLflow experiment folders); set mlflow.tracking_uri"
        )
    elif contents and contents.error:
        notes.append(contents.error)
    return notes


def inspect_project(project: Path | str, env: Mapping[str, str] | None = None) -> Inspection:
    root = Path(project).resolve()
    env = os.environ if env is None else env
    stores = find_stores(root, env)
    contents = read_store(stores[0]) if stores else None
    tracked = dvc_tracked_stores(root)
    notes = _store_notes(stores, contents, tracked)
    names = contents.metric_names if contents else []
    aliases, unmapped = map_metrics(names)
    tags, shallow, problem = git_tags(root)
    if problem:
        notes.append(problem)
    if shallow:
        notes.append("shallow clone: tags may be missing; run `git fetch --unshallow --tags`")
    pattern, families = propose_pattern(tags)
    release_tags = [
        t for t in tags if tag_family(t) == pattern or (pattern == "*@v*" and "@v" in t)
    ]
    tag_values = contents.tag_values if contents else {}
    version_tag = _version_tag(tag_values, tags)
    versions = set(tag_values.get(version_tag, [])) & set(tags)
    has_stage_baseline = "baseline" in tag_values.get("stage", [])
    baseline_version, baseline_unmatched = _baseline_tags(
        sorted(tags, key=lambda t: t not in release_tags), versions
    )
    if contents and any(e.runs for e in contents.experiments) and tags and not versions:
        notes.append(
            f"no run is tagged with a git tag name ({version_tag}=<tag>), so integrity will "
            "list every release without its run: tag each release's run (metricwatch.track."
            "log_lineage does it), or set mlflow.version_tag to the run tag you use"
        )
    default_remote, remotes = dvc_remotes(root)
    if not (root / ".dvc").is_dir():
        notes.append(f"{root}: no .dvc folder; integrity and reproducibility need a DVC project")
    return Inspection(
        project=str(root),
        stores=stores,
        contents=contents,
        aliases=aliases,
        unmapped_metrics=unmapped,
        git_tags=tags,
        tag_pattern=pattern,
        tag_families=families,
        shallow=shallow,
        version_tag=version_tag,
        has_stage_baseline=has_stage_baseline,
        baseline_version=None if has_stage_baseline else baseline_version,
        baseline_tag_unmatched=baseline_unmatched,
        dvc_remote=default_remote or (remotes[0] if remotes else None),
        dvc_remotes=remotes,
        dvc_stores=tracked,
        output=propose_output(root),
        notes=notes,
    )
