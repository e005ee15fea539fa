"""The flags of a check as a rich table (the terminal view of `metricwatch check`)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from metricwatch.alerts.formats import icon
from metricwatch.redact import scrub
from metricwatch.rules import Flag

_STYLE = {"pass": "green", "breach": "red", "no data": "yellow", "no baseline": "yellow"}


def print_flags(
    console: Console, flags: list[Flag], errors: dict[str, str], secrets: list[str]
) -> None:
    table = Table(title="metricwatch check", show_lines=False)
    table.add_column("", no_wrap=True)
    for col in ("rule", "version", "run", "value", "threshold", "baseline", "outcome"):
        table.add_column(col, no_wrap=col != "threshold")
    table.add_column("message → action / reason", overflow="fold", min_width=30)
    for f in flags:
        style = "red" if f.breached and f.severity == "fail" else _STYLE[f.outcome]
        if f.breached and f.severity == "warn":
            style = "yellow"
        if f.breached:
            note = f"{f.message}" + (f": {f.reason}" if f.reason else "") + f" → {f.action}"
        else:
            note = f.reason or ("—" if f.outcome == "pass" else f.message)
        table.add_row(
            icon(f),
            escape(f.rule),
            escape(f.version or "—"),
            escape((f.run_id or "—")[:8]),
            escape(f.value_display),
            escape(f.threshold_display),
            f"{f.baseline:.4g}" if f.baseline is not None else "—",
            f"[{style}]{f.outcome} ({f.severity})[/{style}]",
            escape(scrub(note, secrets)),
        )
    if not console.is_terminal:  # logs and CI: wide enough to keep every column readable
        console = Console(file=console.file, width=max(console.width, 160), highlight=False)
    console.print(table)
    for part, why in errors.items():
        console.print(
            f"[yellow]not computed:[/yellow] {escape(part)}: {escape(scrub(why, secrets))}"
        )
