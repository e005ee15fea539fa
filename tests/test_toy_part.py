"""A part added as one folder (tests/toy_part) plus one registry line shows up everywhere the
registry feeds: collect, the rules (its status rule breaches), the report's sections (numbered
after the built-in ones, its table in the HTML), `--skip` and `check`'s parts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from toy_part.model import TOY, ToyReport
from toy_part.part import PART
from typer.testing import CliRunner

from metricwatch.config import Config, parse_config
from metricwatch.parts import registry
from metricwatch.pipeline.collect import collect
from metricwatch.pipeline.run import run_pipeline
from metricwatch.report.notebook import as_html, section_names
from metricwatch.result import MonitoringResult


@pytest.fixture
def toy() -> Iterator[None]:
    registry.register(PART)
    try:
        yield
    finally:
        registry.unregister(PART.name)


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    (tmp_path / "lamps.txt").write_text("hall lit\nporch broken\n", encoding="utf-8")
    return parse_config({}, str(tmp_path / "metricwatch.yaml"), tmp_path)


def test_collect_keeps_the_toy_result_typed_through_json(toy: None, cfg: Config) -> None:
    result = collect(cfg, ["toy"])
    assert result.get(TOY) == ToyReport(lamps={"hall": "lit", "porch": "broken"})
    assert result.errors == {} and set(result.timings) == {"toy"}
    again = MonitoringResult.model_validate_json(result.to_json())
    assert again.get(TOY) == result.get(TOY)


def test_its_status_rule_breaches_and_fails_the_check(toy: None, cfg: Config) -> None:
    outcome = run_pipeline(cfg, ["toy"])
    toy_flags = {f.version: f for f in outcome.flags if f.rule == "toy"}
    assert {v: f.outcome for v, f in toy_flags.items()} == {"hall": "pass", "porch": "breach"}
    assert toy_flags["porch"].reason == "porch is broken"
    assert toy_flags["porch"].severity == "fail"
    assert outcome.exit_code() == 1


def test_a_failing_toy_is_an_honest_no_data_row(toy: None, cfg: Config) -> None:
    (cfg.project_path / "lamps.txt").unlink()
    outcome = run_pipeline(cfg, ["toy"])
    assert "lamps.txt does not exist" in outcome.result.errors["toy"]
    (flag,) = [f for f in outcome.flags if f.rule == "toy"]
    assert flag.outcome == "no data" and "lamps.txt does not exist" in flag.reason


def test_the_report_numbers_its_section_after_the_builtin_ones(toy: None, cfg: Config) -> None:
    names = section_names()
    assert names.index("toy") == names.index("evidence") + 1
    html = as_html(run_pipeline(cfg, ["toy"], scope="versions").result)
    assert "6. Lamps" in html and "7. Appendix A" in html
    assert "<td>porch</td><td>broken</td>" in html.replace("\n", "")


def test_skip_and_check_list_it(toy: None, cfg: Config) -> None:
    from metricwatch.cli import app

    assert "toy" in registry.check_parts()
    shown = CliRunner().invoke(app, ["report", "--help"])
    words = " ".join(shown.output.replace("│", " ").split())  # the help as wrapped by rich
    assert "Parts to leave out: kpis, integrity, repro, drift, evidence, history, toy." in words
    bad = CliRunner().invoke(app, ["report", "--skip", "lamp"])
    assert "valid: kpis, integrity, repro, drift, evidence, history, toy" in str(bad.exception)


def test_without_the_fixture_it_is_gone() -> None:
    assert "toy" not in registry.part_names()
    assert "toy" not in section_names()
