"""Which DVC objects exist on a remote: batched, read-only queries through DVC's object DB.

One query per remote for every object of every tag: DVC's config gives the remote's
filesystem (local folder, S3, ...), `dvc_objects.db.ObjectDB.oids_exist` decides between
listing prefixes and per-object `exists` calls. The local-cache override of `oids_exist` is not
used on purpose: it re-hashes objects and deletes corrupt ones, and metricwatch never writes.
`.dir` outputs are expanded through their manifest (local cache first, else the remote).

The query runs in a daemon worker thread bounded by `timeout_s`; an unreachable endpoint,
missing credentials or a missing bucket make the whole answer "unavailable" with the reason,
never "present". Reasons are catalogue messages (`why`, and per unreadable manifest), worded
where they are shown; `reason` is the English text.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from metricwatch.i18n.message import Msg, msg
from metricwatch.redact import redact_url, scrub

# Small network bounds for cloud remotes (used unless the remote config sets its own).
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 15.0
MAX_ATTEMPTS = 2


class ObjectRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    oid: str  # md5, with ".dir" for a directory manifest
    legacy: bool = False  # DVC 2 md5-dos2unix object (stored at the remote's root)


class DirEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    relpath: str
    oid: str


class RemoteStatus(BaseModel):
    """What one remote holds of the asked objects; `available=False` means no verdict."""

    model_config = ConfigDict(frozen=True)

    remote: str | None  # remote name from .dvc/config
    url: str | None  # redacted
    available: bool
    why: Msg | None = None  # why unavailable
    present: list[ObjectRef] = Field(default_factory=list)
    missing: list[ObjectRef] = Field(default_factory=list)
    dir_contents: dict[str, list[DirEntry]] = Field(default_factory=dict)  # .dir oid -> files
    dir_unreadable: dict[str, Msg] = Field(default_factory=dict)  # .dir oid -> why
    duration_s: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str | None:
        """Why unavailable, in English."""
        return self.why.text("en") if self.why is not None else None

    def present_set(self) -> set[ObjectRef]:
        return set(self.present)


class _Opened:
    def __init__(self, name: str, url: str, fs: Any, path: str, remote: Any, cache_dir: Path):
        self.name, self.url, self.fs, self.path = name, url, fs, path
        self.remote, self.cache_dir = remote, cache_dir


def _open_remote(repo: Path, name: str | None, timeout_s: float) -> _Opened:
    from dvc.config import Config
    from dvc.data_cloud import Remote
    from dvc.fs import get_cloud_fs

    dvc_dir = repo / ".dvc"
    if not dvc_dir.is_dir():
        raise _Unavailable(msg("remote.why.not_dvc", repo=str(repo)))
    config = Config(dvc_dir=str(dvc_dir))
    name = name or config["core"].get("remote")
    if not name:
        raise _Unavailable(msg("remote.why.no_default", config=str(dvc_dir / "config")))
    if name not in config["remote"]:
        valid = ", ".join(sorted(config["remote"]))
        key = "remote.why.not_configured" if valid else "remote.why.none_configured"
        raise _Unavailable(msg(key, name=repr(name), valid=valid))
    url = redact_url(str(config["remote"][name].get("url", "")))
    cls, conf, fs_path = get_cloud_fs(config, name=name)
    if cls.protocol not in ("local", "file"):
        conf.setdefault("connect_timeout", min(CONNECT_TIMEOUT_S, timeout_s))
        conf.setdefault("read_timeout", min(READ_TIMEOUT_S, timeout_s))
    fs = cls(**conf)
    if cls.protocol == "s3":
        fs.fs_args.setdefault("config_kwargs", {})["retries"] = {
            "max_attempts": MAX_ATTEMPTS,
            "mode": "standard",
        }
        fs.fs.retries = MAX_ATTEMPTS
    remote = Remote(name, fs_path, fs, **conf)
    if remote.worktree or getattr(fs, "version_aware", False):
        raise _Unavailable(msg("remote.why.cloud_versioned", name=repr(name)))
    cache = config["cache"].get("dir")
    cache_dir = Path(cache) if cache else dvc_dir / "cache"
    return _Opened(name, url, fs, fs_path, remote, cache_dir)


class _Unavailable(Exception):
    def __init__(self, why: Msg) -> None:
        super().__init__(why.text("en"))
        self.why = why


def _probe(opened: _Opened) -> None:
    """Fail fast with a reason when the remote's root cannot be listed."""
    fs, path = opened.fs, opened.path
    if fs.protocol in ("local", "file"):
        if not Path(path).is_dir():
            raise _Unavailable(msg("remote.why.no_folder", name=repr(opened.name), path=path))
        return
    root = path.split("/", 1)[0] if fs.protocol in ("s3", "gs", "gcs", "azure") else path
    try:
        fs.fs.ls(root, detail=False, refresh=True)
    except FileNotFoundError as exc:
        where = {"name": repr(opened.name), "url": opened.url, "root": root}
        raise _Unavailable(
            msg("remote.why.root_not_found", **where, error=scrub(str(exc)))
        ) from exc


def _odb(opened: _Opened, legacy: bool) -> Any:
    return opened.remote.legacy_odb if legacy else opened.remote.odb


def _cache_path(cache_dir: Path, ref: ObjectRef) -> Path:
    base = cache_dir if ref.legacy else cache_dir / "files" / "md5"
    return base / ref.oid[:2] / ref.oid[2:]


def _read_manifest(opened: _Opened, ref: ObjectRef) -> list[DirEntry]:
    local = _cache_path(opened.cache_dir, ref)
    if local.is_file():
        raw = local.read_bytes()
    else:
        odb = _odb(opened, ref.legacy)
        raw = odb.fs.cat_file(odb.oid_to_path(ref.oid))
    entries = json.loads(raw)
    return [DirEntry(relpath=str(e["relpath"]), oid=str(e["md5"])) for e in entries]


def _exists(opened: _Opened, refs: list[ObjectRef]) -> set[ObjectRef]:
    from dvc_objects.db import ObjectDB

    found: set[ObjectRef] = set()
    for legacy in (False, True):
        group = sorted({r.oid for r in refs if r.legacy == legacy})
        if not group:
            continue
        odb = _odb(opened, legacy)
        # ObjectDB's own method: list-or-exists without the local re-hash/delete of LocalHashFileDB.
        present = ObjectDB.oids_exist(odb, group)
        found |= {ObjectRef(oid=o, legacy=legacy) for o in present}
    return found


def _query(repo: Path, name: str | None, refs: list[ObjectRef], timeout_s: float) -> RemoteStatus:
    opened = _open_remote(repo, name, timeout_s)
    try:
        _probe(opened)
        contents: dict[str, list[DirEntry]] = {}
        unreadable: dict[str, Msg] = {}
        wanted = set(refs)
        for ref in refs:
            if not ref.oid.endswith(".dir"):
                continue
            try:
                contents[ref.oid] = _read_manifest(opened, ref)
            except FileNotFoundError:
                unreadable[ref.oid] = msg("remote.why.manifest_missing")
                continue
            except (ValueError, KeyError, TypeError) as exc:
                unreadable[ref.oid] = msg("remote.why.manifest_invalid", error=scrub(str(exc)))
                continue
            wanted |= {ObjectRef(oid=e.oid, legacy=ref.legacy) for e in contents[ref.oid]}
        present = _exists(opened, sorted(wanted, key=lambda r: (r.legacy, r.oid)))
    except _Unavailable:
        raise
    except Exception as exc:
        raise _Unavailable(_describe(opened, exc)) from exc
    return RemoteStatus(
        remote=opened.name,
        url=opened.url,
        available=True,
        present=sorted(present, key=lambda r: (r.legacy, r.oid)),
        missing=sorted(wanted - present, key=lambda r: (r.legacy, r.oid)),
        dir_contents=contents,
        dir_unreadable=unreadable,
    )


def _describe(opened: _Opened, exc: BaseException) -> Msg:
    kind = type(exc).__name__
    text = str(exc) or kind
    if "credentials" in text.lower() or kind in ("NoCredentialsError", "PartialCredentialsError"):
        hint = "credentials"
    elif kind in ("PermissionError",) or "AccessDenied" in text or "Forbidden" in text:
        hint = "refused"
    elif "NoSuchBucket" in text or kind == "FileNotFoundError":
        hint = "no_bucket"
    else:
        hint = "network"
    where = {"name": repr(opened.name), "url": scrub(opened.url), "kind": kind}
    return msg(f"remote.why.unreachable.{hint}", **where, error=scrub(text[:300]))


def query_remote(
    repo: Path,
    refs: Iterable[ObjectRef],
    *,
    remote: str | None = None,
    timeout_s: float = 60.0,
) -> RemoteStatus:
    """Existence of refs (and every file inside `.dir` refs) on the remote, within timeout_s."""
    import time

    refs = list(dict.fromkeys(refs))
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["status"] = _query(Path(repo), remote, refs, timeout_s)
        except _Unavailable as exc:
            box["why"] = exc.why
        except Exception as exc:  # DVC config errors and anything unexpected: no verdict
            failed = {"kind": type(exc).__name__, "error": scrub(str(exc))}
            box["why"] = (
                msg("remote.why.failed", name=repr(remote), **failed)
                if remote
                else msg("remote.why.failed_default", **failed)
            )

    start = time.monotonic()
    worker = threading.Thread(target=work, name="metricwatch-dvc-remote", daemon=True)
    worker.start()
    worker.join(timeout_s)
    elapsed = time.monotonic() - start
    if "status" in box:
        status: RemoteStatus = box["status"].model_copy(update={"duration_s": elapsed})
        return status
    seconds = f"{timeout_s:g}"
    why = box.get("why") or (
        msg("remote.why.timeout", name=repr(remote), seconds=seconds)
        if remote
        else msg("remote.why.timeout_default", seconds=seconds)
    )
    return RemoteStatus(remote=remote, url=None, available=False, why=why, duration_s=elapsed)
