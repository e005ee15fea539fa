"""History is a part like the others, found through the registry: last in its section order
(numbered after the appendices), not in `check`, not essential; `--skip history` leaves its
section out while the run still records its snapshot; an unreadable database is a value in its
result, never an error or a flag. No project is needed: the tests collect through the pipeline
on an empty folder (the other parts are not asked for) and build no report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.configs import make_config

from metricwatch.config import Config
from metricwatch.parts import registry
from metricwatch.parts.history.model import HISTORY, HistoryReport
from metricwatch.pipeline.record import record_snapshot
from metricwatch.pipeline.run import run_pipeline
from metricwatch.report.notebook import as_html, section_names
from metricwatch.result import MonitoringResult
from metricwatch.sources.history_db.db import history_path


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    return make_config(tmp_path, report={"output": "out"})


def test_history_is_a_registered_part_that_never_sets_a_status() -> None:
    part = registry.get_part("history")
    assert part.key is HISTORY and registry.part_names()[-1] == "history"
    assert (part.essential, part.in_check) == (False, False)
    assert "history" not in registry.check_parts() and "history" in registry.skip_help()
    names = section_names()
    assert names[-2:] == ["history", "footer"]  # after the seed's eight sections
    assert names.index("history") == names.index("appendix_c") + 1


def test_skip_history_leaves_out_its_section_and_still_records(cfg: Config) -> None:
    skipped = run_pipeline(cfg, [], scope="versions").result  # `report --skip <every part>`
    assert skipped.get(HISTORY) is None and "History" not in as_html(skipped)
    first = record_snapshot(cfg, skipped, skipped.flags, command="report")
    assert first.snapshot_id == 1 and first.path == history_path(cfg)
    shown = run_pipeline(cfg, ["history"], scope="versions").result
    part = shown.get(HISTORY)
    assert part is not None and [s.id for s in part.stored] == [1]  # read through the part
    html = as_html(shown, ["history"])
    assert "9. History" in html and "Since the last render" in html


def test_a_corrupt_database_is_a_value_of_the_part_not_an_error(cfg: Config) -> None:
    path = history_path(cfg)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database" * 50)
    outcome = run_pipeline(cfg, ["history"], scope="versions")
    part = outcome.result.get(HISTORY)
    assert part is not None and part.problem == "corrupt" and str(path) in (part.detail or "")
    without = run_pipeline(cfg, [], scope="versions")  # the same run without the history part
    assert outcome.errors == {} and outcome.no_verdict == without.no_verdict
    assert [f.model_dump() for f in outcome.flags] == [f.model_dump() for f in without.flags]
    assert "history" not in {f.rule for f in outcome.flags}
    assert outcome.exit_code() == without.exit_code()
    assert path.read_bytes() == b"not a database" * 50


def test_an_older_metrics_json_with_history_data_still_reads_back(cfg: Config) -> None:
    """Before history was a part, `history` held the view the report showed; it reads back as
    the part (its stored renders unknown: the section then shows this render alone)."""
    result = run_pipeline(cfg, [], scope="versions").result
    data = json.loads(result.to_json())
    data["history"] = {"path": "h.sqlite", "enabled": True, "problem": None, "detail": None,
                       "view": {"points": [], "since_last": None}}  # fmt: skip
    again = MonitoringResult.model_validate(data)
    assert again.get(HISTORY) == HistoryReport(path="h.sqlite")
    assert "History starts with the next render" in as_html(again, ["history"])
