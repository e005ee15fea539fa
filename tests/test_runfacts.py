"""runfacts.git_facts: the project's commit and description, read without writing .git."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from support.repos import commit_all, init_repo

from metricwatch.runfacts import git_facts


def _index(repo: Path) -> str:
    return hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()


def test_git_facts_leave_the_index_alone_and_see_dirty_files(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "p", with_dvc=False)
    (repo / "a.txt").write_text("one\n")
    head = commit_all(repo, "first", tag="v1.0.0")
    # a newer mtime with the same content: `git describe --dirty` would rewrite the index here
    st = (repo / "a.txt").stat()
    os.utime(repo / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    before = _index(repo)
    assert git_facts(repo) == (head, "v1.0.0")
    assert _index(repo) == before
    (repo / "a.txt").write_text("two\n")
    assert git_facts(repo) == (head, "v1.0.0-dirty")
    assert _index(repo) == before


def test_git_facts_of_a_folder_without_git(tmp_path: Path) -> None:
    assert git_facts(tmp_path) == (None, None)
