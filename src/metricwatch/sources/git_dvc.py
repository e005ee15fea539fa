"""Read git tags and DVC files at a revision, without touching the work tree (read only).

Tag names are data: every git call takes an argument list (never a shell), refs are passed as
full `refs/tags/...` names or commit hashes, and file reads go through one batched
`git cat-file --batch` process, so a tag named `-rc1` or `a$(x)` is just text.

Release tags: GTO's stage, deregistration and deprecation tags (`model#prod#3`, `model@v1.0.0!`,
`model@deprecated#2`) are never release tags, whatever `tags.pattern` says; a GTO version tag
(`model@v1.2.0`) is one. A matching tag that looks like GTO's but breaks its grammar gets a note.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, computed_field

from metricwatch.errors import SourceError
from metricwatch.git import git, git_bytes, run_git, timeout_for
from metricwatch.i18n.message import Msg, msg
from metricwatch.sources.gto_tags import GtoTags, classify, is_release_name, malformed_reason

UNSHALLOW_FIX = "git fetch --unshallow --tags"
_FIELDS = (
    "%(refname)",
    "%(objecttype)",
    "%(objectname)",
    "%(*objectname)",
    "%(creatordate:iso-strict)",
    "%(committerdate:iso-strict)",
    "%(*committerdate:iso-strict)",
)


class GitTag(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    commit: str  # the commit the tag points at (peeled)
    date: datetime | None  # tagger date (annotated) or commit date (lightweight)
    commit_date: datetime | None
    annotated: bool


class TagListing(BaseModel):
    model_config = ConfigDict(frozen=True)

    repo: str
    pattern: str
    regex: bool
    tags: list[GitTag] = Field(default_factory=list)
    total_tags: int = 0  # tags in the repo before filtering
    shallow: bool = False
    remarks: list[Msg] = Field(default_factory=list)  # malformed GTO tags, a shallow clone

    @computed_field  # type: ignore[prop-decorator]
    @property
    def notes(self) -> list[str]:
        return [m.text("en") for m in self.remarks]

    @property
    def tags_unavailable(self) -> bool:
        """True when no tag matched in a shallow clone: the releases may just not be fetched."""
        return self.shallow and not self.tags


def is_git_repo(repo: Path) -> bool:
    return run_git(repo, "rev-parse", "--git-dir").ok


def is_shallow(repo: Path) -> bool:
    return git(repo, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Sort v1.0.10 after v1.0.9: digits compare as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", name))


def name_matcher(pattern: str, regex: bool) -> Callable[[str], bool]:
    """A predicate on tag names: a glob (fnmatch, case-sensitive) or a regex (re.search)."""
    if regex:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise SourceError(
                f"tags.pattern: invalid regular expression {pattern!r}: {exc}"
            ) from exc
        return lambda name: compiled.search(name) is not None
    return lambda name: fnmatch.fnmatchcase(name, pattern)


def tag_matcher(pattern: str, regex: bool) -> Callable[[str], bool]:
    """A predicate on release tag names: the pattern matches and it is no GTO stage tag."""
    match = name_matcher(pattern, regex)
    return lambda name: match(name) and is_release_name(name)


def _date(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _git_tag(line: str) -> GitTag | None:
    """One `for-each-ref` line as a GitTag; None for a malformed line or a tag of a tree/blob."""
    parts = line.split("\0")
    if len(parts) != len(_FIELDS):
        return None
    ref, otype, oid, peeled, created, cdate, peeled_cdate = parts
    annotated = otype == "tag"
    if annotated and not peeled:  # a tag of a tree/blob: not a release
        return None
    return GitTag(
        name=ref.removeprefix("refs/tags/"),
        commit=peeled if annotated else oid,
        date=_date(created),
        commit_date=_date(peeled_cdate if annotated else cdate),
        annotated=annotated,
    )


def list_tags(
    repo: Path, pattern: str = "*", *, regex: bool = False, releases_only: bool = True
) -> TagListing:
    """Tags matching pattern (glob like `v*`, `data-v*`, `model@v*`, or a regex), naturally sorted.

    releases_only=False also lists GTO stage tags (for the GTO reader). Matching tags that break
    GTO's grammar are noted.
    """
    repo = Path(repo)
    if not is_git_repo(repo):
        raise SourceError(f"{repo}: not a git repository; point project.path at your project.")
    match = name_matcher(pattern, regex)
    out = git(repo, "for-each-ref", "--format=" + "%00".join(_FIELDS), "refs/tags").stdout
    lines = [line for line in out.splitlines() if line.count("\0") == len(_FIELDS) - 1]
    tags = [t for line in lines if (t := _git_tag(line)) is not None and match(t.name)]
    notes = [r for t in tags if (r := malformed_reason(t.name))] if releases_only else []
    if releases_only:
        tags = [t for t in tags if is_release_name(t.name)]
    tags.sort(key=lambda t: natural_key(t.name))
    shallow = is_shallow(repo)
    if shallow:
        notes.append(msg("git.note.shallow", fix=UNSHALLOW_FIX))
    return TagListing(
        repo=str(repo),
        pattern=pattern,
        regex=regex,
        tags=tags,
        total_tags=len(lines),
        shallow=shallow,
        remarks=notes,
    )


def read_gto_tags(repo: Path) -> GtoTags:
    """Every GTO tag of the repository, parsed by GTO's grammar (one `git for-each-ref`)."""
    return classify(list_tags(repo, "*", releases_only=False).tags)


def resolve_commit(repo: Path, rev: str) -> str:
    """The commit hash of rev (a tag, branch or hash); SourceError naming rev when unknown."""
    res = run_git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if not res.ok:
        raise SourceError(f"{repo}: revision {rev!r} not found (check the tag or branch name)")
    return res.stdout.strip()


def read_files_at(repo: Path, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], bytes | None]:
    """Contents of (commit, path) pairs from git's object store, in one `git cat-file --batch`.

    A path absent at that commit maps to None. Commits should be hashes (see resolve_commit).
    """
    if not wanted:
        return {}
    for commit, path in wanted:
        if "\n" in commit or "\n" in path:
            raise SourceError(f"{repo}: invalid revision or path {commit!r}:{path!r}")
    stdin = "".join(f"{commit}:{path}\n" for commit, path in wanted).encode("utf-8")
    data = git_bytes(
        repo, "cat-file", "--batch", input_bytes=stdin, timeout_s=timeout_for(len(wanted))
    )
    result: dict[tuple[str, str], bytes | None] = {}
    pos = 0
    for key in wanted:
        nl = data.index(b"\n", pos)
        fields = data[pos:nl].split(b" ")
        pos = nl + 1
        if len(fields) == 3 and fields[1] in (b"blob", b"tree", b"commit", b"tag"):
            size = int(fields[2])
            result[key] = data[pos : pos + size] if fields[1] == b"blob" else None
            pos += size + 1
        else:  # "<name> missing" or "<name> ambiguous"
            result[key] = None
    return result


def read_file_at(repo: Path, rev: str, path: str) -> bytes | None:
    """One file at a revision (like `git show REV:path`), None when it is not there."""
    commit = resolve_commit(repo, rev)
    return read_files_at(repo, [(commit, path)])[(commit, path)]


def list_paths_at(repo: Path, commit: str, suffix: str = "") -> list[str]:
    """Paths of files committed at commit (optionally only those ending with suffix)."""
    out = git(repo, "ls-tree", "-r", "-z", "--name-only", "--end-of-options", commit).stdout
    return [p for p in out.split("\0") if p and p.endswith(suffix)]


def paths_in_history(repo: Path, suffix: str) -> list[str]:
    """Every path ending with suffix that any commit of any ref added or changed (one git log)."""
    out = git(
        repo,
        "log",
        "--all",
        "-m",
        "--format=",
        "--name-only",
        "--diff-filter=AMR",
        "-z",
        "--",
        f"*{suffix}",
    ).stdout
    names = {p.strip("\n") for p in out.replace("\n", "\0").split("\0")}
    return sorted(p for p in names if p.endswith(suffix))
