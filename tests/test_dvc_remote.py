"""Batched existence queries on real DVC remotes: a local folder and S3 served by moto."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from support.integrity_helpers import tree_digest, upload_folder
from support.repos import commit_all, dvc, git, init_repo

from metricwatch.procs import free_port
from metricwatch.sources.dvc_remote import ObjectRef, query_remote

pytestmark = pytest.mark.slow
pytest_plugins = ["support.integrity_fixtures"]


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A repo with a pushed folder (3 files) and file, then one file of the folder deleted remotely."""
    root = tmp_path_factory.mktemp("remote")
    repo = init_repo(root / "repo", remote=root / "store")
    (repo / "data").mkdir()
    for name in ("a", "b", "c"):
        (repo / "data" / f"{name}.txt").write_text(f"content {name}\n")
    (repo / "model.bin").write_text("weights\n")
    dvc(repo, "add", "-q", "data", "model.bin")
    dvc(repo, "push", "-q")
    commit_all(repo, "data")
    data = yaml.safe_load((repo / "data.dvc").read_text())["outs"][0]
    model = yaml.safe_load((repo / "model.bin.dvc").read_text())["outs"][0]
    gone = root / "store" / "files" / "md5"
    manifest = next((gone / data["md5"][:2]).glob(data["md5"][2:]))
    import json

    entries = json.loads(manifest.read_text())
    deleted = next(e for e in entries if e["relpath"] == "b.txt")
    (gone / deleted["md5"][:2] / deleted["md5"][2:]).unlink()
    return {
        "root": root,
        "repo": repo,
        "store": root / "store",
        "dir": ObjectRef(oid=data["md5"]),
        "file": ObjectRef(oid=model["md5"]),
        "deleted": ObjectRef(oid=deleted["md5"]),
    }


def test_local_remote_present_missing_and_dir_contents(pushed: dict) -> None:
    absent = ObjectRef(oid="0" * 32)
    before = tree_digest(pushed["store"], pushed["repo"])
    st = query_remote(pushed["repo"], [pushed["dir"], pushed["file"], absent], timeout_s=30)
    assert st.available and st.remote == "local"
    assert pushed["dir"] in st.present and pushed["file"] in st.present
    assert set(st.missing) == {absent, pushed["deleted"]}
    assert [e.relpath for e in st.dir_contents[pushed["dir"].oid]] == ["a.txt", "b.txt", "c.txt"]
    assert tree_digest(pushed["store"], pushed["repo"]) == before


def test_manifest_read_from_the_remote_when_not_cached(pushed: dict, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(pushed["repo"]), str(clone))
    assert not (clone / ".dvc" / "cache").exists()
    st = query_remote(clone, [pushed["dir"]], timeout_s=30)
    assert st.available and len(st.dir_contents[pushed["dir"].oid]) == 3
    assert st.missing == [pushed["deleted"]]
    assert not (clone / ".dvc" / "cache").exists()


def test_missing_local_remote_folder_is_unavailable(pushed: dict, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(pushed["repo"]), str(clone))
    dvc(clone, "remote", "add", "--local", "gone", str(tmp_path / "nowhere"))
    st = query_remote(clone, [pushed["file"]], remote="gone", timeout_s=30)
    assert not st.available and st.present == [] and st.missing == []
    assert st.reason is not None and "folder" in st.reason and "does not exist" in st.reason
    assert st.why is not None and "la carpeta" in st.why.text("es")  # worded where it is shown


def test_unknown_remote_name_lists_the_configured_ones(pushed: dict) -> None:
    st = query_remote(pushed["repo"], [pushed["file"]], remote="nope", timeout_s=30)
    assert not st.available and "'nope' is not configured (configured: local)" in str(st.reason)
    assert st.why is not None
    assert st.why.text("es") == "el remote DVC 'nope' no está configurado (configurados: local)"


def test_s3_agrees_with_the_local_remote(
    pushed: dict, moto_s3: str, aws_env: dict, tmp_path: Path
) -> None:
    upload_folder(moto_s3, "agree", "store", pushed["store"])
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(pushed["repo"]), str(clone))
    dvc(clone, "remote", "add", "--local", "s3", "s3://agree/store")
    dvc(clone, "remote", "modify", "--local", "s3", "endpointurl", moto_s3)
    refs = [pushed["dir"], pushed["file"], ObjectRef(oid="1" * 32)]
    s3 = query_remote(clone, refs, remote="s3", timeout_s=30)
    local = query_remote(pushed["repo"], refs, timeout_s=30)
    assert s3.available, s3.reason
    assert (s3.present, s3.missing) == (local.present, local.missing)
    assert s3.dir_contents == local.dir_contents


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("closed_port", "EndpointConnectionError"),
        ("missing_bucket", "not found"),
        ("no_credentials", "credentials"),
    ],
)
def test_s3_failures_are_unavailable_in_bounded_time(
    pushed: dict,
    moto_s3: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    expected: str,
) -> None:
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    if case != "no_credentials":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "metricwatch-test-key")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "metricwatch-test-secret")
    endpoint = f"http://127.0.0.1:{free_port()}" if case == "closed_port" else moto_s3
    bucket = "no-such-bucket" if case == "missing_bucket" else "agree"
    if case == "no_credentials":
        upload_folder(moto_s3, "agree", "store", pushed["store"])
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(pushed["repo"]), str(clone))
    dvc(clone, "remote", "add", "--local", "s3", f"s3://{bucket}/store")
    dvc(clone, "remote", "modify", "--local", "s3", "endpointurl", endpoint)
    # the failure ends the query by itself (its own reason), long before the cut-off would
    st = query_remote(clone, [pushed["file"]], remote="s3", timeout_s=120)
    assert not st.available and st.present == []
    assert expected in st.reason and "did not answer within" not in st.reason
    assert "metricwatch-test-secret" not in st.reason


def test_a_remote_that_hangs_is_cut_at_the_timeout(
    pushed: dict, tmp_path: Path, aws_env: dict
) -> None:
    """A TCP server that accepts and never answers: the worker is abandoned at timeout_s."""
    import socket

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(pushed["repo"]), str(clone))
    dvc(clone, "remote", "add", "--local", "s3", "s3://hang/store")
    dvc(clone, "remote", "modify", "--local", "s3", "endpointurl", f"http://127.0.0.1:{port}")
    dvc(clone, "remote", "modify", "--local", "s3", "read_timeout", "60")
    try:
        start = time.monotonic()
        st = query_remote(clone, [pushed["file"]], remote="s3", timeout_s=3)
        elapsed = time.monotonic() - start
    finally:
        srv.close()
    assert not st.available and elapsed < 10
    assert "did not answer within 3 s" in st.reason
