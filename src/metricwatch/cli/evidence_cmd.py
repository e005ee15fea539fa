"""`metricwatch evidence`: screenshots of the MLflow UI and terminal images into <output>/imgs/.

Exit codes: 0 every image captured, 1 some image failed or was skipped (each with its reason).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from metricwatch.cli.console import err_console, out_console
from metricwatch.cli.options import ConfigOpt

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_MARK = {"ok": "[green]✓[/green]", "failed": "[red]✗[/red]", "skipped": "[yellow]–[/yellow]"}


def evidence(
    config: Path | None = ConfigOpt,
    only: str | None = typer.Option(
        None, "--only", help="mlflow (UI screenshots) or terminal (dvc repro/status, git tag)."
    ),
    rev: str | None = typer.Option(
        None, "--rev", help="Revision for the reproducibility transcript (default: newest tag)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Re-run reproducibility and re-capture even if cached."
    ),
) -> int:
    """Capture the evidence images and reports/imgs/manifest.json (SHA-256, URL, time, version).

    The MLflow pages come from your tracking server, or from a temporary local `mlflow server`
    on 127.0.0.1 for a file/SQLite store (stopped afterwards). The terminal images render the
    reproducibility check's transcript (a cached verdict is reused unless --force). Images of
    an earlier capture whose inputs are all unchanged are reused unless --force.
    """
    from metricwatch.config import load_config
    from metricwatch.parts.evidence.capture import capture_evidence
    from metricwatch.parts.evidence.model import EVIDENCE_PARTS
    from metricwatch.redact import scrub

    if only is not None and only not in EVIDENCE_PARTS:
        raise typer.BadParameter(f"--only must be one of {', '.join(EVIDENCE_PARTS)}, not {only!r}")
    cfg = load_config(config)
    with err_console.status("capturing evidence…") as status:

        def progress(msg: str) -> None:
            err_console.print(f"• {msg}")
            status.update(msg)

        repro = None
        if only != "mlflow":
            from metricwatch.errors import MetricwatchError
            from metricwatch.parts.repro.collect import check_repro

            progress("reproducibility check (for the terminal images)")
            try:
                repro = check_repro(cfg, rev, force=force, progress=progress)
            except MetricwatchError as exc:
                err_console.print(f"[yellow]reproducibility check unavailable:[/yellow] {exc}")
        report = capture_evidence(cfg, repro=repro, only=only, force=force, progress=progress)
    for item in report.items:
        where = item.path if item.status == "ok" else scrub(item.reason or "")
        out_console.print(f"{_MARK[item.status]} {item.name}: {where}")
    for note in report.notes:
        err_console.print(f"note: {scrub(note)}")
    server = f" (MLflow {report.mlflow_version})" if report.mlflow_version else ""
    if report.reused:
        err_console.print(
            f"reused the images captured {report.captured_at:%Y-%m-%d %H:%M:%S} UTC "
            "(their inputs are unchanged; --force captures again)"
        )
    elif report.reuse_note:
        err_console.print(f"note: {scrub(report.reuse_note)}")
    err_console.print(
        f"{len(report.ok)}/{len(report.items)} images in {report.images_dir}{server}, "
        f"manifest {report.manifest_path}, {report.duration_s:.0f} s"
    )
    return 0 if not report.missing else 1


def missing_lines(result: MonitoringResult) -> list[str]:
    """One line per evidence image a report lacks, with the reason (`metricwatch report`)."""
    from metricwatch.parts.evidence.model import EVIDENCE
    from metricwatch.redact import scrub

    evidence = result.get(EVIDENCE)
    lines = []
    for item in evidence.missing if evidence else []:
        reason = scrub(item.reason or "no reason given")
        if not reason.startswith(f"{item.name}:"):
            reason = f"{item.name}: {reason}"
        lines.append(reason if item.status == "failed" else f"{item.status}: {reason}")
    return lines


def register(app: typer.Typer) -> None:
    app.command("evidence")(evidence)
