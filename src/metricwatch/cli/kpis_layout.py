"""Tables that stay readable in any terminal width: fewer columns, wrapping, or one record per block.

Columns empty in every row are left out (and named once). The rest is a rich table when every
column fits at its narrowest readable width (a wrapped header, whole numbers and ids); otherwise,
e.g. in an 80-column terminal, each row becomes a block: a lead line, then `header: value` pairs
that wrap at spaces. Cells are plain text, never console markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

EMPTY = ("", "—")


def drop_empty(
    headers: list[str], rows: list[list[str]], keep: Sequence[str] = ()
) -> tuple[list[str], list[list[str]], list[str]]:
    """(headers, rows) without the columns empty in every row (except `keep`), and their names."""
    if not rows:
        return headers, rows, []
    wanted = [i for i, h in enumerate(headers) if h in keep or any(r[i] not in EMPTY for r in rows)]
    dropped = [h for i, h in enumerate(headers) if i not in wanted]
    return [headers[i] for i in wanted], [[r[i] for i in wanted] for r in rows], dropped


def _bounds(headers: list[str], rows: list[list[str]], no_wrap: Sequence[str]):
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


def _table(
    title: str, headers: list[str], rows: list[list[str]], sizes: list[int] | None, bold: set[int]
) -> Table:
    table = Table(title=Text(title), title_justify="left")
    for n, h in enumerate(headers):
        table.add_column(Text(h), width=sizes[n] if sizes else None)
    for n, row in enumerate(rows):
        table.add_row(*map(Text, row), style="bold" if n in bold else None)
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
) -> RenderableType:
    """A table if it fits the console without breaking a word, else one block per row."""
    bold = bold or set()
    sizes = widths(headers, rows, console.width, no_wrap)
    if sizes is False:
        return _records(title, headers, rows, lead or headers[:1], bold)
    return _table(title, headers, rows, sizes if isinstance(sizes, list) else None, bold)
