"""`metricwatch history`: the snapshots of a real database as JSON, CSV and a table; `--since`;
no database yet; a database it must not read."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from support.history_data import flag, snapshot

from metricwatch.cli import main
from metricwatch.sources.history_db.db import opened
from metricwatch.sources.history_db.store import write_snapshot


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "metricwatch.yaml"
    path.write_text(yaml.safe_dump({"report": {"output": "reports", "timezone": "Europe/Madrid"}}))
    return path


def fill(config: Path) -> Path:
    db_path = config.parent / "reports" / "history.sqlite"
    with opened(db_path, timeout_s=5, source=str(config), write=True) as db:
        write_snapshot(db, snapshot(0, tags={"v1.0.0": "ok", "v1.0.2": "fail"}, repro="identical",
                                    flags=[flag("integrity", "v1.0.2")]), keep=10)  # fmt: skip
        write_snapshot(db, snapshot(30, command="check", rmse=1.5, drift=None,
                                    flags=[flag("rmse", "v1.0.3"), flag("qwk", "v1.0.3", "pass")]),
                       keep=10)  # fmt: skip
    return db_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_every_snapshot(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = fill(config)
    code, out, err = run(capsys, "history", "-c", str(config), "--format", "json")
    assert code == 0 and f"2 snapshot(s) in {db}" in " ".join(err.split())
    first, second = json.loads(out)
    assert first == {
        "id": 1,
        "taken_at": "2026-03-02T09:00:00+00:00",
        "command": "report",
        "project": "demo",
        "commit": "c0ffee",
        "describe": "v1.0.3",
        "exit_code": None,
        "candidate": "v1.0.3",
        "kpis": {"rmse": 1.45, "qwk": None, "train_time_s": None, "drift_pct": None},
        "dataset_drift_pct": 20.0,
        "tags": {"v1.0.0": "ok", "v1.0.2": "fail"},
        "repro_verdict": "identical",
        "breaches": [{"rule": "integrity", "version": "v1.0.2", "severity": "fail"}],
        "missing_parts": ["evidence"],
        "timings": {"kpis": 1.5, "drift": 2.25},
        "tool_version": first["tool_version"],
    }
    assert second["command"] == "check" and second["tags"] is None
    assert second["breaches"] == [{"rule": "rmse", "version": "v1.0.3", "severity": "warn"}]


def test_since_csv_and_table(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(config)
    code, out, _ = run(capsys, "history", "-c", str(config), "-f", "csv", "--since", "2026-03-03")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["id"] for r in rows] == ["2"]
    assert rows[0]["rmse"] == "1.5" and rows[0]["dataset_drift_pct"] == ""
    assert rows[0]["breaches"] == "1" and rows[0]["tags_fail"] == ""
    code, out, _ = run(capsys, "history", "-c", str(config), "-f", "csv")
    first = next(csv.DictReader(io.StringIO(out)))
    assert (first["tags_ok"], first["tags_fail"], first["repro_verdict"]) == ("1", "1", "identical")
    assert (first["breaches"], first["breaches_fail"], first["commit"]) == ("1", "1", "c0ffee")


def test_table_in_the_report_timezone() -> None:
    from metricwatch.cli.history_format import table_cells

    cells = table_cells([snapshot(0, tags={"v1.0.0": "ok", "v1.0.2": "fail"}, repro="identical",
                                  flags=[flag("integrity", "v1.0.2")]).model_copy(update={"id": 1})],
                        "Europe/Madrid")  # fmt: skip
    assert cells == [["1", "2026-03-02 10:00 CET", "report", "v1.0.3", "1.45", "—", "20.0",
                      "1/0/1/0", "identical", "1 (1 fail)"]]  # fmt: skip


def test_no_database_yet_is_an_empty_list(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "history", "-c", str(config), "-f", "json")
    assert code == 0 and json.loads(out) == []
    assert "no history yet in" in err and "(every `metricwatch report` and `check` adds one)" in err
    assert not (config.parent / "reports").exists()  # reading never creates it


def test_a_corrupt_database_is_exit_1_naming_it(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = config.parent / "reports" / "history.sqlite"
    db.parent.mkdir()
    db.write_bytes(b"not sqlite at all" * 10)
    code, _, err = run(capsys, "history", "-c", str(config))
    assert code == 1
    assert f"history database {db} is not a readable SQLite database" in " ".join(err.split())


def test_output_reads_the_history_of_another_report_folder(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report --output DIR` records in DIR/history.sqlite; `history --output DIR` reads it."""
    moved = tmp_path / "elsewhere"
    fill(config).parent.rename(moved)
    code, out, err = run(capsys, "history", "-c", str(config), "-o", str(moved), "-f", "json")
    assert code == 0 and len(json.loads(out)) == 2
    assert f"2 snapshot(s) in {moved / 'history.sqlite'}" in " ".join(err.split())
