"""Terminal images from transcripts (real Chromium), and how they are named."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from support.repos import commit_all, init_repo

from metricwatch.config import load_config
from metricwatch.hashing import file_sha256
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import said
from metricwatch.parts.evidence.browser import launch_browser
from metricwatch.parts.evidence.capture import capture_evidence
from metricwatch.parts.evidence.images import png_stats
from metricwatch.parts.evidence.terminal import entry_text, plain, render_terminal
from metricwatch.parts.evidence.terminal_plan import repro_name, status_name
from metricwatch.parts.repro.model import ReproReport
from metricwatch.transcript import Transcript, TranscriptEntry

GREEN = "\x1b[32m"
RESET = "\x1b[0m"


def entry(*command: str, stdout: str = "", code: int | None = 0, **kw) -> TranscriptEntry:
    return TranscriptEntry(
        command=list(command),
        cwd="/tmp/clone",
        started_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        duration_s=kw.pop("duration_s", 1.5),
        exit_code=code,
        stdout=stdout,
        **kw,
    )


REPRO_OUT = (
    "Running stage 'prepare':\n> python src/prepare.py\n"
    f"{GREEN}Updating lock file 'dvc.lock'{RESET}\n"
    "Running stage 'train':\n> python src/train.py <model> & \"quotes\"\n"
    f"Use `dvc push` to send your updates to remote storage.\n"
)


def test_entry_text_has_prompt_output_and_ending():
    text = entry_text(entry("dvc", "repro", stdout=REPRO_OUT))
    lines = plain(text).splitlines()
    assert lines[0] == "$ dvc repro"
    assert lines[-1] == "[exit code 0, 1.5 s]"
    assert "Updating lock file 'dvc.lock'" in lines
    timed = entry_text(entry("dvc", "repro", code=None, timed_out=True, duration_s=900))
    assert timed.endswith("[killed after 900 s: timed out]")


def test_secrets_never_reach_the_terminal_text(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-very-secret")
    text = entry_text(entry("dvc", "push", stdout="using key wJalrXUtnFEMI-very-secret\n"))
    assert "wJalrXUtnFEMI-very-secret" not in text and "***" in text


@pytest.mark.parametrize(
    ("verdict", "name"),
    [("identical", "dvc_repro_ok.png"), ("differ", "dvc_repro_differ.png"),
     ("failed", "dvc_repro_failed.png"), ("timed_out", "dvc_repro_timed_out.png")],
)  # fmt: skip
def test_repro_image_is_named_for_what_it_shows(verdict, name):
    assert repro_name(verdict) == name


def test_status_image_is_named_for_what_it_shows():
    clean = entry("dvc", "status", stdout="Data and pipelines are up to date.\n")
    changed = entry("dvc", "status", stdout="train:\n\tchanged outs:\n\t\tmodified: model.pkl\n")
    broken = entry("dvc", "status", stdout="ERROR: unexpected error\n", code=255)
    assert status_name(clean) == "dvc_status_clean.png"
    assert status_name(changed) == "dvc_status_changed.png"
    assert status_name(broken) == "dvc_status_failed.png"


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory):
    """Captures here store reusable evidence in a private cache, not the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(scope="module")
def browser():
    with launch_browser(None, 60) as b:
        yield b


@pytest.mark.browser
@pytest.mark.slow
def test_terminal_png_keeps_ansi_colours_and_the_exact_text(browser, tmp_path):
    e = entry("dvc", "repro", stdout=REPRO_OUT + "<script>alert(1)</script>\n")
    out = tmp_path / "dvc_repro_ok.png"
    shown = render_terminal(browser, e, out, title="dvc repro")
    assert shown == plain(entry_text(e))  # the page held exactly the captured text
    assert "<script>alert(1)</script>" in shown  # escaped: shown as text, not run
    width, height, stddev = png_stats(out)
    assert width >= 600 and height >= 150 and stddev > 5
    from PIL import Image

    with Image.open(out) as img:
        rgb = img.convert("RGB")
        pixels = list(rgb.getdata())
    greenish = sum(1 for r, g, b in pixels if g > 120 and g > r + 40 and g > b + 40)
    assert greenish > 50, "the ANSI green line was not rendered in colour"


@pytest.mark.browser
@pytest.mark.slow
def test_terminal_capture_from_a_failed_repro(tmp_path):
    repo = init_repo(tmp_path / "project", with_dvc=False)
    (repo / "README").write_text("x")
    commit_all(repo, "first", tag="v1.0.0")
    cfg_file = tmp_path / "metricwatch.yaml"
    cfg_file.write_text(yaml.safe_dump({"project": {"path": "project"}}))
    cfg = load_config(cfg_file)
    imgs = cfg.output_dir / "imgs"
    imgs.mkdir(parents=True)
    (imgs / "dvc_repro_ok.png").write_bytes(b"stale evidence from an older run")
    transcript = Transcript(
        entries=[
            entry("dvc", "repro", stdout="Running stage 'train':\nERROR: failed to reproduce 'train'\n", code=255),
            entry("dvc", "status", stdout="train:\n\tchanged outs:\n\t\tdeleted: model.pkl\n"),
        ]
    )  # fmt: skip
    report = ReproReport(
        rev="v1.0.0", commit="0" * 40, verdict="failed",
        verdict_why=msg("repro.verdict.failed", stage="train", code=1),
        why=[said("repro.verdict.failed", stage="train", code=1)],
        transcript=transcript, checked_at=datetime.now(UTC), duration_s=3.0,
    )  # fmt: skip
    git_dir_before = file_sha256(repo / ".git" / "index")
    ev = capture_evidence(cfg, repro=report, only="terminal")
    names = {i.name: i for i in ev.items}
    assert "dvc_repro_ok.png" not in names and not (imgs / "dvc_repro_ok.png").exists()
    assert names["dvc_repro_failed.png"].status == "ok"
    assert names["dvc_status_changed.png"].status == "ok"
    assert "dvc_status_clean.png" not in names
    tag = names["git_tag.png"]
    assert tag.status == "ok" and tag.source == "git tag -n"
    for item in ev.items:
        if item.status == "ok":
            w, h, sd = png_stats(Path(item.path))
            assert w >= 600 and h >= 80 and sd > 5, item.name
    manifest = json.loads(Path(ev.manifest_path).read_text())
    assert {i["file"] for i in manifest["images"]} >= {"dvc_repro_failed.png", "git_tag.png"}
    assert file_sha256(repo / ".git" / "index") == git_dir_before


@pytest.mark.browser
@pytest.mark.slow
def test_a_check_stopped_before_dvc_repro_shows_the_failing_command(browser, tmp_path):
    from metricwatch.parts.evidence.session import Session
    from metricwatch.parts.evidence.terminal_plan import terminal_items

    cfg_file = tmp_path / "metricwatch.yaml"
    cfg_file.write_text(yaml.safe_dump({"project": {"path": "."}}))
    cfg = load_config(cfg_file)
    session = Session(cfg, tmp_path, lambda _m: None)
    session.images_dir.mkdir(parents=True)
    session.browser = browser
    pull = entry(
        "dvc", "pull", code=1,
        stdout="\x1b[31mERROR\x1b[39m: failed to pull data from the cloud\n",
    )  # fmt: skip
    report = ReproReport(
        rev="v1.0.3", commit="1" * 40, verdict="unavailable",
        verdict_why=msg("repro.verdict.unavailable", path="data/current/batch.csv"),
        why=[], transcript=Transcript(entries=[entry("git", "clone"), pull]),
        checked_at=datetime.now(UTC), duration_s=5.0,
    )  # fmt: skip
    terminal_items(session, report, None)
    items = {i.name: i for i in session.items if i.kind == "terminal"}
    assert items["dvc_pull_unavailable.png"].status == "ok"
    assert (session.images_dir / "dvc_pull_unavailable.png").is_file()
    assert items["dvc_status.png"].status == "skipped"  # neutral name: nothing to show
    assert not any(n.endswith(("_ok.png", "_clean.png")) for n in items)
