"""The `metricwatch` command line: one module per command, errors mapped to exit codes here only.

Exit codes: 0 ok, 1 a known error (clear message), 2 no verdict possible / already running,
3 an unexpected error (traceback written to a log file), 130 interrupted.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

import click
import typer
from rich.markup import escape

from metricwatch import __version__
from metricwatch.cli import commands
from metricwatch.cli.console import err_console
from metricwatch.errors import LockedError, MetricwatchError, SourceUnavailableError
from metricwatch.redact import scrub

try:  # typer ≥ 0.29 vendors click: its exceptions are not click's
    from typer._click import exceptions as _tclick
except ImportError:  # pragma: no cover - older typer uses click itself
    _tclick = click.exceptions  # type: ignore[misc]

_EXIT = (click.exceptions.Exit, typer.Exit)
_ABORT = (click.exceptions.Abort, typer.Abort, KeyboardInterrupt)
_USAGE = (click.ClickException, _tclick.ClickException)

app = typer.Typer(
    name="metricwatch",
    help="The SRE metrics-monitoring report for DVC + MLflow projects, and a watch on it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"metricwatch {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """KPIs, version integrity, reproducibility, drift, alerts and evidence for DVC + MLflow."""


commands.register_all(app)


def _write_crash_log() -> Path:
    fd, name = tempfile.mkstemp(prefix="metricwatch-crash-", suffix=".log")
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(scrub(traceback.format_exc()))
    return Path(name)


def main(argv: list[str] | None = None) -> int:
    # MLflow's artifact-download progress bars would interleave with ours on the terminal
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="metricwatch")
    except _EXIT as exc:
        return exc.exit_code
    except _ABORT:
        err_console.print("[red]interrupted[/red]")
        return 130
    except _USAGE as exc:
        exc.show()
        return exc.exit_code
    except LockedError as exc:
        err_console.print(
            f"[red]error:[/red] {escape(scrub(str(exc)))}", highlight=False, soft_wrap=True
        )
        return 2
    except SourceUnavailableError as exc:
        err_console.print(
            f"[red]error:[/red] {escape(scrub(str(exc)))}", highlight=False, soft_wrap=True
        )
        return 1
    except MetricwatchError as exc:
        err_console.print(
            f"[red]error:[/red] {escape(scrub(str(exc)))}", highlight=False, soft_wrap=True
        )
        return 1
    except Exception as exc:  # the last resort: say where the details went
        log = _write_crash_log()
        err_console.print(
            f"[red]unexpected error:[/red] {type(exc).__name__}: {escape(scrub(str(exc)))}\n"
            f"details in {escape(str(log))}; please report it with that file.",
            highlight=False,
        )
        return 3
    return rv if isinstance(rv, int) else 0


def entrypoint() -> None:
    sys.exit(main())
