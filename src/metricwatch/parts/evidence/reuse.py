"""Reuse of captured evidence: a second report with unchanged inputs does not photograph again.

An entry in the user's cache ($XDG_CACHE_HOME/metricwatch/evidence/<digest>/) holds the images,
the manifest and the evidence result of one capture, stored under the digest of its inputs
(`reuse_key`). Like the reproducibility verdict cache, an entry is used only when its stored
key equals the current one, and anything unreadable means "capture again". Before reuse, every
cached image must match its SHA-256 in the cached manifest; a tampered entry is deleted.
Captures with a failed image are not stored: a passing glitch must not outlive one report.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from pydantic import ValidationError

from metricwatch.atomic import (
    UnreadableEntryError,
    atomic_copy,
    read_keyed_json,
    write_keyed_json,
)
from metricwatch.hashing import file_sha256
from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words
from metricwatch.parts.evidence.manifest import MANIFEST_NAME, write_manifest
from metricwatch.parts.evidence.model import EvidenceReport
from metricwatch.parts.evidence.reuse_key import ReuseKey
from metricwatch.user_cache import user_cache_dir

ENTRY = "entry.json"
KEEP = 10  # newest entries kept; older ones are pruned after each store
FAMILIES = ("dvc_repro_", "dvc_status_")  # terminal images named by verdict


def cache_root() -> Path:
    return user_cache_dir() / "evidence"


def entry_dir(digest: str) -> Path:
    return cache_root() / digest[:40]


def _verified(entry: Path, report: EvidenceReport) -> Msg | None:
    """None when every cached image matches the cached manifest; else "not reused" and why."""
    try:
        manifest = json.loads((entry / MANIFEST_NAME).read_text(encoding="utf-8"))
        listed = {img["file"]: img["sha256"] for img in manifest.get("images", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return msg("evidence.reuse.bad_manifest")
    for item in report.ok:
        path = entry / item.name
        if not path.is_file():
            return msg("evidence.reuse.image_missing", name=item.name)
        if listed.get(item.name) != item.sha256 or file_sha256(path) != item.sha256:
            return msg("evidence.reuse.image_changed", name=item.name)
    return None


def load(
    key: ReuseKey, images_dir: Path, parts: tuple[str, ...]
) -> tuple[EvidenceReport | None, Words]:
    """(the reused evidence, published into images_dir, []) or (None, why the entry was not
    usable; [] when there simply is no entry for this key)."""
    if key.digest is None:
        return None, []
    entry = entry_dir(key.digest)
    try:
        stored = read_keyed_json(entry / ENTRY, key.digest)
        if stored is None:
            return None, []
        report = EvidenceReport.model_validate(stored)
    except (UnreadableEntryError, ValidationError):
        shutil.rmtree(entry, ignore_errors=True)
        return None, [msg("evidence.reuse.unreadable")]
    problem = _verified(entry, report)
    if problem:
        shutil.rmtree(entry, ignore_errors=True)
        return None, [problem]
    images_dir.mkdir(parents=True, exist_ok=True)
    items, names = [], {i.name for i in report.items}
    for item in report.items:
        dest = images_dir / item.name
        if item.status == "ok":
            atomic_copy(entry / item.name, dest)
            items.append(item.model_copy(update={"path": str(dest)}))
        else:
            dest.unlink(missing_ok=True)  # never leave stale evidence behind
            items.append(item)
    if "terminal" in parts:
        for old in images_dir.glob("*.png"):
            if old.name.startswith(FAMILIES) and old.name not in names:
                old.unlink(missing_ok=True)
    reused = report.model_copy(
        update={"images_dir": str(images_dir), "items": items, "reused": True}
    )
    manifest = write_manifest(reused, images_dir, parts)
    os.utime(entry)  # recently used: pruning keeps it
    return reused.model_copy(update={"manifest_path": str(manifest)}), []


def store(key: ReuseKey, report: EvidenceReport) -> Path | None:
    """Keep this capture for reuse; nothing is stored without a key or with a failed image."""
    if key.digest is None or any(i.status == "failed" for i in report.items):
        return None
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
    try:
        for item in report.ok:
            shutil.copyfile(item.path or "", tmp / item.name)
        if report.manifest_path:
            shutil.copyfile(report.manifest_path, tmp / MANIFEST_NAME)
        if _verified(tmp, report):  # an image changed on disk since its capture: keep nothing
            return None
        write_keyed_json(tmp / ENTRY, key.digest, report.model_dump(mode="json"), parts=key.parts)
        dest = entry_dir(key.digest)
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(tmp, dest)
    except OSError:
        return None  # the cache is an optimisation: failing to fill it is not an error
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    prune(root)
    return dest


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0  # removed meanwhile (another report pruning)


def prune(root: Path, keep: int = KEEP) -> None:
    entries = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entries.sort(key=_mtime, reverse=True)
    for old in entries[keep:]:
        shutil.rmtree(old, ignore_errors=True)
