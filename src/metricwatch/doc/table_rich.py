"""A `doc.table.Table` for the terminal (rich), readable in any width: wrapping, or one record
per block.

`to_rich` leaves out the columns empty in every row (the caller names them once, see
`Table.without_empty`). The rest is a rich table when every column fits at its narrowest readable
width (a wrapped header, whole numbers and ids); otherwise, e.g. in an 80-column terminal, each row
becomes a block: a lead line, then `header: value` pairs that wrap at spaces. Cells are plain
text, never console markup; a cell's status colours it (vocab.STYLE), strong rows are bold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from metricwatch.vocab import STYLE

if TYPE_CHECKING:
    from metricwatch.doc.table import Table as DocTable


def _bounds(
    headers: list[str], rows: list[list[str]], no_wrap: Sequence[str]
) -> tuple[list[int], list[int]]:
    """Per column: (narrowest readable width, natural width). Narrowest = the longest word (the
    whole text for no_wrap columns): a column never breaks a word or ends in "…"."""
    mins, maxs = [], []
    for i, h in enumerate(headers):
        texts = [h, *(r[i] for r in rows)]
        maxs.append(max(cell_len(t) for t in texts))
        words = [w for t in texts for w in (t.split() if h not in no_wrap else [t])]
        mins.append(max((cell_len(w) for w in words), default=1))
    return mins, maxs


def widths(
    headers: list[str], rows: list[list[str]], width: int, no_wrap: Sequence[str] = ()
) -> list[int] | bool | None:
    """Column widths that fit `width` without breaking a word: None when the natural widths fit,
    False when even the narrowest readable widths do not."""
    mins, maxs = _bounds(headers, rows, no_wrap)
    room = width - (3 * len(headers) + 1)  # borders and one space of padding on each side
    if sum(maxs) <= room:
        return None
    if sum(mins) > room:
        return False
    extra, slack = room - sum(mins), sum(maxs) - sum(mins)
    return [lo + (extra * (hi - lo)) // slack for lo, hi in zip(mins, maxs, strict=True)]


Styles = Sequence[Sequence[str]]  # a rich style per cell ("" for none)


def _table(
    title: str,
    headers: list[str],
    rows: list[list[str]],
    sizes: list[int] | None,
    bold: set[int],
    styles: Styles,
    lines: bool = False,
) -> Table:
    """sizes None: rich sizes the columns and folds what does not fit."""
    table = Table(title=Text(title), title_justify="left", show_lines=lines)
    for n, h in enumerate(headers):
        table.add_column(Text(h), width=sizes[n] if sizes else None, overflow="fold")
    for n, row in enumerate(rows):
        cells = [Text(c, style=styles[n][i] if styles else "") for i, c in enumerate(row)]
        table.add_row(*cells, style="bold" if n in bold else None)
    return table


def _records(
    title: str, headers: list[str], rows: list[list[str]], lead: Sequence[str], bold: set[int]
) -> Group:
    lead_idx = [headers.index(h) for h in lead if h in headers]
    blocks: list[RenderableType] = [Text(title, style="italic")]
    for n, row in enumerate(rows):
        first = Text(
            "  ".join(row[i] for i in lead_idx if row[i]), style="bold" if n in bold else ""
        )
        pairs = [f"{h}: {row[i]}" for i, h in enumerate(headers) if i not in lead_idx]
        blocks += [first, Padding(Text(" · ".join(pairs)), (0, 0, 0, 2), expand=False)]
    return Group(*blocks)


def fit(
    console: Console,
    title: str,
    headers: list[str],
    rows: list[list[str]],
    *,
    no_wrap: Sequence[str] = (),
    lead: Sequence[str] = (),
    bold: set[int] | None = None,
    styles: Styles = (),
) -> RenderableType:
    """A table if it fits the console without breaking a word, else one block per row."""
    bold = bold or set()
    sizes = widths(headers, rows, console.width, no_wrap)
    if sizes is False:
        return _records(title, headers, rows, lead or headers[:1], bold)
    return _table(title, headers, rows, sizes if isinstance(sizes, list) else None, bold, styles)


def to_rich(
    console: Console,
    title: str,
    table: DocTable,
    *,
    lead: Sequence[str] = (),
    records: bool = True,
    lines: bool = False,
) -> RenderableType:
    """The table for the console: fitted (one block per row when it cannot fit; `lead`: the keys
    of the columns that lead a block), or with `records=False` a rich table whose widest
    columns fold (`lines`: a rule between rows)."""
    heads = {c.id: c.header for c in table.cols}
    headers, rows, bold = table.headers(), table.texts(), set(table.strong)
    styles = [[STYLE.get(c.status or "", "") for c in row] for row in table.cells]
    if not records:
        return _table(title, headers, rows, None, bold, styles, lines)
    return fit(
        console,
        title,
        headers,
        rows,
        no_wrap=[c.header for c in table.cols if c.no_wrap],
        lead=[heads[k] for k in lead if k in heads],
        bold=bold,
        styles=styles,
    )
