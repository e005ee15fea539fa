"""git tags and reads at a revision, on real repositories; DVC file parsing."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.repos import commit_all, git

from metricwatch.errors import SourceError
from metricwatch.sources import git_dvc
from metricwatch.sources.dvc_lock import DvcParseError, flatten, parse_dvc_file, parse_lock

LOCK = """\
schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data/in
      hash: md5
      md5: 0123456789abcdef0123456789abcdef.dir
      size: 10
      nfiles: 2
    params:
      params.yaml:
        train.lr: 0.1
        model:
          depth: 3
    outs:
    - path: model.pkl
      md5: fedcba9876543210fedcba9876543210
      size: 4
"""


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "r"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "dvc.lock").write_text(LOCK)
    commit_all(path, "one", tag="v1.0.0")
    (path / "dvc.lock").write_text(LOCK.replace("0.1", "0.2"))
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "two")
    git(path, "tag", "v1.0.10")  # lightweight
    git(path, "tag", "-a", "model@v1.2.3", "-m", "registry style")
    git(path, "tag", "v1.0.9")
    return path


def test_tags_sorted_naturally_with_commit_date_and_kind(repo: Path) -> None:
    listing = git_dvc.list_tags(repo, "v*")
    assert [t.name for t in listing.tags] == ["v1.0.0", "v1.0.9", "v1.0.10"]
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    first = git(repo, "rev-parse", "v1.0.0^{commit}").stdout.strip()
    assert listing.tags[0].commit == first and listing.tags[0].annotated is True
    assert listing.tags[2].commit == head and listing.tags[2].annotated is False
    assert listing.tags[0].date is not None and listing.tags[0].date.tzinfo is not None
    assert listing.total_tags == 4 and listing.shallow is False


@pytest.mark.parametrize(
    ("pattern", "regex", "expected"),
    [
        ("model@v*", False, ["model@v1.2.3"]),
        (r"^v1\.0\.\d$", True, ["v1.0.0", "v1.0.9"]),
        ("data-v*", False, []),
        ("v 1 $(touch pwn)", False, []),
    ],
)
def test_tag_patterns(repo: Path, pattern: str, regex: bool, expected: list[str]) -> None:
    assert [t.name for t in git_dvc.list_tags(repo, pattern, regex=regex).tags] == expected
    assert not (repo / "pwn").exists()


def test_invalid_regex_names_the_pattern(repo: Path) -> None:
    with pytest.raises(SourceError, match=r"tags.pattern: invalid regular expression '\['"):
        git_dvc.list_tags(repo, "[", regex=True)


def test_odd_tag_names_are_data(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    for name in ("-rc1", "x$(touch_pwn)", "q'\"x", "--help"):
        git(repo, "update-ref", f"refs/tags/{name}", head)
    names = [t.name for t in git_dvc.list_tags(repo, "*").tags]
    assert {"-rc1", "x$(touch_pwn)", "q'\"x", "--help"} <= set(names)
    for name in ("-rc1", "x$(touch_pwn)", "q'\"x", "--help"):
        assert git_dvc.resolve_commit(repo, name) == head
        assert git_dvc.read_file_at(repo, name, "dvc.lock") is not None
    assert not (repo / "touch_pwn").exists() and not (repo / "pwn").exists()


def test_read_at_revision_does_not_touch_the_work_tree(repo: Path) -> None:
    (repo / "dvc.lock").write_text("local edit\n")
    old = git_dvc.read_file_at(repo, "v1.0.0", "dvc.lock")
    assert old is not None and b"train.lr: 0.1" in old
    assert git_dvc.read_file_at(repo, "v1.0.10", "dvc.lock").count(b"0.2") == 1
    assert git_dvc.read_file_at(repo, "v1.0.0", "params.yaml") is None
    assert (repo / "dvc.lock").read_text() == "local edit\n"
    with pytest.raises(SourceError, match="revision 'v9' not found"):
        git_dvc.read_file_at(repo, "v9", "dvc.lock")


def test_batched_reads_keep_binary_content_exact(repo: Path) -> None:
    blob = bytes(range(256)) * 3
    (repo / "bin.dat").write_bytes(blob)
    sha = commit_all(repo, "binary")
    got = git_dvc.read_files_at(repo, [(sha, "bin.dat"), (sha, "missing"), (sha, "dvc.lock")])
    assert got[(sha, "bin.dat")] == blob
    assert got[(sha, "missing")] is None
    assert got[(sha, "dvc.lock")].startswith(b"schema:")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a git repository"):
        git_dvc.list_tags(tmp_path)


def test_shallow_clone_detected(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-tags", repo.as_uri(), str(clone))
    listing = git_dvc.list_tags(clone, "v*")
    assert listing.shallow is True and listing.tags == [] and listing.tags_unavailable
    assert git_dvc.UNSHALLOW_FIX in listing.notes[0]
    assert listing.remarks[0].text("es") == (
        "clon superficial: pueden faltar tags o historia; ejecute `git fetch --unshallow --tags`"
    )


def test_parse_lock_entries_params_and_legacy_hashes() -> None:
    lock = parse_lock(LOCK)
    assert lock.stages == ["train"]
    (dep,) = lock.deps
    assert dep.is_dir and dep.nfiles == 2 and dep.legacy is False
    (out,) = lock.outs
    assert out.path == "model.pkl" and out.legacy is True  # no `hash: md5`: DVC 2 object
    assert flatten(lock.params["params.yaml"]) == {"train.lr": 0.1, "model.depth": 3}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<<<<<<< HEAD\nschema: '2.0'\n=======\n>>>>>>> x\n", "merge conflict"),
        ("schema: '2.0'\nstages:\n<<<<<<< HEAD\n", "(conflict markers from line 3); resolve it"),
        ("stages: [unclosed\n", "line 2, column 1: YAML error"),
        ("- a\n- b\n", "expected a mapping"),
        ("schema: '2.0'\n", "no `stages` mapping"),
        ("stages:\n  s:\n    outs:\n    - md5: abc\n", "without a `path`"),
    ],
)
def test_parse_lock_errors_name_the_file(text: str, message: str) -> None:
    with pytest.raises(DvcParseError, match="dvc.lock at v1") as info:
        parse_lock(text, "dvc.lock at v1")
    assert message in str(info.value)


def test_parse_dvc_file() -> None:
    (out,) = parse_dvc_file("outs:\n- md5: abc.dir\n  path: data\n  hash: md5\n", "data.dvc")
    assert out.is_dir and out.stage == "data.dvc" and not out.legacy


def test_dvc_files_found_in_history_and_read_per_tag(repo: Path) -> None:
    from metricwatch.parts.integrity.dvc_items import read_release_files

    (repo / "sub").mkdir()
    (repo / "data.dvc").write_text(
        "outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: data.csv\n  hash: md5\n"
    )
    (repo / "sub" / "raw.dvc").write_text(
        "outs:\n- md5: abcdef0123456789abcdef0123456789.dir\n  path: raw\n  hash: md5\n"
    )
    commit_all(repo, "data", tag="v2.0.0")
    git(repo, "rm", "-q", "sub/raw.dvc")
    commit_all(repo, "drop raw", tag="v2.0.1")
    assert git_dvc.paths_in_history(repo, ".dvc") == ["data.dvc", "sub/raw.dvc"]
    commits = {t: git_dvc.resolve_commit(repo, t) for t in ("v1.0.0", "v2.0.0", "v2.0.1")}
    rel = read_release_files(repo, commits)
    assert [o.path for o in rel["v1.0.0"].pushable] == ["model.pkl"]
    assert [o.path for o in rel["v2.0.0"].pushable] == ["model.pkl", "data.csv", "sub/raw"]
    assert [o.path for o in rel["v2.0.1"].pushable] == ["model.pkl", "data.csv"]
    assert rel["v2.0.0"].has_dvc_yaml is False and rel["v2.0.0"].lock is not None
