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
    for col in ("", "rule", "sev", "version", "run", "value", "threshold", "baseline", "outcome"):
        table.add_column(col, overflow="fold")
    table.add_column("message / action", overflow="fold")
    for f in flags:
        style = "red" if f.breached and f.severity == "fail" else _STYLE[f.outcome]
        if f.breached and f.severity == "warn":
            style = "yellow"
        note = f"{f.message} → {f.action}" if f.breached else (f.reason or f.message)
        table.add_row(
            icon(f),
            escape(f.rule),
            f.severity,
            escape(f.version or "—"),
            escape((f.run_id or "—")[:8]),
            escape(f.value_display),
            escape(f.threshold_display),
            f"{f.baseline:.4g}" if f.baseline is not None else "—",
            f"[{style}]{f.outcome}[/{style}]",
            escape(scrub(note, secrets)),
        )
    console.print(table)
    for part, why in errors.items():
        console.print(
            f"[yellow]not computed:[/yellow] {escape(part)}: {escape(scrub(why, secrets))}"
        )
