"""`metricwatch demo DIR`: build the embedded demo project (git + DVC + MLflow, four releases)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from metricwatch.cli.console import err_console, out_console

if TYPE_CHECKING:
    from rich.table import Table

    from metricwatch.demo import ReleaseInfo

DirArg = typer.Argument(..., metavar="DIR", help="Folder to build the demo in (new or empty).")
ForceOpt = typer.Option(False, "--force", help="Replace a demo built in DIR before.")


def demo(directory: Path = DirArg, force: bool = ForceOpt) -> int:
    """Build the demo project: releases v1.0.0..v1.0.3, a SQLite MLflow store, a DVC remote.

    DIR/project is the git + DVC repository, DIR/remote its DVC remote, DIR/mlflow.db the tracking store and DIR/metricwatch.yaml the config every metricwatch command can use.
    """
    from metricwatch.demo import build_demo

    err_console.print(f"Building the metricwatch demo in {directory} …")
    with err_console.status("starting", spinner="dots") as status:

        def progress(message: str) -> None:
            err_console.print(f"  [dim]·[/dim] {message}")
            status.update(message)

        info = build_demo(directory, force=force, progress=progress)

    out_console.print(releases_table(info.releases))
    out_console.print(
        f"project   {info.project}\n"
        f"remote    {info.remote}\n"
        f"tracking  {info.tracking_uri}\n"
        f"config    {info.config}\n"
        f"build log {info.log}"
    )
    err_console.print(
        f"[green]✓[/green] demo built in {info.duration_s:.0f} s; try "
        f"`metricwatch config check -c {info.config}`"
    )
    return 0


def releases_table(releases: Sequence[ReleaseInfo]) -> Table:
    """The demo's releases, titled and headed from the catalogue (cli.demo.*)."""
    from rich.table import Table

    from metricwatch.i18n import t

    table = Table(title=t("cli.demo.releases"), title_justify="left")
    for col in ("tag", "commit", "run", "stage", "push"):
        table.add_column(t(f"cli.demo.col.{col}"))
    for rel in releases:
        table.add_row(
            rel.tag,
            rel.commit[:8],
            rel.run_id or t("cli.demo.never_logged"),
            rel.stage or "—",
            t("cli.demo.pushed" if rel.pushed else "cli.demo.not_pushed"),
        )
    return table


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
