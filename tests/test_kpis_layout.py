"""The KPI table stays readable at any width: fewer columns, whole words, or one block per run."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from metricwatch.cli.kpis_layout import drop_empty, fit, widths

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


def test_columns_empty_in_every_row_are_left_out_and_named() -> None:
    headers, rows, dropped = drop_empty(HEADERS, ROWS, keep=("Date",))
    assert dropped == ["Version"] and "Version" not in headers
    assert all(len(r) == len(headers) for r in rows)
    assert drop_empty(HEADERS, [], keep=()) == (HEADERS, [], [])


@pytest.mark.parametrize("width", [200, 120, 80, 60, 40])
def test_every_value_is_shown_whole_within_the_width(width: int) -> None:
    headers, rows, _ = drop_empty(HEADERS, ROWS)
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
    headers, rows, _ = drop_empty(HEADERS, ROWS)
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
