"""Evidence reuse on a real SQLite store, a real `mlflow server` and real Chromium.

One capture per part is paid for once per module; the invalidation cases compare keys (what
decides reuse) or tamper with a copy of the cache entry, so they need no capture of their own.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from support.configs import write_config
from support.repos import commit_all, git, init_repo

from metricwatch.browsers import find_browser
from metricwatch.config import load_config
from metricwatch.hashing import file_sha256
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.evidence import reuse
from metricwatch.parts.evidence.model import EVIDENCE
from metricwatch.parts.evidence.reuse_key import evidence_key
from metricwatch.parts.evidence.section import provenance
from metricwatch.parts.evidence.terminal_plan import run_live
from metricwatch.pipeline.collect import collect
from metricwatch.sources.mlflow_runs import load_runs
from metricwatch.sources.views import MlflowSource

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _log_run(db: Path, art: Path, name: str, version: str | None) -> str:
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{db}")
    exp = client.get_experiment_by_name("reuse-demo") or None
    exp_id = (
        exp.experiment_id
        if exp
        else client.create_experiment("reuse-demo", artifact_location=art.as_uri())
    )
    run = client.create_run(exp_id, run_name=name, tags={"version": version} if version else {})
    rid = run.info.run_id
    client.log_metric(rid, "rmse", 0.42)
    if version:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "metrics.json").write_text(json.dumps({"rmse": 0.42}))
            client.log_artifact(rid, str(Path(tmp) / "metrics.json"))
    client.set_terminated(rid)
    return rid


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory):
    """A private user cache for the module (the evidence cache lives under XDG_CACHE_HOME)."""
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("xdg-cache")
        mp.setenv("XDG_CACHE_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def world(tmp_path_factory, cache_home):
    root = tmp_path_factory.mktemp("reuse") / "w"
    repo = init_repo(root / "project", with_dvc=False)
    (repo / "VERSION").write_text("v1.0.0")
    commit_all(repo, "release v1.0.0", tag="v1.0.0")
    rid = _log_run(root / "mlflow.db", root / "art", "train-v1.0.0", "v1.0.0")
    cfg_path = write_config(
        root / "metricwatch.yaml",
        project={"path": "project"},
        mlflow={"tracking_uri": "sqlite:///mlflow.db"},
        evidence={"timeout_s": 90},
        report={"output": "reports"},
    )
    return {"root": root, "cfg": load_config(cfg_path), "run_id": rid}


@pytest.fixture(scope="module")
def mlflow_twice(world):
    """The MLflow screenshots collected twice with nothing changed in between."""
    cfg = world["cfg"]
    first = collect(cfg, ("evidence",), evidence_only="mlflow")
    second = collect(cfg, ("evidence",), evidence_only="mlflow")
    return first, second


def _mlflow_key(cfg):
    return evidence_key(
        cfg,
        parts=("mlflow",),
        browser_exe=find_browser(cfg.evidence.browser),
        runs=load_runs(MlflowSource.of(cfg)),
    )


def test_second_collect_reuses_the_images(mlflow_twice, cache_home):
    first, second = mlflow_twice
    a, b = first.get(EVIDENCE), second.get(EVIDENCE)
    assert a is not None and b is not None
    assert [i.status for i in a.items] == ["ok", "ok"], [(i.name, i.reason) for i in a.items]
    assert not a.reused and a.cache_key
    assert b.reused and b.cache_key == a.cache_key
    assert b.captured_at == a.captured_at  # the date of the capture the images come from
    assert first.timings["evidence"] > 10
    assert second.timings["evidence"] < 10, second.timings  # no browser, no server
    for item in b.items:
        assert Path(item.path).is_file() and file_sha256(Path(item.path)) == item.sha256
    assert (cache_home / "metricwatch" / "evidence" / a.cache_key[:40] / "entry.json").is_file()
    manifest = json.loads(Path(b.manifest_path).read_text())
    assert {i["file"] for i in manifest["images"]} == {i.name for i in b.items}


def test_the_report_says_captured_now_or_reused_and_when(mlflow_twice):
    first, second = mlflow_twice
    when = second.get(EVIDENCE).captured_at.strftime("%Y-%m-%d %H:%M:%S")
    assert provenance(second.get(EVIDENCE), "en") == (
        f"Images reused from the capture of {when} UTC: the tracking store, the pages, the "
        "terminal output, the config and the tool and browser versions are unchanged since "
        "(`metricwatch report --force` captures them again)."
    )
    assert provenance(first.get(EVIDENCE), "en").startswith(f"Images captured now ({when} UTC, ")
    assert provenance(second.get(EVIDENCE), "es").startswith(
        f"Capturas reutilizadas de la toma del {when}"
    )


def test_a_new_run_logged_to_a_copy_of_the_store_invalidates(world, mlflow_twice, tmp_path):
    copy = tmp_path / "w"
    shutil.copytree(world["root"], copy, ignore=shutil.ignore_patterns("reports"))
    unchanged = _mlflow_key(load_config(copy / "metricwatch.yaml"))
    assert unchanged.digest == mlflow_twice[0].get(EVIDENCE).cache_key  # same content, same key
    _log_run(copy / "mlflow.db", copy / "art", "exploration", None)
    changed_cfg = load_config(copy / "metricwatch.yaml")
    changed = _mlflow_key(changed_cfg)
    assert changed.digest and changed.digest != unchanged.digest
    assert changed.parts["store"] != unchanged.parts["store"]
    assert reuse.load(changed, changed_cfg.output_dir / "imgs", ("mlflow",)) == (None, [])


def test_a_tampered_cached_image_is_not_reused(world, mlflow_twice, tmp_path):
    cfg = world["cfg"]
    key = _mlflow_key(cfg)
    entry = reuse.entry_dir(key.digest)
    backup = tmp_path / "entry"
    shutil.copytree(entry, backup)
    try:
        png = entry / "mlflow_runs.png"
        png.write_bytes(png.read_bytes() + b"tampered")
        out = tmp_path / "imgs"
        hit, why = reuse.load(key, out, ("mlflow",))
        assert hit is None
        assert words_text(why) == (
            "The cached evidence was not reused (mlflow_runs.png does not match its SHA-256 "
            "in the cached manifest); captured again."
        )
        assert not entry.exists() and not out.exists()  # deleted, nothing published
    finally:
        shutil.rmtree(entry, ignore_errors=True)
        shutil.copytree(backup, entry)


def test_an_http_tracking_server_gets_no_key(world):
    cfg = world["cfg"]
    runs = load_runs(MlflowSource.of(cfg))
    http = cfg.model_copy(
        update={"mlflow": cfg.mlflow.model_copy(update={"tracking_uri": "http://127.0.0.1:9"})}
    )
    key = evidence_key(http, parts=("mlflow",), browser_exe=find_browser(None), runs=runs)
    assert key.digest is None
    assert key.why is not None and key.why.text("en") == (
        "the tracking store http://127.0.0.1:9 is a server whose content metricwatch cannot "
        "fingerprint"
    )


def test_terminal_images_reuse_force_and_a_new_tag(world, tmp_path):
    cfg = world["cfg"]
    first = collect(cfg, ("evidence",), evidence_only="terminal").get(EVIDENCE)
    again = collect(cfg, ("evidence",), evidence_only="terminal").get(EVIDENCE)
    forced = collect(cfg, ("evidence",), evidence_only="terminal", force=True).get(EVIDENCE)
    assert {i.name for i in first.ok} == {"git_tag.png", "dvc_metrics_show.png"}
    assert not first.reused and again.reused and not forced.reused
    assert forced.captured_at > first.captured_at and forced.cache_key == first.cache_key
    exe = find_browser(None)
    before = evidence_key(cfg, parts=("terminal",), browser_exe=exe, live_runs=run_live(cfg))
    git(cfg.project_path, "tag", "-a", "v1.0.1", "-m", "a new release")
    try:
        after = evidence_key(cfg, parts=("terminal",), browser_exe=exe, live_runs=run_live(cfg))
    finally:
        git(cfg.project_path, "tag", "-d", "v1.0.1")
    assert before.digest == first.cache_key and after.digest != before.digest


def test_file_store_tree_and_remote_artifacts(tmp_path):
    from types import SimpleNamespace

    from metricwatch.config import parse_config
    from metricwatch.parts.evidence.reuse_key import NoKey, store_digest

    root = tmp_path / "mlruns"
    (root / "0").mkdir(parents=True)
    (root / "0" / "meta.yaml").write_text("name: Default\n")
    cfg = parse_config({"mlflow": {"tracking_uri": root.as_uri()}}, "t.yaml", tmp_path)
    inside = SimpleNamespace(run_id="r1", artifact_uri=(root / "0" / "r1" / "artifacts").as_uri())
    before = store_digest(cfg, [inside])
    assert store_digest(cfg, [inside]) == before
    (root / "0" / "r2").mkdir()
    (root / "0" / "r2" / "meta.yaml").write_text("run_id: r2\n")  # a new run in the tree
    assert store_digest(cfg, [inside]) != before
    remote = SimpleNamespace(run_id="r3", artifact_uri="s3://bucket/0/r3/artifacts")
    with pytest.raises(NoKey, match="the artifacts of run r3 are at s3://bucket/0/r3/artifacts"):
        store_digest(cfg, [remote])
