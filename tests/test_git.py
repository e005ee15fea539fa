"""metricwatch.git, the one git gateway, on real repositories and a real loopback server."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support.repos import commit_all, init_repo
from support.repos import git as sh_git

from metricwatch.errors import GitError, SourceError
from metricwatch.git import TIMEOUT_S, git, git_bytes, run_git, timeout_for


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    path = init_repo(tmp_path / "r", with_dvc=False)
    (path / "a.txt").write_text("one\n")
    (path / "blob.bin").write_bytes(b"\x00\xff binary\n")
    commit_all(path, "first", tag="v1")
    return path


def test_run_git_answers_in_the_repository(repo):
    head = run_git(repo, "rev-parse", "HEAD")
    assert head.ok and head.args[:3] == ("git", "-C", str(repo))
    assert head.stdout.strip() == sh_git(repo, "rev-parse", "v1^{commit}").stdout.strip()
    missing = run_git(repo, "rev-parse", "--verify", "--quiet", "nope^{commit}")
    assert not missing.ok and not missing.timed_out  # a failure is an answer, not an error


def test_git_error_names_the_repository_and_the_command(tmp_path, repo):
    with pytest.raises(GitError) as exc:
        git(repo, "--no-optional-locks", "rev-parse", "--verify", "no-such-rev")
    assert str(repo) in str(exc.value) and "`git rev-parse`" in str(exc.value)
    assert isinstance(exc.value, SourceError)  # the CLI maps it like every source error
    with pytest.raises(GitError, match="not a git repository"):
        git(tmp_path, "status")


def test_reading_never_rewrites_the_users_index(repo):
    """`git status` refreshes a stale index unless optional locks are off: the gateway's are."""
    index = repo / ".git" / "index"
    (repo / "a.txt").write_text("one\n")  # same content, newer mtime: the index entry is stale
    before = (index.stat().st_mtime_ns, index.read_bytes())
    time.sleep(0.01)
    assert run_git(repo, "status", "--porcelain").stdout == ""
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before
    sh_git(repo, "status", "--porcelain")  # plain git does rewrite it: the test can fail
    assert (index.stat().st_mtime_ns, index.read_bytes()) != before


def test_git_bytes_returns_object_contents_exactly(repo):
    oid = run_git(repo, "rev-parse", "HEAD:blob.bin").stdout.strip()
    assert git_bytes(repo, "cat-file", "blob", oid, input_bytes=b"", timeout_s=TIMEOUT_S) == (
        b"\x00\xff binary\n"
    )
    with pytest.raises(GitError, match="`git cat-file` failed"):
        git_bytes(repo, "cat-file", "blob", "0" * 40, input_bytes=b"", timeout_s=TIMEOUT_S)


def test_timeout_grows_with_the_objects_asked_for():
    assert timeout_for() == TIMEOUT_S
    assert timeout_for(1000) > timeout_for(10) > TIMEOUT_S


@pytest.fixture()
def silent_server():
    """A loopback socket that accepts connections and never answers (a hung remote)."""
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(8)
        yield f"http://127.0.0.1:{srv.getsockname()[1]}/repo.git"


def test_a_hung_git_is_stopped_at_its_timeout(tmp_path, silent_server):
    started = time.monotonic()
    with pytest.raises(GitError, match=r"`git clone` timed out after 1 s"):
        git(None, "clone", "--quiet", silent_server, str(tmp_path / "c"), timeout_s=1.0)
    assert time.monotonic() - started < 1.0 + 15  # 1 s wait + at most the kill grace


class _AskForPassword(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="private"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_credential_request_fails_instead_of_waiting_for_a_person(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AskForPassword)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/repo.git"
        res = run_git(
            None, "-c", "credential.helper=", "clone", "--quiet", url, str(tmp_path / "c")
        )
    finally:
        server.shutdown()
        server.server_close()
    assert not res.ok and not res.timed_out
    assert "terminal prompts disabled" in res.stderr
