"""The CLI's table titles and headers are the catalogue's (cli.* keys), worded in the CLI's
English: the report's timing table and the demo's releases table."""

from __future__ import annotations

from metricwatch.cli.demo_cmd import releases_table
from metricwatch.cli.report_cmd import timing_table
from metricwatch.demo import ReleaseInfo
from metricwatch.i18n import t


def test_the_timing_table_is_titled_from_the_catalogue() -> None:
    table = timing_table({"kpis": 1.25, "render": 30.0})
    assert table.title == t("cli.report.timing") == "Timing (s)"
    assert [c.header for c in table.columns] == ["stage", "seconds"]
    assert [list(c.cells) for c in table.columns] == [["kpis", "render"], ["1.2", "30.0"]]
    assert t("cli.report.timing", "es") == "Tiempos (s)"


def test_the_demo_releases_table_is_titled_from_the_catalogue() -> None:
    rel = ReleaseInfo(tag="v1.0.0", commit="c0ffee" * 7, run_id=None, stage=None, pushed=False)
    table = releases_table([rel])
    assert table.title == t("cli.demo.releases") == "Releases"
    assert [c.header for c in table.columns] == ["tag", "commit", "MLflow run", "stage", "dvc push"]
    assert [next(iter(c.cells)) for c in table.columns] == [
        "v1.0.0",
        "c0ffeec0",
        "— (never logged)",
        "—",
        "not done",
    ]
