"""`metricwatch check`: evaluate every threshold rule and exit 0 / 1 / 2 for CI and schedulers.

Exit codes: 0 every rule passes (or breaches below --fail-on), 1 a rule at or above --fail-on
is breached, 2 no verdict possible (the runs or the release tags could not be read).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from metricwatch.cli.console import err_console, out_console, say_no_verdict
from metricwatch.cli.options import ConfigOpt

if TYPE_CHECKING:
    from metricwatch.pipeline.run import Outcome


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    junit = "junit"


class FailOn(StrEnum):
    warn = "warn"
    fail = "fail"


def check(
    config: Path | None = ConfigOpt,
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Lowest breached severity that makes the exit code 1."),
    ] = FailOn.fail,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output on stdout.")] = Format.table,
    notify: bool = typer.Option(
        False,
        "--notify",
        help="Tell the configured Slack / Teams / Alertmanager which breaches started, still "
        "fire (after alerts.repeat_interval) or were resolved.",
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="With --notify: print the alert payloads instead of posting; record no history.",
    ),
    repro: bool = typer.Option(
        False, "--repro", help="Include the reproducibility check (cached verdict per commit)."
    ),
    all_versions: bool = typer.Option(
        False, "--all-versions", help="Evaluate every version, not only the latest candidate."
    ),
    junit_xml: Annotated[
        Path | None, typer.Option("--junit-xml", help="Also write a JUnit XML report to this file.")
    ] = None,
) -> int:
    """Evaluate the thresholds on the latest candidate run; print the flags; exit 0/1/2."""
    from metricwatch.alerts.formats import to_json, to_junit, to_markdown
    from metricwatch.alerts.sinks import secret_env_vars
    from metricwatch.cli.check_table import print_flags
    from metricwatch.config import load_config
    from metricwatch.pipeline.check import run_check
    from metricwatch.redact import scrub

    cfg = load_config(config)
    secrets = secret_env_vars(cfg)
    with err_console.status("checking…") as status:
        run = run_check(
            cfg,
            repro=repro,
            scope="versions" if all_versions else "candidate",
            progress=lambda msg: status.update(f"{msg}…"),
        )
    code = run.exit_code(fail_on.value)
    common: dict[str, Any] = {"project": cfg.project_name, "errors": run.errors}
    if fmt is Format.json:
        text = to_json(run.flags, exit_code=code, fail_on=fail_on.value, **common)
        out_console.print(scrub(text, secrets), markup=False, end="\n")
    elif fmt is Format.markdown:
        text = to_markdown(run.flags, exit_code=code, lang=cfg.report.lang, **common)
        out_console.print(scrub(text, secrets), markup=False, end="")
    elif fmt is Format.junit:
        out_console.print(scrub(to_junit(run.flags, **common), secrets), markup=False, end="")
    else:
        print_flags(out_console, run.flags, run.errors, secrets)
    if junit_xml is not None:
        junit_xml.parent.mkdir(parents=True, exist_ok=True)
        junit_xml.write_text(scrub(to_junit(run.flags, **common), secrets), encoding="utf-8")
        err_console.print(f"JUnit report written to {escape(str(junit_xml))}", soft_wrap=True)
    if not dry_run:
        from metricwatch.pipeline.record import record_snapshot

        record_snapshot(cfg, run.result, run.flags, command="check", exit_code=code)
    if notify:
        from metricwatch.cli.alert_cmd import send_alerts

        send_alerts(cfg, run, dry_run=dry_run)  # a delivery failure never changes the exit code
    _say_verdict(code, fail_on.value, run)
    return code


def _say_verdict(code: int, fail_on: str, run: Outcome) -> None:
    breached = [f for f in run.flags if f.breached]
    names = escape(", ".join(f"{f.rule}{f' [{f.version}]' if f.version else ''}" for f in breached))
    if code == 1:
        err_console.print(
            f"[red]exit 1:[/red] breached at or above '{fail_on}': {names}", soft_wrap=True
        )
    elif code == 2:
        say_no_verdict(run.errors, lead="[yellow]exit 2:[/yellow] ")
    elif breached:
        err_console.print(
            f"[yellow]exit 0:[/yellow] breached below '{fail_on}': {names}", soft_wrap=True
        )
    else:
        err_console.print("[green]exit 0:[/green] every rule with data passes", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
