"""The DVC half of a release checklist: DVC files at the tag, and its outputs on the remote.

`read_release_files` reads every tag's dvc.yaml, dvc.lock, params.yaml and `.dvc` files from
git's object store (batched, the work tree is never touched) into `ReleaseFiles`; the item
functions are pure.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.i18n.message import Msg, msg
from metricwatch.i18n.words import Words, joined, plain
from metricwatch.parts.integrity.model import CheckItem
from metricwatch.sources import git_dvc
from metricwatch.sources.dvc_lock import (
    DvcParseError,
    LockEntry,
    LockFile,
    flatten,
    load_yaml,
    parse_dvc_file,
    parse_lock,
)
from metricwatch.sources.dvc_remote import ObjectRef, RemoteStatus
from metricwatch.vocab import ItemStatus

MAX_NAMED = 10  # outputs named in one reason; the full list is in missing_outputs


class ReleaseFiles(BaseModel):
    model_config = ConfigDict(frozen=True)

    commit: str
    has_dvc_yaml: bool
    has_dvc_lock: bool
    yaml_error: str | None = None
    lock_error: str | None = None
    lock: LockFile | None = None
    uncached: list[str] = Field(default_factory=list)  # outs declared cache: false
    dvc_files: list[str] = Field(default_factory=list)  # `.dvc` files committed at the tag
    dvc_file_outs: list[LockEntry] = Field(default_factory=list)
    dvc_file_errors: list[str] = Field(default_factory=list)
    params_yaml: dict[str, Any] | None = None  # flattened params.yaml at the tag

    @property
    def pushable(self) -> list[LockEntry]:
        """Outputs `dvc push` uploads: cached lock outputs and `.dvc` file outputs."""
        skip = set(self.uncached)
        outs = [o for o in (self.lock.outs if self.lock else []) if o.path not in skip]
        return outs + list(self.dvc_file_outs)


def _uncached(dvc_yaml: Any) -> list[str]:
    paths: list[str] = []
    stages = dvc_yaml.get("stages") if isinstance(dvc_yaml, dict) else None
    for stage in (stages or {}).values():
        if not isinstance(stage, dict):
            continue
        for key in ("outs", "metrics", "plots"):
            for entry in stage.get(key) or []:
                if isinstance(entry, dict) and len(entry) == 1:
                    path, opts = next(iter(entry.items()))
                    if isinstance(opts, dict) and opts.get("cache") is False:
                        paths.append(str(path))
    return paths


def _decode(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "replace")


def parse_release(commit: str, files: dict[str, bytes | None], tag: str) -> ReleaseFiles:
    """Parse one tag's files (path -> content, None when absent) into ReleaseFiles."""
    yaml_text, lock_text = _decode(files.get("dvc.yaml")), _decode(files.get("dvc.lock"))
    yaml_error = lock_error = None
    uncached: list[str] = []
    lock = None
    if yaml_text is not None:
        try:
            uncached = _uncached(load_yaml(yaml_text, f"dvc.yaml at {tag}"))
        except DvcParseError as exc:
            yaml_error = str(exc)
    if lock_text is not None:
        try:
            lock = parse_lock(lock_text, f"dvc.lock at {tag}")
        except DvcParseError as exc:
            lock_error = str(exc)
    outs: list[LockEntry] = []
    errors: list[str] = []
    dvc_files = sorted(p for p, data in files.items() if p.endswith(".dvc") and data is not None)
    for path, data in sorted(files.items()):
        if path.endswith(".dvc") and data is not None:
            try:  # a `.dvc` file's outputs are relative to its own folder
                base = posixpath.dirname(path)
                outs += [
                    e.model_copy(update={"path": posixpath.normpath(posixpath.join(base, e.path))})
                    for e in parse_dvc_file(data, f"{path} at {tag}")
                ]
            except DvcParseError as exc:
                errors.append(str(exc))
    params = None
    if files.get("params.yaml") is not None:
        try:
            params = flatten(load_yaml(files["params.yaml"] or b"", f"params.yaml at {tag}") or {})
        except DvcParseError:
            params = None
    return ReleaseFiles(
        commit=commit,
        has_dvc_yaml=yaml_text is not None,
        has_dvc_lock=lock_text is not None,
        yaml_error=yaml_error,
        lock_error=lock_error,
        lock=lock,
        uncached=uncached,
        dvc_files=dvc_files,
        dvc_file_outs=outs,
        dvc_file_errors=errors,
        params_yaml=params,
    )


def read_release_files(repo: Path, commits: dict[str, str]) -> dict[str, ReleaseFiles]:
    """tag -> ReleaseFiles, for tags given as {tag: commit}; one batched git read.

    `.dvc` files are looked up at every path that held one anywhere in the history (one
    `git log`), and a path absent at a commit just reads as None.
    """
    if not commits:
        return {}
    dvc_files = git_dvc.paths_in_history(repo, ".dvc")
    paths = ["dvc.yaml", "dvc.lock", "params.yaml", *dvc_files]
    unique = sorted(set(commits.values()))
    blobs = git_dvc.read_files_at(repo, [(c, p) for c in unique for p in paths])
    return {
        tag: parse_release(commit, {p: blobs.get((commit, p)) for p in paths}, tag)
        for tag, commit in commits.items()
    }


def dvc_files_item(rel: ReleaseFiles, tag: str) -> CheckItem:
    if rel.yaml_error or rel.lock_error:
        error = plain(rel.lock_error or rel.yaml_error or "")
        return CheckItem(name="dvc_files", status="fail", why=[error])
    if not (rel.has_dvc_yaml or rel.has_dvc_lock or rel.dvc_file_errors) and rel.dvc_files:
        # a data release: `dvc add`-ed files, no pipeline yet (dvc.yaml came later)
        n, named = len(rel.dvc_files), ", ".join(rel.dvc_files[:MAX_NAMED])
        if n > MAX_NAMED:
            why = msg("integrity.reason.dvc_files_only_more", n=n, named=named, more=n - MAX_NAMED)
        else:
            why = msg("integrity.reason.dvc_files_only", n=n, named=named)
        return CheckItem(name="dvc_files", status="ok", why=[why])
    missing = [
        n for n, has in (("dvc.yaml", rel.has_dvc_yaml), ("dvc.lock", rel.has_dvc_lock)) if not has
    ]
    if missing:
        why = (
            msg("integrity.reason.pipeline_not_committed", tag=tag)
            if len(missing) > 1
            else msg("integrity.reason.file_not_committed", file=missing[0], tag=tag)
        )
        return CheckItem(name="dvc_files", status="fail", why=[why])
    if rel.dvc_file_errors:
        return CheckItem(name="dvc_files", status="fail", why=[plain(rel.dvc_file_errors[0])])
    stages = len(rel.lock.stages) if rel.lock else 0
    why = msg("integrity.reason.pipeline_committed", stages=stages)
    return CheckItem(name="dvc_files", status="ok", why=[why])


def object_refs(entries: list[LockEntry]) -> list[ObjectRef]:
    return [ObjectRef(oid=e.md5, legacy=e.legacy) for e in entries if e.md5]


def _missing_in(
    entry: LockEntry, remote: RemoteStatus, present: set[tuple[str, bool]]
) -> Msg | Literal[""] | None:
    """What is missing for this output, '' when it is unknown, None if complete."""
    ref = (entry.md5 or "", entry.legacy)
    if not entry.is_dir:
        return None if ref in present else plain(entry.path)
    files = remote.dir_contents.get(ref[0])
    if ref not in present:
        return msg("integrity.reason.dir_manifest", path=entry.path)
    if files is None:
        return ""
    gone = [f for f in files if (f.oid, entry.legacy) not in present]
    if not gone:
        return None
    names = ", ".join(f.relpath for f in gone[:3]) + (" …" if len(gone) > 3 else "")
    return msg(
        "integrity.reason.dir_files", path=entry.path, gone=len(gone), total=len(files), names=names
    )


def _unreadable(path: str, why: Msg | None) -> Words:
    """A `.dir` output whose manifest could not be read, and why when the remote said."""
    if why is None:
        return [msg("integrity.reason.dir_unreadable", path=path)]
    opened = msg("integrity.reason.dir_unreadable_open", path=path)
    return [opened, why, msg("integrity.reason.dir_unreadable_close")]


def present_keys(remote: RemoteStatus) -> set[tuple[str, bool]]:
    return {(r.oid, r.legacy) for r in remote.present}


def push_item(
    rel: ReleaseFiles,
    remote: RemoteStatus | None,
    present: set[tuple[str, bool]] | None = None,
) -> tuple[CheckItem, list[str]]:
    """Every pushable output of the tag on the remote; returns the item and the missing paths.

    present: present_keys(remote), computed once by the caller for many tags.
    """
    if rel.lock_error or (not rel.has_dvc_lock and not rel.dvc_file_outs):
        key = "lock_unreadable" if rel.lock_error else "no_lock"
        return _push("unknown", msg(f"integrity.reason.{key}")), []
    entries = rel.pushable
    if not entries:
        return _push("ok", msg("integrity.reason.nothing_to_push")), []
    if remote is None or not remote.available:
        why = remote.why if remote is not None else None
        if why is not None:
            said = [msg("integrity.reason.unknown_because"), why]
            return CheckItem(name="dvc_push", status="unknown", why=said), []
        return _push("unknown", msg("integrity.reason.remote_not_queried")), []
    if present is None:
        present = present_keys(remote)
    missing: list[Msg] = []
    unknown: list[Words] = []
    for entry in entries:
        if not entry.md5:
            unknown.append([msg("integrity.reason.no_md5", path=entry.path)])
            continue
        what = _missing_in(entry, remote, present)
        if what == "":
            unknown.append(_unreadable(entry.path, remote.dir_unreadable.get(entry.md5)))
        elif what is not None:
            missing.append(what)
    where = repr(remote.remote)
    if missing:
        n, total = len(missing), len(entries)
        head = msg("integrity.reason.push_missing", n=n, total=total, remote=where)
        more = [msg("integrity.reason.and_more", n=n - MAX_NAMED)] if n > MAX_NAMED else []
        named = joined([[m] for m in missing[:MAX_NAMED]], "words.comma")
        item = CheckItem(name="dvc_push", status="fail", why=[head, *named, *more])
        return item, [m.text("en") for m in missing]
    if unknown:
        return CheckItem(name="dvc_push", status="unknown", why=joined(unknown[:MAX_NAMED])), []
    return _push("ok", msg("integrity.reason.push_ok", n=len(entries), remote=where)), []


def _push(status: ItemStatus, why: Msg) -> CheckItem:
    return CheckItem(name="dvc_push", status=status, why=[why])
