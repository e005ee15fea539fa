"""Evidence on a real SQLite store, a real `mlflow server` on loopback and real Chromium."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import tempfile
from pathlib import Path

import pytest
import yaml
from support.no_browser import hide_browsers
from support.processes import live_group_members
from support.repos import commit_all, init_repo

from metricwatch.browsers import NO_BROWSER
from metricwatch.config import load_config
from metricwatch.errors import SourceError, SourceUnavailableError
from metricwatch.hashing import file_sha256
from metricwatch.parts.evidence.browser import launch_browser, origin_of
from metricwatch.parts.evidence.capture import capture_evidence
from metricwatch.parts.evidence.images import png_stats
from metricwatch.parts.evidence.mlflow_pages import (
    PageCheckError,
    PageSpec,
    capture_page,
    storage_state,
)
from metricwatch.parts.evidence.mlflow_ui import mlflow_ui, pid_alive
from metricwatch.parts.evidence.model import Caption
from metricwatch.sources.mlflow_runs import load_runs
from metricwatch.sources.views import MlflowSource

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VERSIONS = ("v1.0.0", "v1.0.1", "v1.0.2")
HOSTILE_NAME = "<b>bold</b><script>window.pwned=1</script>"
METRICS = ("rmse", "qwk", "train_time_s", "data_drift_pct")


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory):
    """Captures here store reusable evidence in a private cache, not the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


def _make_store(root: Path) -> dict[str, str]:
    """A SQLite store: one run per release (metrics, params, model + metrics.json) and a stray."""
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{root / 'mlflow.db'}")
    exp = client.create_experiment("evidence-demo", artifact_location=(root / "art").as_uri())
    ids: dict[str, str] = {}
    for i, version in enumerate(VERSIONS):
        name = HOSTILE_NAME if version == "v1.0.2" else f"train-{version}"
        run = client.create_run(exp, run_name=name, tags={"version": version})
        rid = run.info.run_id
        for key, value in zip(
            METRICS, (0.5 - i / 100, 0.8 + i / 100, 10.0 + i, 1.0 + i), strict=True
        ):
            client.log_metric(rid, key, value)
        client.log_param(rid, "max_depth", str(3 + i))
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "metrics.json").write_text(json.dumps({"rmse": 0.5 - i / 100}))
            client.log_artifact(rid, str(Path(tmp) / "metrics.json"))
            model = Path(tmp) / "model"
            model.mkdir()
            (model / "model.pkl").write_bytes(b"not really a model")
            client.log_artifacts(rid, str(model), artifact_path="model")
        client.set_terminated(rid)
        ids[version] = rid
    stray = client.create_run(exp, run_name="untagged-exploration")
    client.log_metric(stray.info.run_id, "rmse", 0.9)
    client.set_terminated(stray.info.run_id)
    return ids


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("evidence")
    repo = init_repo(root / "project", with_dvc=False)
    for version in VERSIONS:
        (repo / "VERSION").write_text(version)
        commit_all(repo, f"release {version}", tag=version)
    ids = _make_store(root)
    cfg_path = root / "metricwatch.yaml"
    cfg_path.write_text(
        yaml.safe_dump(
            {
                "project": {"path": "project"},
                "mlflow": {"tracking_uri": "sqlite:///mlflow.db"},
                "evidence": {"timeout_s": 90},
                "report": {"output": "reports"},
            }
        )
    )
    return {"root": root, "ids": ids, "cfg": load_config(cfg_path)}


@pytest.fixture(scope="module")
def ui(world):
    """One temporary server for the page tests; its pid must be gone afterwards."""
    with mlflow_ui(world["cfg"], start_timeout_s=240) as server:
        assert server.started and pid_alive(server.pid)
        yield server
    assert not pid_alive(server.pid), "the mlflow server outlived its block"
    assert live_group_members(server.pid) == [], "a process of the server's group was left behind"


@pytest.fixture(scope="module")
def browser():
    with launch_browser(None, 90) as b:
        yield b


@pytest.fixture(scope="module")
def captured(world, ui, tmp_path_factory):
    """The full MLflow capture against the running server (as an http tracking URI)."""
    root = world["root"]
    cfg_path = root / "metricwatch-http.yaml"
    cfg_path.write_text(
        yaml.safe_dump(
            {
                "project": {"path": "project"},
                "mlflow": {"tracking_uri": ui.url},
                "evidence": {"timeout_s": 90},
                "report": {"output": "reports-http"},
            }
        )
    )
    cfg = load_config(cfg_path)
    store = root / "mlflow.db"
    before = file_sha256(store)
    report = capture_evidence(cfg, only="mlflow")
    return {"cfg": cfg, "report": report, "store_before": before, "store": store}


def test_every_page_is_captured_verified_and_not_blank(captured, world):
    report = captured["report"]
    names = {i.name: i for i in report.items}
    expected = {"mlflow_runs.png", "mlflow_compare.png"} | {f"mlflow_run_{v}.png" for v in VERSIONS}
    assert set(names) == expected, [(i.name, i.status, i.reason) for i in report.items]
    for item in report.items:
        assert item.status == "ok", f"{item.name}: {item.reason}"
        path = Path(item.path)
        assert path.is_file() and path.parent.name == "imgs"
        width, height, stddev = png_stats(path)
        assert width >= 800 and height >= 300, (item.name, width, height)
        assert stddev > 5, f"{item.name} looks blank"
        assert item.sha256 == file_sha256(path)
    ids = world["ids"]
    runs_item = names["mlflow_runs.png"]
    for rid in ids.values():
        assert rid in runs_item.verified and rid in names["mlflow_compare.png"].verified
    for metric in METRICS:
        assert metric in runs_item.verified
    assert HOSTILE_NAME in runs_item.verified  # shown as text, exactly
    run_page = names["mlflow_run_v1.0.1.png"]
    assert ids["v1.0.1"] in run_page.verified
    assert {"metrics.json", "model"} <= set(run_page.verified)


def test_manifest_lists_hashes_urls_time_and_version(captured):
    report = captured["report"]
    manifest = json.loads(Path(report.manifest_path).read_text())
    assert manifest["mlflow_version"] and manifest["mlflow_version"][0].isdigit()
    files = {img["file"]: img for img in manifest["images"]}
    assert set(files) == {i.name for i in report.items}
    for item in report.items:
        entry = files[item.name]
        assert entry["sha256"] == file_sha256(Path(item.path))
        assert entry["source"].startswith("http://127.0.0.1:")
        assert "/#/" in entry["source"], entry["source"]  # the page's route, not just the host
        assert entry["captured_at"]
    assert manifest["missing"] == []


def test_the_tracking_store_is_untouched(captured):
    assert file_sha256(captured["store"]) == captured["store_before"]


def test_a_run_that_does_not_exist_fails_with_the_reason_and_saves_nothing(
    ui, browser, world, tmp_path
):
    missing = "0123456789abcdef0123456789abcdef"
    spec = PageSpec(
        name="mlflow_run_ghost.png",
        route=f"/#/experiments/1/runs/{missing}?workflowType=machine_learning",
        shows=Caption(key="run_page", params={"version": "v9", "run_name": "nope"}),
        texts=["rmse"],
        run_ids=[missing],
        height=800,
    )
    short = dataclasses.replace(browser, timeout_s=15, blocked=[])  # same browser, short waits
    state = storage_state(ui.url, ["1"], list(METRICS), "version")
    with pytest.raises(PageCheckError) as exc:
        capture_page(short, ui.url, spec, state, tmp_path)
    assert "mlflow_run_ghost.png" in str(exc.value) and "rmse" in str(exc.value)
    assert list(tmp_path.glob("*.png")) == []


def test_content_check_fails_when_a_run_id_is_not_on_the_page(ui, browser, world, tmp_path):
    ghost = "feedfacefeedfacefeedfacefeedface"
    spec = PageSpec(
        name="mlflow_runs.png",
        route="/#/experiments/1/runs?workflowType=machine_learning",
        shows=Caption(key="runs_list", params={"experiment": "'e'"}),
        texts=["train-v1.0.0"],
        run_ids=[world["ids"]["v1.0.0"], ghost],
        height=700,
    )
    state = storage_state(ui.url, ["1"], list(METRICS), "version")
    with pytest.raises(PageCheckError, match=ghost):
        capture_page(browser, ui.url, spec, state, tmp_path)
    assert list(tmp_path.glob("*.png")) == []


def test_requests_outside_the_server_are_blocked(ui, browser):
    page = browser.new_page(allowed_origins=[ui.url])
    try:
        with pytest.raises(Exception, match="ERR_BLOCKED_BY_CLIENT"):
            page.goto("http://example.invalid/")
    finally:
        page.context.close()
    assert "http://example.invalid/" in browser.blocked


def test_port_taken_error_has_the_server_log_tail(world):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        with (
            pytest.raises(SourceUnavailableError) as exc,
            mlflow_ui(world["cfg"], start_timeout_s=240, port=port),
        ):
            pass
    text = str(exc.value)
    assert "Last lines of its log" in text
    assert "address already in use" in text.lower() or "errno 98" in text.lower(), text
    log = Path(re.search(r"Last lines of its log \((.+?)\):", text).group(1))
    assert log.is_file()  # a server that did not start keeps the log the error names
    log.unlink()


def test_bad_store_is_a_clear_error(world, tmp_path):
    bad = tmp_path / "broken.db"
    bad.write_text("this is not a database\n" * 50)
    cfg_path = tmp_path / "metricwatch.yaml"
    cfg_path.write_text(yaml.safe_dump({"mlflow": {"tracking_uri": f"sqlite:///{bad}"}}))
    cfg = load_config(cfg_path)
    with pytest.raises(SourceError, match="broken.db"), mlflow_ui(cfg):
        pass


def test_no_browser_gives_skipped_items_with_the_exact_reason(world, monkeypatch, tmp_path):
    hide_browsers(tmp_path, monkeypatch)
    cfg = world["cfg"]
    report = capture_evidence(cfg, runs=load_runs(MlflowSource.of(cfg)), only="mlflow")
    assert report.items and report.browser is None
    for item in report.items:
        assert item.status == "skipped" and item.reason == NO_BROWSER
        assert not (Path(report.images_dir) / item.name).exists()
    manifest = json.loads(Path(report.manifest_path).read_text())
    assert manifest["images"] == []
    assert {m["reason"] for m in manifest["missing"]} == {NO_BROWSER}


def test_release_rows_are_highlighted_in_the_runs_list(captured):
    """Three release runs and one stray: three rows carry the highlight colour, not four."""
    from itertools import pairwise

    from PIL import Image

    shot = next(i for i in captured["report"].items if i.name == "mlflow_runs.png")
    with Image.open(shot.path) as img:
        rgb = img.convert("RGB")
        width, height = rgb.size
        pixels = rgb.load()
        marked = [
            y
            for y in range(height)
            if sum(pixels[x, y] == (255, 241, 184) for x in range(0, width, 4)) > 40
        ]
    rows = 1 + sum(1 for a, b in pairwise(marked) if b - a > 1)
    assert marked and rows == 3, (rows, len(marked))


def test_origin_of_normalises_scheme_and_host():
    assert origin_of("HTTP://127.0.0.1:5000/#/experiments/1") == "http://127.0.0.1:5000"
    assert origin_of("https://example.org/x?y=1") == "https://example.org"
