"""Pure parts of the renderer: parameters, HTML finalization, atomic writes, history, lock."""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
import yaml

from metricwatch.atomic import atomic_copy, atomic_write_bytes, publish, write_error_hint
from metricwatch.errors import LockedError, RenderError
from metricwatch.render import choose_renderer, default_build_dir, output_lock
from metricwatch.render.history import keep_history
from metricwatch.render.html import PLOTLY_SCRIPT_ID, csp_content, finalize_html, script_hashes
from metricwatch.render.parameters import check_parameters
from metricwatch.render.quarto_project import project_config
from metricwatch.render.report import _check_folders, _write_failed
from metricwatch.render.timing import StageTimer

REPO = Path(__file__).resolve().parents[1]


# --- parameters -------------------------------------------------------------------------
def test_parameters_json_typed_and_allow_listed() -> None:
    got = check_parameters(
        {"a": 1, "b": [1, 2.5, "x"], "c": {"k": None, "t": (1, 2)}, "d": True}, {"a", "b", "c", "d"}
    )
    assert got == {"a": 1, "b": [1, 2.5, "x"], "c": {"k": None, "t": [1, 2]}, "d": True}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"other": 1},
            "parameter 'other' is not accepted by nb.ipynb; allowed parameters: 1bad, a, api_token, b",
        ),
        ({"a": Path("/x")}, "parameter 'a' has type PosixPath"),
        ({"a": float("nan")}, "only finite numbers"),
        ({"a": {1: "x"}}, "non-string key 1"),
        ({"a": [object()]}, "parameter 'a'[0] has type object"),
        ({"api_token": "x"}, "looks like a secret"),
        ({"1bad": 1}, "is not a Python identifier"),
    ],
)
def test_parameters_rejected(params: dict, message: str) -> None:
    with pytest.raises(RenderError) as err:
        check_parameters(params, {"a", "api_token", "b", "1bad"}, "nb.ipynb")
    assert message in str(err.value)


# --- HTML finalization ------------------------------------------------------------------
PAGE = """<!DOCTYPE html><html><head><title>t</title>
<script src="https://cdn.plot.ly/plotly-3.0.1.min.js"></script>
<script src="//cdnjs.cloudflare.com/require.js"></script>
<link rel="stylesheet" href="https://fonts.example.org/x.css">
</head><body><div class="plotly-graph-div" id="p1"></div><p>&lt;b&gt;</p></body></html>"""


def test_finalize_html_locks_down_and_inlines_plotly_once() -> None:
    out = finalize_html(PAGE)
    assert 'http-equiv="Content-Security-Policy"' in out
    assert "default-src 'none'" in out and "'unsafe-inline' " not in out.split("style-src")[0]
    # the only script allowed is the page's own plotly.js, by its SHA-256
    js = re.search(rf'<script id="{PLOTLY_SCRIPT_ID}">(.*?)</script>', out, flags=re.S)
    assert js is not None
    digest = base64.b64encode(hashlib.sha256(js.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}';" in out
    rest = re.sub(rf'<script id="{PLOTLY_SCRIPT_ID}">.*?</script>', "", out, flags=re.S)
    assert "cdn.plot.ly" not in rest and "require.js" not in rest and "fonts.example" not in rest
    assert not re.search(r"<(script|link)[^>]*(src|href)=", rest)
    assert out.count(f'id="{PLOTLY_SCRIPT_ID}"') == 1
    # idempotent: finalizing twice keeps one CSP and one plotly.js
    again = finalize_html(out)
    assert again.count("Content-Security-Policy") == 1
    assert again.count(f'id="{PLOTLY_SCRIPT_ID}"') == 1
    assert again.index("Content-Security-Policy") < again.index(PLOTLY_SCRIPT_ID)


def test_script_hashes_follow_the_html_parser() -> None:
    page = '<script>a()\r\nb()</script><script type="x" src="data:,1"></script><script >a()\nb()</script >'
    expected = base64.b64encode(hashlib.sha256(b"a()\nb()").digest()).decode()
    assert script_hashes(page) == [f"'sha256-{expected}'"]  # CRLF read as LF; src skipped; deduped
    assert "'unsafe-inline' data:" in csp_content(data_resources=True)  # Quarto's own pages


def test_finalize_html_without_figures_has_no_plotly() -> None:
    out = finalize_html("<html><head></head><body><p>x</p></body></html>")
    assert PLOTLY_SCRIPT_ID not in out and "mw-style" in out
    assert "script-src 'none';" in out  # no script on the page: none may run
    with pytest.raises(ValueError, match="no <head>"):
        finalize_html("<p>fragment</p>")


# --- atomic writes and history ----------------------------------------------------------
def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    dest = tmp_path / "out" / "r.html"
    atomic_write_bytes(dest, b"one")
    atomic_write_bytes(dest, b"two")
    assert dest.read_bytes() == b"two"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["r.html"]


def test_atomic_copy_failure_keeps_previous(tmp_path: Path) -> None:
    dest = tmp_path / "r.pdf"
    dest.write_bytes(b"previous")
    with pytest.raises(FileNotFoundError):
        atomic_copy(tmp_path / "missing.pdf", dest)
    assert dest.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


def _report_set(tmp_path: Path) -> tuple[Path, Path, list[tuple[Path, Path]]]:
    build, out = tmp_path / "build", tmp_path / "out"
    build.mkdir()
    out.mkdir()
    pairs = []
    for name in ("r.html", "r.pdf", "metrics.json"):
        (build / name).write_text(f"new {name}")
        (out / name).write_text(f"old {name}")
        pairs.append((build / name, out / name))
    return build, out, pairs


def test_publish_changes_the_folder_only_by_the_final_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build, out, pairs = _report_set(tmp_path)
    seen: list[dict[str, str]] = []
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if not seen:  # a kill before the first rename leaves exactly this folder
            seen.append({p.name: p.read_text() for p in out.iterdir()})
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    assert publish(pairs, build / "publish") == [d for _, d in pairs]
    assert seen == [{n: f"old {n}" for n in ("r.html", "r.pdf", "metrics.json")}]
    assert {p.name: p.read_text() for p in out.iterdir()} == {
        n: f"new {n}" for n in ("r.html", "r.pdf", "metrics.json")
    }
    assert list((build / "publish").iterdir()) == []


def test_publish_failure_keeps_every_previous_file(tmp_path: Path) -> None:
    build, out, pairs = _report_set(tmp_path)
    (build / "r.pdf").unlink()  # the second file cannot be staged
    with pytest.raises(FileNotFoundError):
        publish(pairs, build / "publish")
    assert {p.name: p.read_text() for p in out.iterdir()} == {
        n: f"old {n}" for n in ("r.html", "r.pdf", "metrics.json")
    }
    assert list((build / "publish").iterdir()) == []


def test_publish_to_another_filesystem_leaves_no_temp(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a second filesystem (/dev/shm)")
    _, out, pairs = _report_set(tmp_path)
    with tempfile.TemporaryDirectory(dir=shm) as staging:
        publish(pairs, Path(staging))
        assert list(Path(staging).iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "r.html", "r.pdf"]
    assert (out / "r.html").read_text() == "new r.html"
    assert (out / "r.html").stat().st_mode & 0o777 == 0o644


def test_temps_of_a_killed_run_are_removed_by_the_next_write(tmp_path: Path) -> None:
    dest = tmp_path / "m.prom"
    stale, fresh = tmp_path / ".m.prom.dead.tmp", tmp_path / ".m.prom.busy.tmp"
    stale.write_text("half")
    fresh.write_text("another writer at work")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    atomic_write_bytes(dest, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".m.prom.busy.tmp", "m.prom"]


def test_write_error_hints_say_what_to_do() -> None:
    assert "free space" in write_error_hint(OSError(errno.ENOSPC, "No space left on device"))
    assert "ulimit -f" in write_error_hint(OSError(errno.EFBIG, "File too large"))
    assert "writable" in write_error_hint(OSError(errno.EACCES, "Permission denied"))


def test_disk_full_in_the_build_folder_names_it_and_keeps_the_report(tmp_path: Path) -> None:
    err = OSError(errno.ENOSPC, "No space left on device")
    err.filename = str(tmp_path / "build" / "r.html")
    assert _write_failed(err, tmp_path / "out", tmp_path / "build") == (
        f"cannot write {tmp_path / 'build' / 'r.html'} (the build folder): No space left on "
        "device. To fix: free space on that disk (or raise the quota), or point XDG_CACHE_HOME "
        f"at a disk with room (the build folder lives under it). The report in {tmp_path / 'out'} "
        "was not changed."
    )


def test_history_copies_into_dated_folder(tmp_path: Path) -> None:
    f = tmp_path / "metrics_monitoring.html"
    f.write_text("v1")
    copies = keep_history([f], tmp_path, day=date(2026, 1, 31))
    assert copies == [tmp_path / "history" / "2026-01-31" / "metrics_monitoring.html"]
    assert copies[0].read_text() == "v1"


# --- lock -------------------------------------------------------------------------------
def test_lock_held_by_another_process(tmp_path: Path) -> None:
    holder = textwrap.dedent(
        f"""
        import sys, time
        from metricwatch.render.lock import output_lock
        with output_lock({str(tmp_path)!r}):
            print("locked", flush=True)
            sys.stdin.readline()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(LockedError) as err, output_lock(tmp_path):
            pass
        assert str(err.value).startswith(
            f"another metricwatch report is already running for {tmp_path.resolve()} (pid {proc.pid})"
        )
    finally:
        proc.communicate("\n", timeout=30)
    with output_lock(tmp_path):  # released when the holder exits
        pass


def test_second_report_on_a_locked_folder_is_refused(tmp_path: Path) -> None:
    from metricwatch.render import render_report

    holder = (
        "import sys\nfrom metricwatch.render.lock import output_lock\n"
        f"with output_lock({str(tmp_path / 'reports')!r}):\n"
        "    print('locked', flush=True)\n    sys.stdin.readline()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        nb = tmp_path / "nb.ipynb"
        nb.write_text("{}")
        with pytest.raises(LockedError, match=rf"\(pid {proc.pid}\)"):
            render_report([nb], output_dir=tmp_path / "reports", renderer="builtin")
    finally:
        proc.communicate("\n", timeout=30)
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [".metricwatch.lock"]


def test_lock_is_taken_once_even_in_process(tmp_path: Path) -> None:
    with output_lock(tmp_path) as held:
        assert held == tmp_path.resolve() / ".metricwatch.lock"
        assert held.read_text().strip() == str(os.getpid())
        with pytest.raises(LockedError, match=rf"\(pid {os.getpid()}\)"), output_lock(tmp_path):
            pass
    with output_lock(tmp_path):  # released by the first holder
        pass


# --- timing, renderer choice, folders, quarto config ------------------------------------
def test_stage_timer_records_failed_stages() -> None:
    started: list[str] = []
    timer = StageTimer(on_start=started.append)
    with timer.stage("a"):
        time.sleep(0.01)
    with pytest.raises(KeyError), timer.stage("b"):
        raise KeyError("x")
    assert started == ["a", "b"]
    assert set(timer.as_dict()) == {"a", "b"} and timer.as_dict()["a"] >= 0.01
    rows = timer.table().columns[2]._cells
    assert rows[:2] == ["✓", "✗"]


def test_choose_renderer() -> None:
    with pytest.raises(
        RenderError, match="unknown renderer 'pdfkit'; valid: auto, quarto, builtin"
    ):
        choose_renderer("pdfkit")
    assert choose_renderer("builtin") == "builtin"
    if not any((Path(d) / "quarto").exists() for d in os.environ.get("PATH", "").split(":")):
        assert choose_renderer("auto") == "builtin"
        with pytest.raises(RenderError, match="quarto.org"):
            choose_renderer("quarto")


def test_build_folder_must_be_outside_output(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="must not contain each other"):
        _check_folders(tmp_path / "reports" / "build", tmp_path / "reports")
    _check_folders(tmp_path / "build", tmp_path / "reports")
    d = default_build_dir(tmp_path / "reports")
    assert not d.resolve().is_relative_to((tmp_path / "reports").resolve())
    assert d == default_build_dir(tmp_path / "reports")


def test_top_level_quarto_project_matches_the_packaged_one() -> None:
    top = yaml.safe_load((REPO / "_quarto.yml").read_text())
    packaged = project_config()
    assert top["execute"] == packaged["execute"]
    assert top["format"] == packaged["format"]
    assert top["execute"]["enabled"] is False
    assert packaged["format"]["typst"]["papersize"] == "a4"
    assert packaged["format"]["html"]["embed-resources"] is True


# --- the notebook and folder Quarto renders ------------------------------------------------
def test_quarto_project_folder_has_no_dot_component(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from metricwatch.render.quarto_project import hidden_component, project_parent

    hidden = tmp_path / ".hidden"
    (hidden / "tmp").mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(hidden / "tmp"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(hidden / "cache"))
    monkeypatch.setenv("HOME", str(hidden / "home"))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    assert hidden_component(hidden / "tmp") == ".hidden"
    assert hidden_component(default_build_dir(tmp_path / "reports")) == ".hidden"
    parent = project_parent()
    assert hidden_component(parent) is None
    assert not parent.is_relative_to(hidden)
    # a symlink to a dot-folder is seen through
    (tmp_path / "plain").symlink_to(hidden / "tmp")
    assert hidden_component(tmp_path / "plain") == ".hidden"


def test_quarto_reads_no_html_output() -> None:
    from metricwatch.render.quarto_project import quarto_output

    def out(**data: str) -> dict:
        return {"output_type": "display_data", "metadata": {}, "data": data}

    both = out(**{"text/markdown": "## A", "text/html": "<h2>A</h2>", "text/plain": "A"})
    assert quarto_output(both)["data"] == {"text/markdown": "## A", "text/plain": "A"}
    figure = out(
        **{"text/html": "<div>plot</div>", "image/png": "iVBO", "application/javascript": "x"}
    )
    assert quarto_output(figure)["data"] == {"image/png": "iVBO"}
    table = out(**{"text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "1"})
    assert quarto_output(table)["data"] == {
        "text/markdown": "```{=html}\n<table><tr><td>1</td></tr></table>\n```",
        "text/plain": "1",
    }
    stream = {"output_type": "stream", "name": "stdout", "text": "<b>x</b>"}
    assert quarto_output(stream) == stream


def test_quarto_project_has_the_settings_and_a_title_cell(tmp_path: Path) -> None:
    import nbformat

    from metricwatch.render.quarto_project import prepare_project

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": "<p>x</p>"})]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "r.ipynb")
    target = prepare_project(
        tmp_path / "r.ipynb", tmp_path / "q", title='A "quoted" <title>', lang="es"
    )
    assert yaml.safe_load((tmp_path / "q" / "_quarto.yml").read_text()) == project_config()
    first, second = nbformat.read(target, as_version=4).cells
    # Pandoc reads the title as Markdown: its punctuation is escaped to stay plain text
    assert first.cell_type == "raw"
    assert yaml.safe_load(first.source.strip("-\n")) == {
        "title": 'A \\"quoted\\" \\<title\\>',
        "lang": "es",
    }
    assert second.outputs[0]["data"] == {"text/markdown": "```{=html}\n<p>x</p>\n```"}
    assert project_config()["execute"]["enabled"] is False
    links = project_config()["format"]["html"]["format-links"]
    assert links == ["html", {"format": "typst", "text": "PDF"}]


def test_markdown_fences_and_lines_hold_any_text() -> None:
    from metricwatch.doc import markdown as md

    assert md.raw_html("<p>```</p>") == "````{=html}\n<p>```</p>\n````"
    assert md.code("x = 1", "py thon") == "```python\nx = 1\n```"
    # blank lines dropped, indentation kept as no-break spaces, trailing spaces removed
    assert md.literal_lines("  a  \n\n b*") == "\u00a0\u00a0a\\\n\u00a0b\\*"
    assert md.attribute(' say "hi" \\ ') == '"say \\"hi\\" \\\\"'
