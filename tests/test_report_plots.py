"""Appendix B draws dvc.yaml's plots at the baseline tag and the newest release, and the
efficiency table has the demo's system metrics (the session's demo, tests/conftest.py).

Each test builds the section's blocks from a collected result and renders their HTML (no full
report): the KPI part and the plots are collected once for the module, by the pipeline.
"""

from __future__ import annotations

import ast
import csv
import io
import subprocess
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.session_cache import private_copy

from metricwatch.config import Config, load_config
from metricwatch.doc.blocks import Code, Figure, Notice
from metricwatch.doc.table import Table
from metricwatch.i18n import Lang
from metricwatch.parts.kpis.collect import KPIS, KpiReport
from metricwatch.parts.kpis.section import efficiency_blocks
from metricwatch.pipeline.plots import collect_plots, plots_across
from metricwatch.pipeline.run import run_pipeline
from metricwatch.render.figures import figure_bundle
from metricwatch.report.notebook import as_html, section_blocks
from metricwatch.result import MonitoringResult
from metricwatch.runfacts import ReportMeta, dvc_declared
from metricwatch.sources.dvc_plots import PlotsAcross

pytestmark = pytest.mark.slow
PLOT = "reports/plots/confusion.csv"


@pytest.fixture(scope="module")
def cfg(demo_dir: Path) -> Config:
    return load_config(demo_dir / "metricwatch.yaml")


@pytest.fixture(scope="module")
def collected(cfg: Config) -> MonitoringResult:
    """The KPI part and the plots, as `metricwatch report` collects them."""
    return run_pipeline(cfg, ["kpis"], scope="versions", plots=True).result


@pytest.fixture(scope="module")
def kpis(collected: MonitoringResult) -> KpiReport:
    kpis = collected.get(KPIS)
    assert kpis is not None, collected.errors
    return kpis


@pytest.fixture(scope="module")
def across(collected: MonitoringResult) -> PlotsAcross:
    assert collected.plots is not None
    return collected.plots


def result_of(cfg: Config, kpis: KpiReport, plots: PlotsAcross, lang: Lang) -> MonitoringResult:
    """A result as the notebook reads it: through its JSON (image bytes, reason codes)."""
    meta = ReportMeta(
        project=cfg.project_name,
        project_path=str(cfg.project_path),
        generated_at=datetime(2026, 1, 2, tzinfo=UTC),
        lang=lang,
        dvc_declared=dvc_declared(cfg.project_path),
    )
    result = MonitoringResult(meta=meta, parts={"kpis": kpis}, plots=plots)
    return MonitoringResult.model_validate_json(result.to_json())


def figures_html(result: MonitoringResult) -> tuple[list[Figure], str]:
    """Appendix B's figures, and its HTML with each figure's interactive form."""
    blocks = section_blocks(result, "appendix_b")
    figures = [b for b in blocks if isinstance(b, Figure)]
    html = [figure_bundle(f.figure, static=False, alt=f.alt)["text/html"] for f in figures]
    return figures, as_html(result, ["appendix_b"]) + "\n".join(html)


def confusion_at(cfg: Config, tag: str) -> Counter[tuple[str, str]]:
    """(actual, predicted) → count of the demo's confusion table at tag, read with git."""
    out = subprocess.run(
        ["git", "-C", str(cfg.project_path), "show", f"{tag}:{PLOT}"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return Counter((r["actual"], r["predicted"]) for r in csv.DictReader(io.StringIO(out.stdout)))


def cells(heatmap) -> Counter[tuple[str, str]]:
    return Counter(
        {(a, p): int(v) for p, row in zip(heatmap.y, heatmap.z, strict=True)
         for a, v in zip(heatmap.x, row, strict=True) if v}
    )  # fmt: skip


def test_confusion_matrices_of_the_baseline_and_the_newest_release(
    cfg: Config, kpis: KpiReport, across: PlotsAcross
) -> None:
    assert ([r.rev for r in across.revs], across.roles) == (
        ["v1.0.0", "v1.0.3"],
        ["baseline", "newest"],
    )
    figures, html = figures_html(result_of(cfg, kpis, across, "en"))
    assert len(figures) == 1  # the demo declares one plot
    fig = figures[0].figure
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert [cells(h) for h in heatmaps] == [
        confusion_at(cfg, "v1.0.0"),
        confusion_at(cfg, "v1.0.3"),
    ]
    assert [sum(cells(h).values()) for h in heatmaps] == [1000, 1000]  # the test split
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0].startswith("<b>v1.0.0 (baseline)</b>")
    assert titles[1].startswith("<b>v1.0.3 (newest release)</b>")
    assert "Plots: the baseline vs the newest release" in html
    assert "`dvc plots diff v1.0.0 v1.0.3`" in html.replace("<code>", "`").replace("</code>", "`")
    assert figures[0].alt == f"{PLOT}: v1.0.0 (baseline) and v1.0.3 (newest release) side by side"
    assert "v1.0.3 (newest release)" in html and "mw-figure" in html


def test_spanish_captions(cfg: Config, kpis: KpiReport, across: PlotsAcross) -> None:
    figures, html = figures_html(result_of(cfg, kpis, across, "es"))
    titles = [a.text for a in figures[0].figure.layout.annotations]
    assert titles[1].startswith("<b>v1.0.3 (release más reciente)</b>")
    assert "Plots: el baseline frente a la release más reciente" in html


def test_a_tag_without_the_plot_file_and_a_missing_tag_say_why(
    demo_dir: Path, tmp_path: Path, kpis: KpiReport
) -> None:
    copy = private_copy(demo_dir, tmp_path / "demo")
    project = copy / "project"
    first = subprocess.run(
        ["git", "-C", str(project), "rev-list", "--max-parents=0", "HEAD"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip
    subprocess.run(["git", "-C", str(project), "tag", "v0.9.0", first], check=True, timeout=60)
    cfg = load_config(copy / "metricwatch.yaml")
    early = plots_across(cfg, "v0.9.0", "v1.0.3")  # the scaffold: dvc.yaml, no table yet
    figures, html = figures_html(result_of(cfg, kpis, early, "en"))
    fig = figures[0].figure
    assert [t.type for t in fig.data] == ["heatmap"]  # v1.0.3 only
    assert f"{PLOT} does not exist at v0.9.0" in fig.layout.annotations[0].text
    assert "does not exist at v0.9.0" in html  # the figure's caption, drawn (JSON escapes /)
    _, html_es = figures_html(result_of(cfg, kpis, early, "es"))
    assert "confusion.csv no existe en v0.9.0" in html_es
    gone = plots_across(cfg, "v0.8", "v1.0.3")
    blocks = section_blocks(result_of(cfg, kpis, gone, "en"), "appendix_b")
    notices = [b.text for b in blocks if isinstance(b, Notice)]
    assert notices == ["revision 'v0.8' does not exist (no such tag, branch or commit)"]


def test_no_baseline_tag_says_why(cfg: Config, kpis: KpiReport) -> None:
    rows = [r.model_copy(update={"version": None}) if r.is_baseline else r for r in kpis.rows]
    untagged = kpis.model_copy(update={"rows": rows})
    why = collect_plots(cfg, {"kpis": untagged})
    base = next(r for r in kpis.rows if r.is_baseline)
    assert why.revs == [] and why.reason_in("en") == (
        f"The plots are not drawn: the baseline run {base.run_id_short} has no version tag "
        "naming its git tag."
    )
    assert collect_plots(cfg, {}).why == "no_kpis"
    none = cfg.model_copy(update={"tags": cfg.tags.model_copy(update={"pattern": "release-*"})})
    assert collect_plots(none, {"kpis": kpis}).reason_in("en") == (
        "The plots are not drawn: no release tag matches tags.pattern release-*."
    )
    blocks = section_blocks(result_of(cfg, kpis, why, "es"), "appendix_b")
    assert [b.text for b in blocks if isinstance(b, Notice)] == [why.reason_in("es")]


def test_the_efficiency_table_has_peak_memory_and_cpu(kpis: KpiReport, cfg: Config) -> None:
    result = MonitoringResult(
        meta=ReportMeta(project="demo", project_path=".", generated_at=datetime.now(UTC)),
        parts={"kpis": kpis},
    )
    (table,) = [b for b in efficiency_blocks(result, "en") if isinstance(b, Table)]
    memory = table.headers().index("peak memory (MB)")
    cpu = table.headers().index("CPU % (peak)")
    by_version = {row[0]: row for row in table.texts()}
    assert set(by_version) == {"v1.0.0", "v1.0.1", "v1.0.3"}  # v1.0.2 logged no run
    for version, row in by_version.items():
        assert float(row[memory]) > 0, version  # whole MB of the machine's memory in use
        assert 0 < float(row[cpu]) <= 100, version  # the machine's CPU use, psutil


def test_the_instrumentation_snippet_turns_system_metrics_on(
    cfg: Config, kpis: KpiReport, across: PlotsAcross
) -> None:
    blocks = section_blocks(result_of(cfg, kpis, across, "en"), "appendix_a")
    (code,) = [b for b in blocks if isinstance(b, Code)]
    ast.parse(code.text)  # the snippet runs as it is shown
    assert "mlflow.start_run(log_system_metrics=True)" in code.text
    assert "mlflow.set_system_metrics_sampling_interval(1)" in code.text
