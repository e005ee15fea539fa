"""The inputs of an evidence capture, as one digest: equal digests mean equal images.

The digest covers what the images show and what draws them: the tracking store's content (a
SQLite file or a file-store tree, and the release runs' artifact folders), the pages planned
(run ids, routes, expected texts), the config's evidence section and the KPI/tag settings, the
terminal transcripts (the reproducibility check's and the live `git tag -n` / `dvc metrics
show` output), the project commit, and the versions of metricwatch, MLflow, Playwright and the
browser. An HTTP tracking server's content cannot be fingerprinted from here, so it gets no key
(its evidence is always captured again), and neither do artifacts outside the file system.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from metricwatch import __version__
from metricwatch.config import Config
from metricwatch.errors import MetricwatchError
from metricwatch.hashing import canonical_json, file_sha256
from metricwatch.i18n.message import Msg, msg
from metricwatch.procs import run
from metricwatch.redact import redact_url


@dataclass(frozen=True)
class ReuseKey:
    """digest None: no safe key (why says why); parts: each input's own digest."""

    digest: str | None
    why: Msg | None = None
    parts: dict[str, str] = field(default_factory=dict)


class NoKey(Exception):
    """Raised while digesting when an input cannot be fingerprinted (`why` says which)."""

    def __init__(self, why: Msg) -> None:
        super().__init__(why.text("en"))
        self.why = why


def _sha(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def tree_digest(root: Path) -> str:
    """SHA-256 over every file under root: relative path, size and content digest."""
    entries = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file():
                rel = path.relative_to(root).as_posix()
                entries.append((rel, path.stat().st_size, file_sha256(path)))
    return _sha(entries)


def _local_path(uri: str) -> Path | None:
    if uri.startswith("file:"):
        return Path(unquote(urlsplit(uri).path))
    return Path(uri) if "://" not in uri and ":" not in uri.split("/", 1)[0] else None


def store_digest(cfg: Config, release_runs: list[Any]) -> str:
    """The tracking store's content and the release runs' artifact folders; NoKey if unknowable."""
    uri = cfg.tracking_uri()
    root: Path | None = None
    if uri.startswith("sqlite:///"):
        db = Path(uri[len("sqlite:///") :])
        files = [p for p in (db, db.with_name(db.name + "-wal")) if p.is_file()]
        store: list[Any] = [(p.name, file_sha256(p)) for p in files]
    elif uri.startswith("file:"):
        root = _local_path(uri)
        store = [tree_digest(root)] if root and root.is_dir() else []
    else:
        raise NoKey(msg("evidence.nokey.server", uri=redact_url(uri)))
    if not store:
        raise NoKey(msg("evidence.nokey.no_store", uri=redact_url(uri)))
    artifacts = []
    for r in sorted(release_runs, key=lambda r: r.run_id):
        folder = _local_path(r.artifact_uri)
        if folder is None:
            where = redact_url(r.artifact_uri)
            raise NoKey(msg("evidence.nokey.artifacts", run_id=r.run_id, uri=where))
        if root is not None and folder.is_relative_to(root):
            continue  # inside the file store's tree, already digested
        artifacts.append((r.run_id, tree_digest(folder) if folder.is_dir() else "absent"))
    return _sha([store, artifacts])


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def browser_version(exe: Path) -> str:
    res = run([str(exe), "--version"], timeout_s=30)
    text = res.stdout.strip()
    if not res.ok or not text:
        raise NoKey(msg("evidence.nokey.browser_version", exe=str(exe)))
    return text


def _transcript(entry: Any, *, live: bool = False) -> dict[str, Any] | None:
    """What a terminal image shows of a transcript entry (its start time is not shown).

    A live command's duration changes with every run, and is left out: a reused image shows
    the duration of its own capture, which the report dates.
    """
    if entry is None:
        return None
    dumped: dict[str, Any] = entry.model_dump(
        mode="json", exclude={"started_at", "duration_s"} if live else {"started_at"}
    )
    return dumped


def evidence_key(
    cfg: Config,
    *,
    parts: tuple[str, ...],
    browser_exe: Path,
    runs: Any = None,
    repro: Any = None,
    live_runs: list[Any] | None = None,
) -> ReuseKey:
    """The digest of this capture's inputs, or a ReuseKey without digest saying why not."""
    from metricwatch.parts.evidence.plan import page_specs, release_runs
    from metricwatch.runfacts import git_facts

    try:
        inputs: dict[str, Any] = {
            "versions": {
                "metricwatch": __version__,
                "mlflow": _package("mlflow"),
                "playwright": _package("playwright"),
                "browser": [str(browser_exe), browser_version(browser_exe)],
            },
            "config": {
                "parts": list(parts),
                "evidence": cfg.evidence.model_dump(mode="json"),
                "version_tag": cfg.mlflow.version_tag,
                "metrics": cfg.mlflow.metrics,
                "tags": cfg.tags.model_dump(mode="json"),
            },
        }
        if "mlflow" in parts:
            if runs is None:
                raise NoKey(msg("evidence.nokey.runs"))
            releases, _notes = release_runs(cfg, runs)
            specs = page_specs(cfg, releases, runs)
            inputs["pages"] = [dataclasses.asdict(s) for s in specs]
            inputs["store"] = store_digest(cfg, list(releases.values()))
        if "terminal" in parts:
            commit, _describe = git_facts(cfg.project_path)
            entries = []
            if repro is not None:
                entries = [_transcript(repro.transcript.find("dvc", "repro"))]
                entries += [_transcript(repro.transcript.find("dvc", "status"))]
                last = repro.transcript.entries[-1] if repro.transcript.entries else None
                entries += [_transcript(last), repro.rev, repro.verdict, repro.verdict_text]
            inputs["terminal"] = {
                "commit": commit,
                "repro": entries,
                "live": [
                    [lr.name, _transcript(lr.entry, live=True), lr.note and lr.note.text("en")]
                    for lr in live_runs or []
                ],
            }
    except NoKey as exc:
        return ReuseKey(None, exc.why)
    except MetricwatchError as exc:  # e.g. an unreadable tracking URI: capture says why
        return ReuseKey(None, msg("evidence.nokey.unreadable", error=str(exc)))
    parts_digest = {name: _sha(value) for name, value in inputs.items()}
    return ReuseKey(_sha(parts_digest), parts=parts_digest)
