"""`metricwatch history`: list the snapshots in the history database (oldest first).

Reads only: the database is opened read-only, never created, migrated or waited for. No database
yet is an empty list; a corrupt or newer one is exit 1 with the message naming the file. The
table's title and headers and the status line are the catalogue's (cli.history.*).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from metricwatch.cli.console import err_console, out_console
from metricwatch.cli.options import ConfigOpt
from metricwatch.i18n import Lang, t


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def history(
    config: Path | None = ConfigOpt,
    since: str | None = typer.Option(
        None,
        "--since",
        help="Only snapshots taken on/after this date (YYYY-MM-DD or ISO 8601; UTC if no zone).",
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Report folder whose history.sqlite to read, as given to `report --output` "
        "(default: report.output; history.path wins).",
    ),
) -> int:
    """List the snapshots every `report` and `check` recorded (KPIs, drift, tags, breaches)."""
    from rich.markup import escape
    from rich.table import Table

    from metricwatch.cli.history_format import table_cells, table_headers, to_csv, to_json
    from metricwatch.cli.kpis_cmd import _parse_since
    from metricwatch.config import load_config
    from metricwatch.report.build import with_output
    from metricwatch.sources.history_db.db import history_path, open_for
    from metricwatch.sources.history_db.queries import load_snapshots, snapshot_ids

    cfg = with_output(load_config(config, check_paths=False), output)
    when = _parse_since(since)
    path = history_path(cfg)
    snaps = []
    if path.exists():
        with open_for(cfg, write=False) as db, db.errors():
            snaps = load_snapshots(db.conn, snapshot_ids(db.conn, since=when))
    if fmt is Format.json:
        typer.echo(to_json(snaps))
    elif fmt is Format.csv:
        typer.echo(to_csv(snaps), nl=False)
    else:
        table = Table(title=escape(t("cli.history.title", path=path)), title_justify="left")
        for n, h in enumerate(table_headers()):
            table.add_column(h, no_wrap=n == 1)  # the time
        for cells in table_cells(snaps, cfg.report.timezone):
            table.add_row(*map(escape, cells))
        out_console.print(table)
    err_console.print(
        status_line(len(snaps) if path.exists() else None, escape(str(path))),
        highlight=False,
        soft_wrap=True,
    )
    return 0


def status_line(n: int | None, path: str, lang: Lang = "en") -> str:
    """What was read: n snapshots in path, or (n None) that there is no history there yet."""
    if n is None:
        return t("cli.history.empty", lang, path=path)
    return t("cli.history.count", lang, n=n, path=path)


def register(app: typer.Typer) -> None:
    app.command("history")(history)
