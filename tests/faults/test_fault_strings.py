"""Faults: hostile strings in run names, params, tags, column names and category values.

Each case plants HTML, a script, Markdown with a `javascript:` link and table pipes, a
10,000-character string and non-ASCII text (RTL, emoji, a combining mark) in one kind of place,
runs `metricwatch report` end to end, and parses the HTML: no element or attribute came from
the input, the plots' labels are escaped for plotly's own pseudo-HTML, the text is there as
text, and the long string is cut so tables fit.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from corpus import fault
from faultkit import edit_config, expect, html_text, norm, run_mw

pytestmark = pytest.mark.slow

HTML = '<img src=x onerror=alert(1)><script>alert("mw")</script>'
MARKDOWN = "**x** [l](javascript:alert(1)) | a | b |"
UNICODE = "עברית مرحبا 🚀 e\u0301 ñ"
LONG = UNICODE + " " + "L" * 10_000
REPORT_ONLY = ("--no-pdf", "--skip", "evidence", "--skip", "repro")

MLFLOW_STRINGS = fault(
    id="hostile-mlflow-run-names-params-tags",
    area="Input strings",
    fault="MLflow run names, params and a `version` tag hold HTML + `<script>`, Markdown with a "
    "`javascript:` link and `|` pipes, and 6,000–10,000 characters of RTL text, emoji and "
    "combining marks",
    command="metricwatch report",
    exit_code=0,
    says="HTML:",
    report=f"params differ: train.learning_rate: run {MARKDOWN} ≠ dvc.lock 0.08",
)
COLUMNS = fault(
    id="hostile-column-names-and-categories",
    area="Input strings",
    fault="The drift data's column names and category values hold HTML, Markdown and 10,000 "
    "characters of non-ASCII text",
    command="metricwatch report",
    exit_code=0,
    says="HTML:",
    report=f"{HTML} numeric",
)


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def assert_no_live_markup(html_path: Path) -> str:
    """No element or attribute from the input; plot labels escaped; returns the visible text."""
    raw = html_path.read_text(encoding="utf-8")
    parser = _Markup()
    parser.feed(raw)
    for tag, attrs in parser.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any(v.strip().lower().startswith("javascript:") for v in attrs.values())
        if tag == "img":
            assert attrs.get("class") in ("mw-evidence", "mw-figure-static"), attrs
        assert tag != "a" or not attrs.get("href", "").startswith(("javascript", "http")), attrs
    scripts = [a for t, a in parser.elements if t == "script"]
    plots = raw.count('class="plotly-graph-div"')
    assert len(scripts) == (1 + plots if plots else 0), "a <script> element came from the input"
    # plotly.js draws <b>, <br>, <a href> in titles and labels: user text must reach it escaped
    assert "\\u003cimg" not in raw and "\\u003cscript" not in raw
    text = html_text(html_path)
    assert not re.search(r"L{301}", text), "a 10,000-character string was not cut"
    return text


def _client(demo: Path):
    from mlflow.tracking import MlflowClient

    client = MlflowClient(f"sqlite:///{demo / 'mlflow.db'}")
    exp = client.get_experiment_by_name("student-performance")
    assert exp is not None
    runs = {r.data.tags.get("version"): r for r in client.search_runs([exp.experiment_id])}
    return client, exp.experiment_id, runs


def test_hostile_mlflow_strings_stay_text(demo_copy: Path, tmp_path: Path) -> None:
    client, exp_id, runs = _client(demo_copy)
    for version, name in zip(("v1.0.0", "v1.0.1", "v1.0.3"), (HTML, MARKDOWN, LONG), strict=True):
        client.update_run(runs[version].info.run_id, name=name)
    # a re-run of v1.0.2 (which had none) whose params are hostile, compared with dvc.lock
    rerun = client.create_run(exp_id, run_name="v1.0.2-rerun", tags={"version": "v1.0.2"})
    hostile = {"train.n_estimators": HTML, "train.learning_rate": MARKDOWN, "train.max_depth": LONG}
    for key, value in hostile.items():
        client.log_param(rerun.info.run_id, key, value)  # MLflow keeps the first 6,000 chars
    client.set_terminated(rerun.info.run_id)
    # a hostile version tag: the run becomes an orphan, its tag shown in tables and the trend
    client.set_tag(runs["v1.0.1"].info.run_id, "version", HTML)
    out = tmp_path / "out"
    run = run_mw("report", "-c", demo_copy / "metricwatch.yaml", "-o", out, *REPORT_ONLY,
                 "--skip", "drift")  # fmt: skip
    html = out / "metrics_monitoring.html"
    expect(MLFLOW_STRINGS, run, html=html)
    text = assert_no_live_markup(html)
    assert f"train.n_estimators: run {norm(HTML)} ≠ dvc.lock 50" in text
    assert f"student-performance {norm(HTML)}" in text  # the orphan run's version column
    assert f"{norm(HTML)} ★ baseline" in text  # the run names in the KPI table
    assert norm(MARKDOWN) in text
    assert f"{norm(UNICODE)} {'L' * 150}" in text and "characters cut]" in text


def _hostile_frames(n: int = 300) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(7)

    def frame(shift: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                HTML: rng.normal(shift, 1, n),
                MARKDOWN: rng.choice([HTML, MARKDOWN, "plain"], n),
                LONG: rng.normal(0, 1, n),
                UNICODE: rng.choice([UNICODE, LONG, "b"], n),
                "level": rng.integers(1, 4, n),
            }
        )

    return frame(0.0), frame(1.0)


def test_hostile_column_names_and_categories_stay_text(demo_copy: Path, tmp_path: Path) -> None:
    ref, cur = _hostile_frames()
    ref.to_csv(demo_copy / "reference.csv", index=False)
    cur.to_csv(demo_copy / "current.csv", index=False)
    cfg = edit_config(
        demo_copy / "metricwatch.yaml",
        drift={"reference": "reference.csv", "current": "current.csv"},
    )
    out = tmp_path / "out"
    run = run_mw("report", "-c", cfg, "-o", out, *REPORT_ONLY, "--skip", "kpis",
                 "--skip", "integrity")  # fmt: skip
    html = out / "metrics_monitoring.html"
    expect(COLUMNS, run, html=html)
    text = assert_no_live_markup(html)
    assert f"{norm(MARKDOWN)} categorical" in text
    assert f"{norm(UNICODE)} categorical" in text
    # column names and category values reach the plots (JSON in a <script>) escaped for plotly
    raw = html.read_text(encoding="utf-8")
    assert '"x":["&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;' in raw


MARKUP_IN_ERROR = fault(
    id="console-markup-in-an-error-message",
    area="Input strings",
    fault="A user string in an error message holds console markup (`[bold]`, `[/x]`): here the "
    "config file's name",
    command="metricwatch check",
    exit_code=1,
    says="error: [bold]mw.yaml: no such config file. Create one with `metricwatch init .`.",
)


def test_console_markup_in_an_error_message_is_printed_as_is(tmp_path: Path) -> None:
    # before the fix, "[bold]" vanished from the message and "[/x]" crashed the error printer
    run = run_mw("check", "-c", "[bold]mw.yaml", cwd=tmp_path, timeout=60)
    expect(MARKUP_IN_ERROR, run)
    closing = run_mw("check", "-c", "[/x]mw.yaml", cwd=tmp_path, timeout=60)
    assert closing.code == 1 and "Traceback" not in closing.err, closing.show()
    assert "error: [/x]mw.yaml: no such config file." in closing.text, closing.show()


MARKUP_IN_COLUMNS = fault(
    id="console-markup-in-column-names",
    area="Input strings",
    fault="The drift data's column names hold console markup (`[/x]`, `[bold]b`)",
    command="metricwatch drift",
    exit_code=0,
    says="│ [/x] │ numeric │",
)


def test_console_markup_in_column_names_is_printed_as_is(tmp_path: Path) -> None:
    # before the fix, "[/x]" crashed the drift table (exit 3) and "[bold]" vanished
    rng = np.random.default_rng(3)
    for name in ("reference.csv", "current.csv"):
        frame = pd.DataFrame(
            {"[/x]": rng.normal(size=200), "[bold]b": rng.choice(["[/y]", "q"], 200)}
        )
        frame.to_csv(tmp_path / name, index=False)
    cfg = tmp_path / "metricwatch.yaml"
    cfg.write_text("drift:\n  reference: reference.csv\n  current: current.csv\n", encoding="utf-8")
    run = run_mw("drift", "-c", cfg, cwd=tmp_path, timeout=120)
    expect(MARKUP_IN_COLUMNS, run)
    assert "│ [bold]b │ categorical │" in run.text, run.show()
