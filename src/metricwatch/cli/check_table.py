"""The flags of a check in the terminal: the thresholds table (rules_table.py, the same as the
report's), then the parts that could not be computed."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from metricwatch.doc.table_rich import to_rich
from metricwatch.redact import scrub
from metricwatch.rules_model import Flag
from metricwatch.rules_table import flags_table


def print_flags(
    console: Console, flags: list[Flag], errors: dict[str, str], secrets: list[str]
) -> None:
    table = flags_table(flags, "en", view="cli", secret_vars=secrets)
    if not console.is_terminal:  # logs and CI: wide enough to keep every column readable
        console = Console(file=console.file, width=max(console.width, 160), highlight=False)
    console.print(to_rich(console, "metricwatch check", table, records=False))
    for part, why in errors.items():
        console.print(
            f"[yellow]not computed:[/yellow] {escape(part)}: {escape(scrub(why, secrets))}"
        )
