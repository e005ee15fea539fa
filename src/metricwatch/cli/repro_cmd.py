"""`metricwatch repro`: `dvc repro --force` in a clean clone at REV, outputs compared hash by hash.

Exit codes: 0 reproduced identically, 1 outputs differ / a stage failed / timed out (or a known
error), 2 no verdict possible (source data not available, DVC error). The table's headers and
marks and the lines under it are the catalogue's (cli.repro.*).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from metricwatch.parts.repro.model import ReproReport

from metricwatch.cli.console import err_console, out_console
from metricwatch.cli.options import ConfigOpt
from metricwatch.i18n import Lang, t

EXIT = {"identical": 0, "differ": 1, "failed": 1, "timed_out": 1, "unavailable": 2, "error": 2}
_STYLE = {"identical": "green", "differ": "red", "failed": "red", "timed_out": "red"}


def repro(
    config: Path | None = ConfigOpt,
    rev: str | None = typer.Option(
        None,
        "--rev",
        help="Tag, branch or commit (default: the newest matching tag with a dvc.yaml, else HEAD).",
    ),
    force: bool = typer.Option(False, "--force", help="Re-run even if a verdict is cached."),
    second_run: bool = typer.Option(
        False,
        "--second-run",
        help="When outputs differ, run again: non-deterministic stage or stale dvc.lock?",
    ),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> int:
    """Re-run the DVC pipeline at REV in a clean clone and compare every output with dvc.lock.

    Your work tree, git refs, DVC cache and remote are only read; the verdict is appended to the
    reproducibility log and cached per commit (use --force to re-run).
    """
    from metricwatch.config import load_config
    from metricwatch.parts.repro.collect import check_repro

    if fmt not in ("table", "json"):
        err_console.print(f"[red]error:[/red] --format must be table or json, not {fmt!r}")
        return 2
    cfg = load_config(config)
    with err_console.status("reproducing…") as status:

        def progress(msg: str) -> None:
            err_console.print(f"• {msg}")
            status.update(msg)

        report = check_repro(
            cfg, rev, force=force, second_run=True if second_run else None, progress=progress
        )
    if fmt == "json":
        out_console.print_json(json.dumps(report.model_dump(mode="json")))
    else:
        _print_table(report)
    return EXIT[report.verdict]


def _print_table(report: ReproReport) -> None:
    from rich.markup import escape
    from rich.table import Table

    from metricwatch.redact import scrub

    # tags, paths, stage names and DVC's messages are user text, not console markup
    table = Table(title=escape(f"{report.rev} ({report.commit[:12]})"), show_lines=False)
    for col in ("output", "stage", "committed", "fresh", "result"):
        table.add_column(t(f"cli.repro.col.{col}"), overflow="fold")
    for o in report.outputs:
        key, colour = ("same", "green") if o.match else ("differs", "red")
        if o.volatile:
            key, colour = "volatile", "yellow"
        mark = f"[{colour}]{t(f'cli.repro.{key}')}[/{colour}]"
        cells = [o.path, o.stage, (o.expected or "—")[:14], (o.actual or "—")[:14]]
        table.add_row(*map(escape, cells), mark)
    if report.outputs:
        out_console.print(table)
    style = _STYLE.get(report.verdict, "yellow")
    cached = f" [dim]{escape(t('cli.repro.cached'))}[/dim]" if report.cached else ""
    for line in volatile_lines(report):
        out_console.print(line, markup=False)
    out_console.print(f"[bold {style}]{escape(scrub(report.message))}[/bold {style}]{cached}")
    for line in note_lines(report):
        out_console.print(line, markup=False)
    err_console.print(f"log: {report.log_path}\ntranscript: {report.transcript_path}", markup=False)


def volatile_lines(report: ReproReport, lang: Lang = "en") -> list[str]:
    """The volatile keys that differ, committed → fresh."""
    return [
        t(
            "cli.repro.volatile_diff",
            lang,
            path=v.path,
            name=v.key,
            expected=v.expected,
            actual=v.actual,
        )
        for v in report.volatile_diffs
    ]


def note_lines(report: ReproReport, lang: Lang = "en") -> list[str]:
    """The verdict's notes (secrets scrubbed), undeclared inputs and environment notes; the notes
    are the result's own messages, worded in lang."""
    from metricwatch.i18n.words import wording
    from metricwatch.redact import scrub

    lines = [t("cli.repro.note", lang, text=scrub(n)) for n in wording(report.remarks, lang)]
    env = report.environment
    if env is not None:
        lines += [
            t("cli.repro.undeclared", lang, stage=u.stage, path=u.path, evidence=u.evidence)
            for u in env.undeclared_inputs
        ]
        lines += [t("cli.repro.environment", lang, text=n) for n in wording(env.remarks, lang)]
    return lines


def register(app: typer.Typer) -> None:
    app.command("repro")(repro)
