"""A throwaway clone of the user's repository at one revision, with DVC pointed at their remotes.

Only reads the user's repository: `git rev-parse`/`for-each-ref` there, and `git clone
--no-local --no-hardlinks` (objects copied through the pack protocol: nothing shared, no hooks
run). The user's DVC configuration (all levels, `.dvc/config.local` included) is read with DVC's
own loader, which resolves relative remote paths; the clone gets its own `.dvc/config.local`
with those remotes as absolute paths, its own cache, and analytics off.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metricwatch.config import Config
from metricwatch.errors import CheckError
from metricwatch.git import COPY_TIMEOUT_S, run_git, timeout_for
from metricwatch.i18n.message import Msg, msg
from metricwatch.procs import ProcResult

USER_CACHE_REMOTE = "metricwatch-user-cache"


@dataclass(frozen=True)
class Target:
    rev: str  # as asked (or the chosen tag / HEAD)
    commit: str
    toplevel: Path  # the user's git work tree root
    subdir: str  # the DVC project inside it ("" for the root)
    why: Msg | None = None  # how the revision was chosen when none was asked for


def matching_tags(repo: Path, pattern: str, regex: bool) -> list[str]:
    """Tags matching the configured pattern, newest first (creation date, then version order)."""
    res = run_git(
        repo,
        "for-each-ref",
        "--sort=-v:refname",
        "--sort=-creatordate",
        "--format=%(refname:short)",
        "refs/tags",
    )
    if not res.ok:
        return []
    rx = re.compile(pattern) if regex else None
    return [
        name
        for name in res.stdout.split()
        if (rx.search(name) if rx else fnmatch.fnmatchcase(name, pattern))
    ]


def with_pipeline(repo: Path, tags: list[str], subdir: str) -> list[str]:
    """The tags (in the given order) that have a dvc.yaml in subdir; one `git cat-file`."""
    if not tags:
        return []
    path = f"{subdir}/dvc.yaml" if subdir else "dvc.yaml"
    lines = "".join(f"refs/tags/{t}:{path}\n" for t in tags)
    res = run_git(
        repo, "cat-file", "--batch-check", timeout_s=timeout_for(len(tags)), input_text=lines
    )
    if not res.ok:
        return []
    answers = res.stdout.splitlines()
    return [t for t, a in zip(tags, answers, strict=False) if a.split()[1:2] == ["blob"]]


def default_rev(cfg: Config, toplevel: Path, subdir: str) -> tuple[str, Msg]:
    """(revision, why): the newest tag matching tags.pattern that has a pipeline, else HEAD."""
    pattern = repr(cfg.tags.pattern)
    tags = matching_tags(cfg.project_path, cfg.tags.pattern, cfg.tags.regex)
    if not tags:
        return "HEAD", msg("repro.chosen.no_tag", pattern=pattern)
    usable = with_pipeline(toplevel, tags, subdir)
    where = f"{subdir}/dvc.yaml" if subdir else "dvc.yaml"
    if not usable:
        return "HEAD", msg(
            "repro.chosen.no_pipeline", n=len(tags), pattern=pattern, where=where, newest=tags[0]
        )
    skipped = tags[: tags.index(usable[0])]
    if skipped:
        return usable[0], msg(
            "repro.chosen.tag_skipped",
            tag=usable[0],
            pattern=pattern,
            where=where,
            skipped=", ".join(skipped),
        )
    return usable[0], msg("repro.chosen.tag", tag=usable[0], pattern=pattern, where=where)


def resolve_target(cfg: Config, rev: str | None) -> Target:
    """The revision to reproduce: `rev` as given, else the newest matching tag that has a
    pipeline, else HEAD (Target.why says which and why)."""
    project = cfg.project_path
    top = run_git(project, "rev-parse", "--show-toplevel")
    if not top.ok:
        raise CheckError(
            f"{project} (project.path in {cfg.source}) is not inside a git repository: "
            "the reproducibility check clones it at a revision; run `git init` and commit first."
        )
    toplevel = Path(top.stdout.strip()).resolve()
    subdir = project.resolve().relative_to(toplevel).as_posix()
    subdir = "" if subdir == "." else subdir
    chosen, why = (rev, None) if rev else default_rev(cfg, toplevel, subdir)
    res = run_git(project, "rev-parse", "--verify", "--quiet", f"{chosen}^{{commit}}")
    if not res.ok and rev is None:
        raise CheckError(
            f"{toplevel} has no commit yet (HEAD does not resolve): commit dvc.yaml and dvc.lock "
            "first, then check again."
        )
    if not res.ok:
        raise CheckError(
            f"git revision {chosen!r} does not exist in {toplevel}: give a tag, branch or commit "
            "that `git rev-parse` knows (see `git tag --list`)."
        )
    return Target(chosen, res.stdout.strip(), toplevel, subdir, why)


def clone_at(target: Target, dest: Path) -> list[ProcResult]:
    """Clone the user's repository into dest (a fresh folder) and check out the target commit."""
    steps = [
        run_git(
            None,
            "clone",
            "--quiet",
            "--no-local",
            "--no-hardlinks",
            "--no-checkout",
            str(target.toplevel),
            str(dest),
            timeout_s=COPY_TIMEOUT_S,
        )
    ]
    if steps[-1].ok and not run_git(dest, "cat-file", "-e", f"{target.commit}^{{commit}}").ok:
        steps.append(
            run_git(dest, "fetch", "--quiet", "origin", target.commit, timeout_s=COPY_TIMEOUT_S)
        )
    if steps[-1].ok:
        steps.append(
            run_git(
                dest,
                "-c",
                "core.hooksPath=/dev/null",
                "checkout",
                "--quiet",
                "--detach",
                target.commit,
            )
        )
    if not steps[-1].ok:
        detail = (steps[-1].stderr or steps[-1].stdout).strip()
        raise CheckError(
            f"cannot clone {target.toplevel} at {target.rev} ({target.commit[:12]}): {detail}. "
            "A commit must be reachable from a branch, tag or HEAD to be cloned."
        )
    return steps


def user_dvc_config(project: Path) -> dict[str, Any]:
    """The user's merged DVC config (system, global, repo, local), relative paths resolved."""
    from dvc.config import Config as DvcConfig
    from dvc.config import ConfigError as DvcConfigError

    try:
        conf = DvcConfig(dvc_dir=str(project / ".dvc"))
    except DvcConfigError as exc:
        raise CheckError(f"{project / '.dvc'}: DVC config cannot be read: {exc}") from exc
    return {
        "remotes": {name: dict(opts) for name, opts in conf["remote"].items()},
        "default": conf["core"].get("remote"),
        "cache_dir": conf["cache"].get("dir"),
    }


def configure_clone(
    clone_project: Path,
    user: dict[str, Any],
    *,
    remote: str | None,
    cache_dir: Path,
    site_cache_dir: Path,
    user_cache: Path | None,
) -> str | None:
    """Write the clone's .dvc/config.local; returns the remote it will fetch from (or None)."""
    from dvc.config import Config as DvcConfig
    from dvc.config import ConfigError as DvcConfigError

    chosen = remote or user["default"]
    if chosen and chosen not in user["remotes"]:
        valid = ", ".join(sorted(user["remotes"])) or "none"
        raise CheckError(
            f"dvc.remote {chosen!r} is not a remote of the repository (remotes: {valid}); "
            "fix dvc.remote in metricwatch.yaml or run `dvc remote list`."
        )
    try:
        conf = DvcConfig(dvc_dir=str(clone_project / ".dvc"))
        with conf.edit("local") as local:
            local.setdefault("remote", {})
            for name, opts in user["remotes"].items():
                local["remote"][name] = dict(opts)
            if user_cache is not None:
                local["remote"][USER_CACHE_REMOTE] = {"url": str(user_cache)}
            core = local.setdefault("core", {})
            core.update(
                {"analytics": False, "check_update": False, "site_cache_dir": str(site_cache_dir)}
            )
            if chosen:
                core["remote"] = chosen
            local.setdefault("cache", {})["dir"] = str(cache_dir)
    except DvcConfigError as exc:
        raise CheckError(
            f"cannot give the clone your DVC remote settings ({exc}); check `dvc remote list` "
            "and .dvc/config.local in your project."
        ) from exc
    return chosen


def user_cache_dir(project: Path, user: dict[str, Any]) -> Path:
    configured = user.get("cache_dir")
    return Path(configured).resolve() if configured else project / ".dvc" / "cache"
