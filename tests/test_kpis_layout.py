"""The KPI table stays readable at any width: fewer columns, whole words, or one block per run."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from metricwatch.doc.table import Cell, Column
from metricwatch.doc.table import Table as DocTable
from metricwatch.doc.table_rich import fit, to_rich, widths

HEADERS = ["Date", "Run name", "Run ID", "Version", "RMSE", "QWK", "Params hash", "Status"]
ROWS = [
    ["2026-12-06 11:22 UTC", "Ridge", "0e01a474", "—", "0.406083", "0.851064", "8a8cf58969de",
     "FINISHED"],
    ["2026-12-06 11:23 UTC", "GradientBoostingRegressor", "72b54796", "—", "0.542199",
     "0.721793", "28131c611514", "FINISHED"],
]  # fmt: skip


def render(width: int, headers: list[str], rows: list[list[str]]) -> tuple[object, str]:
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    out = fit(console, "KPIs", headers, rows, no_wrap=("Date", "Run ID"), lead=("Run name",))
    console.print(out, soft_wrap=False)
    return out, console.file.getvalue()  # type: ignore[attr-defined]


def drop_empty(headers: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    table, _ = DocTable(headers, rows).without_empty()
    return table.headers(), table.texts()


def test_columns_empty_in_every_row_are_left_out_and_named() -> None:
    table, dropped = DocTable(HEADERS, ROWS).without_empty(keep=("Date",))
    assert dropped == ["Version"] and "Version" not in table.headers()
    assert all(len(r) == len(table.headers()) for r in table.texts())
    empty, none = DocTable(HEADERS, []).without_empty()
    assert (empty.headers(), empty.texts(), none) == (HEADERS, [], [])
    assert DocTable(HEADERS, [["", "—"] * 4]).without_empty(keep=("Date",))[0].headers() == ["Date"]


def test_the_model_renders_with_its_columns_strong_rows_and_statuses() -> None:
    cols = [Column("Date", key="date", no_wrap=True), Column("Run name", key="run_name")]
    rows = [["2026-12-06 11:22 UTC", Cell("Ridge", status="fail")], ["2026-12-06 11:23 UTC", "B"]]
    table = DocTable(cols, rows, strong=frozenset({1}))
    console = Console(width=200, file=io.StringIO(), color_system="truecolor")
    out = to_rich(console, "KPIs", table, lead=("run_name",))
    assert isinstance(out, Table)
    assert [c.header.plain for c in out.columns] == ["Date", "Run name"]  # type: ignore[union-attr]
    assert out.columns[1]._cells[0].style == "red"  # type: ignore[attr-defined]
    assert out.rows[1].style == "bold" and out.rows[0].style is None
    narrow = to_rich(Console(width=20, file=io.StringIO()), "KPIs", table, lead=("run_name",))
    console.print(narrow)
    assert not isinstance(narrow, Table)  # one block per run, led by its name
    assert console.file.getvalue().splitlines()[1].startswith("Ridge")  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [200, 120, 80, 60, 40])
def test_every_value_is_shown_whole_within_the_width(width: int) -> None:
    headers, rows = drop_empty(HEADERS, ROWS)
    _, text = render(width, headers, rows)
    lines = text.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    assert "…" not in text
    flat = " ".join(text.split())
    for row in rows:
        for cell in row:
            for word in cell.split():  # never broken inside a word, a number or an id
                assert word in text, (word, text)
            if width < 200 and not isinstance(render(width, headers, rows)[0], Table):
                assert cell in flat  # one block per run: "header: value" pairs


def test_a_table_when_it_fits_one_block_per_run_when_it_does_not() -> None:
    headers, rows = drop_empty(HEADERS, ROWS)
    wide, _ = render(200, headers, rows)
    assert isinstance(wide, Table)
    narrow, text = render(80, headers, rows)
    assert not isinstance(narrow, Table)
    assert "GradientBoostingRegressor" in text and "RMSE: 0.542199 · QWK: 0.721793" in " ".join(
        text.split()
    )


def test_widths_keep_each_column_at_its_longest_word() -> None:
    headers = ["Run name", "Train time (s)"]
    rows = [["a long run name", "12.5"]]
    assert widths(headers, rows, 200) is None  # natural widths fit
    sized = widths(headers, rows, 3 * 2 + 1 + 4 + 5)  # just the longest words
    assert sized == [4, 5]
    assert widths(headers, rows, 3 * 2 + 1 + 8) is False
