"""`metricwatch integrity`: every release tag ↔ its MLflow run ↔ its data on the DVC remote."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from metricwatch.cli.console import err_console, out_console

ConfigOpt = typer.Option(
    None, "--config", "-c", help="Path of metricwatch.yaml (default: ./metricwatch.yaml)."
)


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


TagsOpt = typer.Option(
    None, "--tags", "-t", help="Tag pattern (glob like 'v*'; default: tags.pattern)."
)
RegexOpt = typer.Option(False, "--regex", help="Treat --tags as a regular expression.")
FormatOpt = typer.Option(Format.table, "--format", "-f", help="Output format.")


def integrity(
    config: Path | None = ConfigOpt,
    tags: str | None = TagsOpt,
    regex: bool = RegexOpt,
    fmt: Format = FormatOpt,
) -> int:
    """Check each release tag: git tag, dvc.yaml + dvc.lock, outputs on the DVC remote, the MLflow
    run tagged with the version, its commit, inputs, metrics and artifacts. Exit 1 when any tag is ❌,
    2 when no tag matched (no verdict; e.g. a shallow clone without its tags)."""
    from rich.markup import escape

    from metricwatch.checks.integrity import check_integrity
    from metricwatch.cli import integrity_format as fmt_mod
    from metricwatch.config import load_config

    cfg = load_config(config)
    pattern = tags if tags is not None else cfg.tags.pattern
    use_regex = regex if tags is not None else cfg.tags.regex
    with err_console.status(
        f"checking tags {pattern!r} in {cfg.project_path} (remote {cfg.dvc.remote or 'default'}, "
        f"runs from {cfg.redacted_tracking_uri()})…"
    ):
        rep = check_integrity(cfg, pattern=pattern, regex=use_regex)
    if fmt is Format.json:
        out_console.print_json(json.dumps(rep.model_dump(mode="json")))
    elif fmt is Format.markdown:
        out_console.print(fmt_mod.markdown(rep, cfg.report.lang), end="", markup=False)
    else:
        out_console.print(fmt_mod.correspondence_table(rep))
        out_console.print(fmt_mod.checklist_table(rep))
        if rep.orphans:
            out_console.print(fmt_mod.orphans_table(rep))
    for note in rep.notes:
        err_console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    failed = rep.failed
    counts = {s: sum(1 for t in rep.tags if t.status == s) for s in ("ok", "warn", "fail")}
    err_console.print(
        f"{len(rep.tags)} tag(s): {counts['ok']} ✅, {counts['warn']} ⚠, {counts['fail']} ❌; "
        f"{len(rep.orphans)} orphan run(s); {rep.duration_s:.1f} s",
        markup=False,
    )
    if not rep.tags:
        return 2  # no verdict: no tag matched (or the tags are not in this shallow clone)
    return 1 if failed else 0


def register(app: typer.Typer) -> None:
    app.command("integrity")(integrity)
