"""The one table model: columns, rows of cells (a value, an optional status that colours it, an
optional note), footnotes, and the rows shown strong (the baseline run). A part builds each of
its tables once as a `Table`; the report (doc.table_html, a block of its section), the CLI
(doc.table_rich) and the exports (doc.table_text: CSV, Markdown) render that same table, so they
agree. Cells hold plain text: every renderer escapes it for its format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from metricwatch.doc import markdown as md
from metricwatch.doc import table_html
from metricwatch.doc.html import clip
from metricwatch.vocab import icon

Align = Literal["left", "right", "center"]
EMPTY = ("", "—")  # what an empty cell shows


@dataclass(frozen=True)
class Cell:
    text: str = ""
    status: str | None = None  # a vocab.Status: colours the cell (HTML class mw-<status>, rich)
    note: str = ""  # said on hover in HTML (a breached rule, the full id); not the value
    css: str = ""  # an extra HTML class ("mw-baseline")


def cell(value: object) -> Cell:
    """A value as a cell: a Cell as it is, None as an empty cell, anything else as its text."""
    if isinstance(value, Cell):
        return value
    return Cell("" if value is None else str(value))


def status_badge(status: str, text: str = "") -> Cell:
    """A status cell: its glyph from the vocabulary, then the text."""
    return Cell(f"{icon(status)} {text}".strip(), status=status)


@dataclass(frozen=True)
class Column:
    header: str
    key: str = ""  # what views select the column by (default: its header)
    align: Align = "left"
    no_wrap: bool = False  # a value that must stay whole in a narrow terminal (dates, ids)

    @property
    def id(self) -> str:
        return self.key or self.header


def _column(value: str | Column) -> Column:
    return value if isinstance(value, Column) else Column(value)


@dataclass(frozen=True)
class Table:
    """A table block: `columns` are headers or `Column`s, `rows` hold values or `Cell`s (both
    normalized on construction); `strong` indexes rows shown bold; `notes` follow the table."""

    columns: Sequence[str | Column]
    rows: Sequence[Sequence[object]]
    css: str = "mw-table"
    notes: Sequence[str] = ()
    strong: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "columns", tuple(_column(c) for c in self.columns))
        set_(self, "rows", tuple(tuple(cell(v) for v in row) for row in self.rows))
        set_(self, "notes", tuple(self.notes))
        set_(self, "strong", frozenset(self.strong))

    @property
    def cols(self) -> tuple[Column, ...]:
        return tuple(_column(c) for c in self.columns)

    @property
    def cells(self) -> tuple[tuple[Cell, ...], ...]:
        return tuple(tuple(cell(v) for v in row) for row in self.rows)

    def headers(self) -> list[str]:
        return [c.header for c in self.cols]

    def texts(self) -> list[list[str]]:
        """Every row as the texts it shows."""
        return [[c.text for c in row] for row in self.cells]

    def select(self, keys: Iterable[str]) -> Table:
        """The same table with only the columns named (by key), in the order named."""
        ids = [c.id for c in self.cols]
        wanted = [ids.index(k) for k in keys if k in ids]
        return Table(
            [self.cols[i] for i in wanted],
            [[row[i] for i in wanted] for row in self.cells],
            self.css,
            self.notes,
            self.strong,
        )

    def without_empty(self, keep: Sequence[str] = ()) -> tuple[Table, list[str]]:
        """The table without the columns empty in every row (except those keyed in `keep`),
        and the headers it left out. A table without rows keeps every column."""
        if not self.rows:
            return self, []
        texts = self.texts()
        wanted = [
            c.id
            for i, c in enumerate(self.cols)
            if c.id in keep or any(r[i] not in EMPTY for r in texts)
        ]
        dropped = [c.header for c in self.cols if c.id not in wanted]
        return self.select(wanted), dropped

    def html(self) -> str:
        return table_html.to_html(self)

    def markdown(self) -> str:
        # raw HTML, which Quarto reads into a real table for every format; the column widths
        # make Typst wrap the table within the page instead of running past its margin
        widths = table_html.column_widths(self)
        return md.raw_html(table_html.to_html(self, widths=widths))

    def plain(self) -> str:
        lines = [self.headers(), *self.texts()]
        return "\n".join("\t".join(clip(c) for c in line) for line in lines)
