"""Shared rich consoles: results to stdout, progress and messages to stderr."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.markup import escape

out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False)


def say_no_verdict(errors: Mapping[str, str], lead: str = "") -> None:
    """Say on stderr which parts could not be judged and why (the exit-2 message)."""
    err_console.print(
        f"{lead}[yellow]no verdict possible:[/yellow] "
        + escape("; ".join(f"{k}: {v}" for k, v in errors.items())),
        soft_wrap=True,
    )
