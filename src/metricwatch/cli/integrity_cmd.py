"""`metricwatch integrity`: every release tag ↔ its MLflow run ↔ its data on the DVC remote."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from metricwatch.cli.console import err_console, out_console
from metricwatch.cli.options import ConfigOpt
from metricwatch.vocab import ITEM_STATUSES, icon


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
    """Check each release tag: git tag, dvc.yaml + dvc.lock (or .dvc files), outputs on the DVC
    remote, the MLflow run tagged with the version, its commit, inputs, metrics and artifacts,
    its registered model version (integrity.registered_model) and training data (dataset
    inputs vs the tag's DVC hashes); GTO stage tags add a table of the version in each stage.
    Exit 2 (no verdict) when no tag matched or some checks could not be made (❓: tracking store
    or remote not there; the ❌ rows are still listed), else 1 when any tag is ❌, else 0."""
    from rich.markup import escape

    from metricwatch.cli import integrity_format as fmt_mod
    from metricwatch.config import load_config
    from metricwatch.errors import ConfigError
    from metricwatch.parts.integrity.collect import check_integrity

    cfg = load_config(config)
    pattern = tags if tags is not None else cfg.tags.pattern
    use_regex = regex if tags is not None else cfg.tags.regex
    try:
        runs_from = cfg.redacted_tracking_uri()
    except ConfigError:  # no tracking store: the git and DVC items are still checked
        runs_from = "nowhere (mlflow.tracking_uri is not set)"
    with err_console.status(
        f"checking tags {pattern!r} in {cfg.project_path} (remote {cfg.dvc.remote or 'default'}, "
        f"runs from {runs_from})…"
    ):
        rep = check_integrity(cfg, pattern=pattern, regex=use_regex)
    if fmt is Format.json:
        out_console.print_json(json.dumps(rep.model_dump(mode="json")))
    elif fmt is Format.markdown:
        out_console.print(fmt_mod.markdown(rep, cfg.report.lang), end="", markup=False)
    else:
        for table in fmt_mod.tables(out_console, rep):
            out_console.print(table, soft_wrap=False)
    for note in rep.notes:
        err_console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    counts = {s: sum(1 for t in rep.tags if t.verdict == s) for s in ITEM_STATUSES}
    err_console.print(
        f"{len(rep.tags)} tag(s): "
        + ", ".join(f"{counts[s]} {icon(s)}" for s in ITEM_STATUSES)
        + f"; {len(rep.orphans)} orphan run(s); {rep.duration_s:.1f} s",
        markup=False,
    )
    if not rep.tags:
        return 2  # no verdict: no tag matched (or the tags are not in this shallow clone)
    if rep.unknown:  # like `check`: a check that could not read its sources is incomplete
        err_console.print(
            f"exit 2: no verdict for {len(rep.unknown)} tag(s) ({', '.join(rep.unknown)}): "
            "some checks could not be made (❓ rows say why and what to do)",
            markup=False,
            soft_wrap=True,
        )
        return 2
    return 1 if rep.failed else 0


def register(app: typer.Typer) -> None:
    app.command("integrity")(integrity)
