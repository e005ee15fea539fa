"""The reproducibility check end to end, on real git + DVC repositories with tiny real pipelines.

Each project: data/raw.csv tracked by DVC (pushed to a local folder remote outside the work
tree), a `prep` stage producing a directory, a `train` stage producing a model file and a
metrics file with a measured time. Variants make each verdict happen for real.

Speed: the default project is built once per run (`built_once`); each test works on its own
copy (`private_copy`) and makes only its variant's change, as a new release where it needs one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from support.integrity_fixtures import aws_env, moto_s3  # noqa: F401  (pytest fixtures)
from support.repos import commit_all, dvc, git, init_repo
from support.session_cache import built_once, private_copy, settle_git_index

from metricwatch.cli import main
from metricwatch.config import load_config
from metricwatch.errors import CheckError
from metricwatch.parts.repro.collect import check_repro

pytestmark = pytest.mark.slow

PREP = """
import pathlib
pathlib.Path("out").mkdir(exist_ok=True)
pathlib.Path("out/clean.csv").write_text(pathlib.Path("data/raw.csv").read_text().upper())
"""

TRAIN = """
import hashlib, json, pathlib, time
start = time.time()
data = pathlib.Path("out/clean.csv").read_bytes()
pathlib.Path("model.bin").write_text(hashlib.sha256(data).hexdigest())
json.dump({"rmse": 0.25, "train_time_s": time.time() - start + time.time() % 1}, open("metrics.json", "w"))
"""

UNSEEDED = TRAIN.replace("hashlib.sha256(data).hexdigest()", 'str(__import__("random").random())')

DVC_YAML = {
    "stages": {
        "prep": {
            "cmd": "python src/prep.py",
            "deps": ["data/raw.csv", "src/prep.py"],
            "outs": ["out"],
        },
        "train": {
            "cmd": "python src/train.py",
            "deps": ["out", "src/train.py"],
            "outs": ["model.bin"],
            "metrics": [{"metrics.json": {"cache": False}}],
        },
    }
}


def build_base(folder: Path) -> None:
    """The default project in folder/project, its remote in folder/remote: committed,
    reproduced, tagged v1.0.0 and pushed. The remote is a path relative to .dvc/config, so a
    copy of the folder has its own remote."""
    repo, store = folder / "project", folder / "remote"
    init_repo(repo)
    store.mkdir()
    dvc(repo, "remote", "add", "-d", "local", "../remote")
    (repo / "data").mkdir()
    (repo / "data" / "raw.csv").write_text("a,b\n1,2\n3,4\n")
    (repo / "src").mkdir()
    (repo / "src" / "prep.py").write_text(textwrap.dedent(PREP))
    (repo / "src" / "train.py").write_text(textwrap.dedent(TRAIN))
    (repo / "dvc.yaml").write_text(yaml.safe_dump(DVC_YAML, sort_keys=False))
    dvc(repo, "add", "-q", "data/raw.csv")
    dvc(repo, "repro", "-q")
    commit_all(repo, "pipeline", tag="v1.0.0")
    dvc(repo, "push", "-q")
    settle_git_index(repo)


@pytest.fixture(scope="session")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One default project per run (read-only: `make_project` gives each test its copy)."""
    return built_once(tmp_path_factory, "repro-project", build_base)


def make_project(
    tmp_path: Path,
    base: Path,
    *,
    train: str | None = None,
    push: bool = True,
    remote: bool = True,
    cfg_extra: dict | None = None,
) -> tuple[Path, Path, Path]:
    """(repo, remote folder, metricwatch.yaml) in tmp_path: a copy of the default project, with
    a variant's change as a new release v1.0.1 (`train`: train.py replaced and reproduced;
    `remote=False`: no DVC remote configured) or `push=False` (nothing on the remote)."""
    repo = private_copy(base / "project", tmp_path / "project")
    store = private_copy(base / "remote", tmp_path / "remote")
    if train is not None:
        (repo / "src" / "train.py").write_text(textwrap.dedent(train))
        dvc(repo, "repro", "-q")
    if not remote:
        dvc(repo, "remote", "remove", "local")
    if train is not None or not remote:
        commit_all(repo, "variant", tag="v1.0.1")
    if not push or not remote:
        shutil.rmtree(store)
        store.mkdir()
    config = tmp_path / "metricwatch.yaml"
    data = {"project": {"path": "project"}, "report": {"output": "reports"}, **(cfg_extra or {})}
    config.write_text(yaml.safe_dump(data))
    return repo, store, config


def tree_digest(*roots: Path) -> dict[str, str]:
    """Every file (tracked, untracked, .git, DVC cache, remote) → sha256; symlinks by target."""
    out = {}
    for root in roots:
        if root.is_file():
            out[str(root)] = hashlib.sha256(root.read_bytes()).hexdigest()
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                p = Path(dirpath) / name
                key = str(p)
                out[key] = (
                    f"link:{os.readlink(p)}"
                    if p.is_symlink()
                    else hashlib.sha256(p.read_bytes()).hexdigest()
                )
    return out


def test_deterministic_pipeline_identical_nothing_touched_log_cache_and_cli(
    tmp_path: Path, capsys, base_project: Path
) -> None:
    repo, store, config = make_project(tmp_path, base_project)
    # bad input that must not matter: a dirty tracked file, an untracked file, a detached HEAD
    git(repo, "checkout", "-q", "--detach", "v1.0.0")
    (repo / "src" / "prep.py").write_text("# edited, not committed\n")
    (repo / "notes.txt").write_text("untracked\n")
    (repo / "src" / "train.py").write_text("# stashed change\n")
    git(repo, "stash", "push", "-q", "-m", "user's stash", "--", "src/train.py")
    assert git(repo, "stash", "list").stdout.strip()
    before = tree_digest(repo, store)
    cfg = load_config(config)

    report = check_repro(cfg)

    assert tree_digest(repo, store) == before
    assert report.rev == "v1.0.0"
    assert report.verdict == "identical", report.message
    assert report.verdict_text == "reproduced: identical"
    assert {(o.path, o.stage, o.match) for o in report.outputs} == {
        ("out", "prep", True),
        ("model.bin", "train", True),
        ("metrics.json", "train", True),
    }
    assert [(v.path, v.key) for v in report.volatile_diffs] == [("metrics.json", "train_time_s")]
    assert any("uncommitted or untracked" in n for n in report.notes)
    assert report.transcript.find("dvc", "repro", "--force").exit_code == 0
    status = report.transcript.find("dvc", "status")
    assert "Data and pipelines are up to date." in status.stdout
    assert report.environment is not None and report.environment.python
    assert not report.cached
    json.dumps(report.model_dump(mode="json"), allow_nan=False)

    log = Path(report.log_path)
    assert log == tmp_path / "reports" / "logs" / "reproducibility.log"
    (line,) = log.read_text().splitlines()
    assert f"rev v1.0.0 (commit {report.commit[:12]}) - reproduced: identical" in line
    assert "metrics.json:train_time_s" in line
    assert "$ dvc repro --force" in Path(report.transcript_path).read_text()

    again = check_repro(cfg)
    assert again.cached and again.verdict == "identical"
    assert len(log.read_text().splitlines()) == 1

    rc = main(["repro", "-c", str(config), "--format", "json"])
    assert rc == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["cached"] is True and shown["verdict_text"] == "reproduced: identical"
    assert tree_digest(repo, store) == before


def test_unseeded_random_stage_differs_and_second_run_says_non_deterministic(
    tmp_path: Path, base_project: Path
) -> None:
    _repo, _store, config = make_project(tmp_path, base_project, train=UNSEEDED)
    report = check_repro(load_config(config), second_run=True)
    assert report.verdict == "differ"
    assert report.verdict_text == "reproduced: outputs differ"
    assert report.message.startswith("reproduced: outputs differ: model.bin (stage train)")
    assert [o.path for o in report.differing] == ["model.bin"]
    assert report.second_run is not None and report.second_run.finding == "non-deterministic"
    assert "model.bin (stage train)" in report.second_run.text
    assert len([e for e in report.transcript.entries if e.command[:2] == ["dvc", "repro"]]) == 2


def test_stale_committed_lock_differs_and_second_run_says_stale(
    tmp_path: Path, base_project: Path
) -> None:
    repo, _store, config = make_project(tmp_path, base_project)
    (repo / "src" / "prep.py").write_text(textwrap.dedent(PREP).replace(".upper()", ".lower()"))
    commit_all(repo, "change prep without dvc repro", tag="v1.0.1")
    report = check_repro(load_config(config), second_run=True)
    assert report.rev == "v1.0.1"
    assert report.verdict == "differ"
    assert {(o.path, o.stage) for o in report.differing} == {
        ("out", "prep"),
        ("model.bin", "train"),
    }
    assert report.second_run is not None and report.second_run.finding == "stale lock"
    assert "stale lock" in report.message


def test_raw_data_never_pushed_is_not_available(tmp_path: Path, base_project: Path) -> None:
    repo, store, config = make_project(tmp_path, base_project, push=False)
    before = tree_digest(repo, store)
    report = check_repro(load_config(config))
    assert report.verdict == "unavailable"
    assert (
        report.verdict_text == "not reproducible: input data/raw.csv not available from the remote"
    )
    assert "tracked by data/raw.csv.dvc, but its data is not on the remote" in report.message
    assert report.transcript.find("dvc", "pull") is not None
    assert report.transcript.find("dvc", "repro") is None
    assert tree_digest(repo, store) == before


def test_source_dep_neither_in_git_nor_dvc_is_not_available(
    tmp_path: Path, base_project: Path
) -> None:
    repo, _store, config = make_project(tmp_path, base_project)
    with (repo / ".gitignore").open("a") as fh:
        fh.write("/lookup.csv\n")
    (repo / "lookup.csv").write_text("k,v\n")
    spec = yaml.safe_load((repo / "dvc.yaml").read_text())
    spec["stages"]["prep"]["deps"].append("lookup.csv")
    (repo / "dvc.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    dvc(repo, "repro", "-q")
    commit_all(repo, "prep reads lookup.csv", tag="v1.0.1")
    report = check_repro(load_config(config))
    assert report.verdict_text == "not reproducible: input lookup.csv not available from the remote"
    assert "neither committed to git nor tracked by DVC" in report.message


def test_user_cache_mode_reads_the_users_cache_without_writing_it(
    tmp_path: Path, base_project: Path
) -> None:
    repo, store, config = make_project(
        tmp_path, base_project, push=False, cfg_extra={"repro": {"cache": "user"}}
    )
    before = tree_digest(repo, store)
    report = check_repro(load_config(config))
    assert report.verdict == "identical", report.message
    assert report.cache_mode == "user"
    assert report.transcript.find("dvc", "fetch", "-r", "metricwatch-user-cache") is not None
    assert tree_digest(repo, store) == before


def test_no_remote_configured_is_an_honest_verdict(tmp_path: Path, base_project: Path) -> None:
    _repo, _store, config = make_project(tmp_path, base_project, remote=False)
    report = check_repro(load_config(config))
    assert report.verdict == "unavailable"
    assert (
        report.verdict_text == "not reproducible: input data/raw.csv not available from the remote"
    )
    assert "no DVC remote is configured" in report.message


def test_failing_stage_names_stage_and_exit_code(tmp_path: Path, base_project: Path) -> None:
    repo, _store, config = make_project(tmp_path, base_project)
    (repo / "src" / "train.py").write_text(
        "import sys\nprint('boom', file=sys.stderr)\nsys.exit(3)\n"
    )
    commit_all(repo, "break train", tag="v1.0.1")
    report = check_repro(load_config(config))
    assert report.verdict == "failed"
    assert report.verdict_text == "failed: stage train exited 3"
    entry = report.transcript.find("dvc", "repro", "--force")
    assert entry.exit_code != 0 and "boom" in entry.stdout + entry.stderr
    assert "\x1b[31mERROR" in entry.stderr  # DVC's colours kept for the terminal images


def test_stage_reading_an_undeclared_input_is_named(tmp_path: Path, base_project: Path) -> None:
    repo, _store, config = make_project(tmp_path, base_project)
    with (repo / ".gitignore").open("a") as fh:
        fh.write("/local.cfg\n")
    (repo / "local.cfg").write_text("only on my machine\n")
    train = "import pathlib\npathlib.Path('local.cfg').read_text()\n" + textwrap.dedent(TRAIN)
    (repo / "src" / "train.py").write_text(train)
    dvc(repo, "repro", "-q")
    commit_all(repo, "train reads local.cfg", tag="v1.0.1")
    report = check_repro(load_config(config))
    assert report.verdict_text == "failed: stage train exited 1"
    assert report.environment is not None
    assert [(u.stage, u.path) for u in report.environment.undeclared_inputs] == [
        ("train", "local.cfg")
    ]


def test_stage_past_the_timeout_is_killed_with_its_group(
    tmp_path: Path, base_project: Path
) -> None:
    pidfile = tmp_path / "stage.pid"
    slow = f"import os, pathlib, time\npathlib.Path({str(pidfile)!r}).write_text(str(os.getpid()))\ntime.sleep(float(os.environ.get('SLOW_S', '0')))\n"
    _repo, _store, config = make_project(
        tmp_path,
        base_project,
        train=slow + textwrap.dedent(TRAIN),
        cfg_extra={"repro": {"timeout_s": 12}},
    )
    os.environ["SLOW_S"] = "300"  # slow only in the check's clone, not while building the fixture
    try:
        t0 = time.monotonic()
        report = check_repro(load_config(config))
    finally:
        os.environ.pop("SLOW_S")
    assert report.verdict == "timed_out"
    assert report.verdict_text == "timed out"
    assert "in stage train" in report.message
    assert time.monotonic() - t0 < 90
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            break
        if "State:\tZ" in state:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"stage process {pid} is still running after the timeout")


def test_unknown_rev_is_a_clear_error(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "project", with_dvc=False)
    (repo / "f").write_text("x\n")
    commit_all(repo, "one")
    config = tmp_path / "metricwatch.yaml"
    config.write_text("project: {path: project}\n")
    with pytest.raises(
        CheckError, match=r"git revision 'v9\.9\.9' does not exist in .*git tag --list"
    ):
        check_repro(load_config(config), "v9.9.9")


def test_repo_without_dvc_yaml_is_a_clear_error(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "project")
    (repo / "README").write_text("no pipeline\n")
    commit_all(repo, "readme")
    (tmp_path / "metricwatch.yaml").write_text("project: {path: project}\n")
    with pytest.raises(
        CheckError, match=r"no dvc\.yaml at HEAD \([0-9a-f]{12}\) in .*dvc stage add"
    ):
        check_repro(load_config(tmp_path / "metricwatch.yaml"))
    rc = main(["repro", "-c", str(tmp_path / "metricwatch.yaml")])
    assert rc == 1


def test_not_a_git_repo_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "metricwatch.yaml").write_text("project: {path: plain}\n")
    with pytest.raises(CheckError, match=r"not inside a git repository"):
        check_repro(load_config(tmp_path / "metricwatch.yaml"))


def test_a_stage_logging_to_mlflow_writes_a_throwaway_store_not_the_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base_project: Path
) -> None:
    user_store = tmp_path / "user-mlflow.db"
    seen = tmp_path / "seen-tracking-uri"
    logging_stage = (
        "import mlflow, pathlib\n"
        f"pathlib.Path({str(seen)!r}).write_text(mlflow.get_tracking_uri())\n"
        "with mlflow.start_run():\n"
        "    mlflow.log_metric('m', 1.0)\n"
    )
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{user_store}")
    # the fixture's own `dvc repro` runs `python` from PATH: this interpreter, which has mlflow
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    repo, store, config = make_project(
        tmp_path, base_project, train=logging_stage + textwrap.dedent(TRAIN)
    )
    assert user_store.is_file()  # the fixture's own `dvc repro` logged to the user's store
    before = tree_digest(repo, store, user_store)
    report = check_repro(load_config(config))
    assert report.verdict == "identical", report.message
    assert tree_digest(repo, store, user_store) == before
    used = seen.read_text()
    assert used.startswith("sqlite:///") and "metricwatch-repro-" in used
    assert str(user_store) not in used


def test_s3_remote_with_endpoint_and_keys_only_in_config_local(
    tmp_path: Path,
    moto_s3: str,  # noqa: F811
    aws_env: dict[str, str],  # noqa: F811
    base_project: Path,
) -> None:
    import boto3

    boto3.client(
        "s3",
        endpoint_url=moto_s3,
        aws_access_key_id=aws_env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws_env["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    ).create_bucket(Bucket="mw-repro")
    repo, _store, config = make_project(tmp_path, base_project)
    dvc(repo, "remote", "remove", "local")  # v1.0.0 had a local folder remote; v1.0.1 has S3
    dvc(repo, "remote", "add", "-d", "s3", "s3://mw-repro/store")
    commit_all(repo, "data on S3", tag="v1.0.1")
    # the endpoint and the keys live only in the user's uncommitted .dvc/config.local
    dvc(repo, "remote", "modify", "--local", "s3", "endpointurl", moto_s3)
    dvc(repo, "remote", "modify", "--local", "s3", "access_key_id", aws_env["AWS_ACCESS_KEY_ID"])
    dvc(
        repo,
        "remote",
        "modify",
        "--local",
        "s3",
        "secret_access_key",
        aws_env["AWS_SECRET_ACCESS_KEY"],
    )
    dvc(repo, "push", "-q")
    local_conf = (repo / ".dvc" / "config.local").read_bytes()
    report = check_repro(load_config(config))
    assert report.verdict == "identical", report.message
    assert report.transcript.find("dvc", "pull").exit_code == 0
    assert (repo / ".dvc" / "config.local").read_bytes() == local_conf
    dumped = json.dumps(report.model_dump(mode="json")) + Path(report.transcript_path).read_text()
    assert aws_env["AWS_SECRET_ACCESS_KEY"] not in dumped
