"""Faults of the Git + DVC side: missing tags, hostile tag names, a broken dvc.lock at a tag, and
a DVC remote that is incomplete, refuses (no credentials) or hangs (S3 on loopback).

Three faults that break different things of one release history (hostile tag names, a
conflicted dvc.lock at a new tag, a file missing from a pushed directory) share one broken copy of
the demo and one `report` + `check`, to keep the corpus cheap; each case asserts its own rows.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus import fault
from faultkit import Run, edit_config, expect, html_text, run_mw
from support.integrity_fixtures import moto_s3  # noqa: F401  (pytest fixture)
from support.integrity_helpers import FAKE_AWS, upload_folder

pytestmark = pytest.mark.slow

AREA = "Git + DVC"
INTEGRITY = "metricwatch integrity --format markdown"
CHECK_MD = "metricwatch check --format markdown"
# Names git accepts; none of them may be run by a shell, and all reach the report escaped.
HOSTILE_TAGS = ("v1.0.4-$(id>pwned)", "v`id>pwned2`", "-v9", "v\"q'", "v<b>9")

SHALLOW = fault(
    id="shallow-clone-without-tags",
    area=AREA,
    fault="The project is a `git clone --depth 1 --no-tags`: no release tag is in the clone",
    command="metricwatch check",
    exit_code=2,
    says="integrity: tags unavailable (shallow clone): no tag matches 'v*'; "
    "run `git fetch --unshallow --tags` in",
    report="3 run(s) name versions whose tags are not in this shallow clone "
    "(v1.0.0, v1.0.1, v1.0.3); not listed as orphans",
)
TAG_NAMES = fault(
    id="hostile-tag-names",
    area=AREA,
    fault="Tags named `v1.0.4-$(id>pwned)`, `` v`id>pwned2` ``, `-v9`, `v\"q'`, `v<b>9` "
    "(nothing is run; names are shown escaped)",
    command=CHECK_MD,
    exit_code=1,
    says="integrity [v1.0.4-$(id>pwned)], integrity [v\"q'], integrity [v<b>9], "
    "integrity [v`id>pwned2`]",
    report="MLflow run tagged with the version ❌ missing run (version=v1.0.4-$(id>pwned))",
)
TAG_PATTERN_SPACES = fault(
    id="tag-pattern-with-spaces",
    area=AREA,
    fault="`tags.pattern` has a space (`v 1*`), which no git tag name can contain",
    command="metricwatch integrity",
    exit_code=2,
    says="no git tag matches 'v 1*' (10 tag(s) in the repository); git tag names cannot contain "
    "spaces, so this tags.pattern can never match: fix tags.pattern in metricwatch.yaml (e.g. 'v*')",
)
CONFLICTED_LOCK = fault(
    id="conflicted-dvc-lock-at-tag",
    area=AREA,
    fault="A dvc.lock with unresolved git merge conflict markers committed at tag v1.0.4",
    command=CHECK_MD,
    exit_code=1,
    says="release integrity check failed (dvc.lock at v1.0.4: unresolved git merge conflict "
    "(conflict markers from line 4); resolve it (for dvc.lock: re-run `dvc repro`), commit the "
    "file and tag again)",
    report="dvc.yaml + dvc.lock at the tag ❌ dvc.lock at v1.0.4: unresolved git merge conflict "
    "(conflict markers from line 4); resolve it (for dvc.lock: re-run `dvc repro`), commit the "
    "file and tag again",
)
PARTLY_PUSHED = fault(
    id="directory-partly-pushed",
    area=AREA,
    fault="A pushed directory's manifest is on the DVC remote but one of its files is not "
    "(an interrupted `dvc push`)",
    command=CHECK_MD,
    exit_code=1,
    says="release integrity check failed (1 of 4 output(s) not on the remote 'storage': "
    "data/processed/ (1 of 2 files: test.csv))",
    report="outputs on the DVC remote ❌ 1 of 4 output(s) not on the remote 'storage': "
    "data/processed/ (1 of 2 files: test.csv)",
)
S3_NO_CREDENTIALS = fault(
    id="s3-remote-without-credentials",
    area=AREA,
    fault="The DVC remote is S3 (moto on loopback, data pushed) and no AWS credentials are set",
    command=INTEGRITY,
    exit_code=2,
    says="- [ ] ❓ outputs on the DVC remote: unknown: DVC remote 's3' (s3://demo-remote/store) "
    "unreachable: NoCredentialsError: Unable to locate credentials; set AWS credentials "
    "(environment or `dvc remote modify --local`)",
    report="outputs on the DVC remote ❓ unknown: DVC remote 's3' (s3://demo-remote/store) "
    "unreachable: NoCredentialsError: Unable to locate credentials; set AWS credentials "
    "(environment or `dvc remote modify --local`)",
)
S3_HANGS = fault(
    id="s3-endpoint-hangs",
    area=AREA,
    fault="The S3 endpoint accepts connections and never answers (dvc.timeout_s: 5)",
    command=INTEGRITY,
    exit_code=2,
    says="- [ ] ❓ outputs on the DVC remote: unknown: DVC remote 's3' did not answer within 5 s "
    "(dvc.timeout_s); check the endpoint and network",
    report="outputs on the DVC remote ❓ unknown: DVC remote 's3' did not answer within 5 s "
    "(dvc.timeout_s); check the endpoint and network",
)


def git(repo: Path, *args: str) -> str:
    res = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60, check=True
    )
    return res.stdout


def report(demo: Path, out: Path, *skip: str, **kw: object) -> Run:
    """`metricwatch report` of the parts the fault touches (HTML only)."""
    skips = [a for part in ("evidence", "repro", *skip) for a in ("--skip", part)]
    run = run_mw("report", "-c", demo / "metricwatch.yaml", "-o", out, "--no-pdf", *skips, **kw)
    assert run.code == 0, run.show()
    return run


def check(demo: Path, **kw: object) -> Run:
    return run_mw("check", "-c", demo / "metricwatch.yaml", "--format", "markdown", **kw)


def integrity(demo: Path, **kw: object) -> Run:
    return run_mw("integrity", "-c", demo / "metricwatch.yaml", "--format", "markdown", **kw)


def breached(run: Run, tag: str) -> None:
    """`check` exits 1 naming the tag among the breached rules (integrity ❌ is a fail rule)."""
    assert run.code == 1 and f"integrity [{tag}]" in run.text, run.show()


def copy_demo(demo_dir: Path, target: Path) -> Path:
    shutil.copytree(demo_dir, target, symlinks=True)
    return target


def own_remote(demo: Path) -> Path:
    """Point the copy's remote `storage` at its own copy of the remote (the demo's is shared)."""
    remote = demo / "remote"
    (demo / "project" / ".dvc" / "config.local").write_text(
        f"['remote \"storage\"']\n    url = {remote}\n", encoding="utf-8"
    )
    return remote


# --- shallow clone ---------------------------------------------------------------------------


def test_shallow_clone_without_tags(demo_copy: Path, tmp_path: Path) -> None:
    project = demo_copy / "project"
    project.rename(demo_copy / "project.full")
    git(demo_copy, "clone", "-q", "--depth", "1", "--no-tags", f"file://{demo_copy}/project.full",
        str(project))  # fmt: skip
    assert git(project, "tag") == ""
    out = tmp_path / "out"
    report(demo_copy, out, "kpis", "drift")  # the clone holds no DVC data for drift
    text = html_text(out / "metrics_monitoring.html")
    assert (
        "tags unavailable (shallow clone): no tag matches 'v*'; run `git fetch --unshallow" in text
    )
    assert "Orphan runs" not in text
    expect(SHALLOW, check(demo_copy), html=out / "metrics_monitoring.html")


# --- hostile tag names, a conflicted dvc.lock, a partly pushed directory: one broken history --


@pytest.fixture(scope="module")
def broken_tags(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("broken-tags")
    demo = copy_demo(demo_dir, root / "demo")
    project = demo / "project"
    remote = own_remote(demo)  # an interrupted push: test.csv of data/processed never arrived
    manifest = remote / "files" / "md5" / "62" / "5a1f4cdedaee30491f2518ec68466d.dir"
    entry = next(e for e in json.loads(manifest.read_text()) if e["relpath"] == "test.csv")
    (remote / "files" / "md5" / entry["md5"][:2] / entry["md5"][2:]).unlink()
    good = git(project, "rev-parse", "v1.0.1^{commit}").strip()
    for name in HOSTILE_TAGS:  # update-ref: `git tag` refuses a leading '-'
        git(project, "update-ref", f"refs/tags/{name}", good)
    lock = project / "dvc.lock"
    lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
    lock.write_text(
        "".join([*lines[:3], "<<<<<<< HEAD\n", *lines[3:6], "=======\n", *lines[3:6],
                 ">>>>>>> retrain\n", *lines[6:]]),
        encoding="utf-8",
    )  # fmt: skip
    git(project, "commit", "-q", "-m", "merge retrain (conflict left in dvc.lock)", "dvc.lock")
    git(project, "tag", "v1.0.4")
    edit_config(demo / "metricwatch.yaml", tags={"pattern": "*"})
    out = root / "out"
    return {
        "demo": demo,
        "html": out / "metrics_monitoring.html",
        "report": report(demo, out, "kpis", "drift", cwd=demo),
        "check": check(demo, cwd=demo),
    }


def test_hostile_tag_names_are_data(broken_tags: dict) -> None:
    demo, html = broken_tags["demo"], broken_tags["html"]
    expect(TAG_NAMES, broken_tags["check"], html=html)
    assert not list(demo.rglob("pwned*")), "a tag name was run by a shell"
    text = html_text(html)
    for name in HOSTILE_TAGS:
        assert f"missing run (version={name})" in text
    raw = html.read_text(encoding="utf-8")
    assert "<b>9" not in raw and "v&lt;b&gt;9" in raw
    assert "v&lt;b&gt;9" in broken_tags["check"].out  # Markdown passes inline HTML through
    run = run_mw("integrity", "-c", demo / "metricwatch.yaml", "--tags", "v 1*", cwd=demo)
    expect(TAG_PATTERN_SPACES, run)


def test_conflicted_dvc_lock_at_a_tag(broken_tags: dict) -> None:
    expect(CONFLICTED_LOCK, broken_tags["check"], html=broken_tags["html"])
    breached(broken_tags["check"], "v1.0.4")


def test_directory_partly_pushed(broken_tags: dict) -> None:
    expect(PARTLY_PUSHED, broken_tags["check"], html=broken_tags["html"])
    breached(broken_tags["check"], "v1.0.0")  # v1.0.0 passes everything else


# --- an S3 remote without credentials, and one that hangs ------------------------------------


def _s3_remote(demo: Path, endpoint: str, *extra: str, timeout_s: float | None = None) -> None:
    """The demo's remote is S3 at endpoint; timeout_s only where the cut-off is the fault (a
    failure that ends by itself gets the default, so a busy machine cannot turn it into one)."""
    (demo / "project" / ".dvc" / "config.local").write_text(
        "['remote \"s3\"']\n    url = s3://demo-remote/store\n"
        f"    endpointurl = {endpoint}\n" + "".join(f"    {line}\n" for line in extra),
        encoding="utf-8",
    )
    # v1.0.0 and v1.0.1 pass every other item: the remote alone decides their status
    edit_config(
        demo / "metricwatch.yaml",
        dvc={"remote": "s3", **({"timeout_s": timeout_s} if timeout_s else {})},
        tags={"pattern": "v1.0.[01]"},
    )


NO_AWS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")


def test_s3_remote_without_credentials(demo_copy: Path, tmp_path: Path, moto_s3: str) -> None:  # noqa: F811
    upload_folder(moto_s3, "demo-remote", "store", demo_copy / "remote")  # the data is there
    _s3_remote(demo_copy, moto_s3)
    env = {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    out = tmp_path / "out"
    report(demo_copy, out, "kpis", "drift", env=env, unset=NO_AWS)
    run = integrity(demo_copy, env=env, unset=NO_AWS)
    expect(S3_NO_CREDENTIALS, run, html=out / "metrics_monitoring.html")
    assert "2 tag(s): 0 ✅, 0 ⚠, 0 ❌, 2 ❓" in run.text  # unknown is never ✅


@pytest.fixture
def hanging_endpoint() -> Iterator[str]:
    """A loopback TCP port whose backlog accepts connections that nobody ever answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    try:
        yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    finally:
        srv.close()


def test_s3_endpoint_that_hangs(demo_copy: Path, tmp_path: Path, hanging_endpoint: str) -> None:
    _s3_remote(demo_copy, hanging_endpoint, timeout_s=5)
    out = tmp_path / "out"
    report(demo_copy, out, "kpis", "drift", env=FAKE_AWS, timeout=300)
    took = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["integrity"]["duration_s"]
    assert took < 30, f"integrity took {took} s with dvc.timeout_s 5"
    run = integrity(demo_copy, env=FAKE_AWS, timeout=120)
    expect(S3_HANGS, run, html=out / "metrics_monitoring.html")
    assert "2 tag(s): 0 ✅, 0 ⚠, 0 ❌, 2 ❓" in run.text
    for text in (run.out + run.err, (out / "metrics_monitoring.html").read_text()):
        assert FAKE_AWS["AWS_SECRET_ACCESS_KEY"] not in text
