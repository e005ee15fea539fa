"""`metricwatch init [PROJECT]`: inspect a project and write a commented metricwatch.yaml."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer

from metricwatch.cli.console import err_console, out_console

ProjectArg = typer.Argument(
    Path("."), metavar="PROJECT", help="The git + DVC project to inspect (default: .)."
)
ForceOpt = typer.Option(False, "--force", help="Overwrite an existing metricwatch.yaml.")


def _q(value: object) -> str:
    """A YAML scalar or flow list (JSON is valid YAML and quotes what needs quoting)."""
    return json.dumps(value, ensure_ascii=False)


def _mlflow_lines(insp) -> list[str]:
    from metricwatch.redact import redact_url

    lines = ["mlflow:"]
    store = insp.store
    for other in insp.stores[1:]:
        lines.append(f"  # also found: {other.source} ({_q(redact_url(other.uri))})")
    unpulled = insp.unpulled_store
    if store is None and unpulled is not None:
        lines += [
            f"  # {unpulled.path} is an MLflow store tracked by DVC ({unpulled.dvc_file}), not",
            f"  # pulled: run `{unpulled.pull}`, then `metricwatch init --force`. Until then the",
            "  # MLflow items of the report are unknown (❓); the git and DVC ones are checked.",
            f"  # tracking_uri: {_q(unpulled.uri)}",
            "  tracking_uri: null",
        ]
    elif store is None:
        lines.append(
            "  # no tracking store found: set one, e.g. sqlite:///mlflow.db or http://host:5000"
        )
        lines.append("  tracking_uri: null")
    elif store.source == "MLFLOW_TRACKING_URI":
        lines.append(
            f"  # found in MLFLOW_TRACKING_URI ({redact_url(store.uri)}); left unset here so"
        )
        lines.append("  # the environment keeps deciding (and no credential lands in this file)")
        lines.append("  tracking_uri: null")
    else:
        lines.append(f"  # tracking store found: {store.source}")
        lines.append(f"  tracking_uri: {_q(store.uri)}")
    contents = insp.contents
    with_runs = [e.name for e in contents.experiments if e.runs] if contents else []
    if contents and contents.experiments:
        found = ", ".join(
            f"{e.name} (id {e.experiment_id}, {e.runs} runs)" for e in contents.experiments
        )
        lines.append(f"  # experiments found: {found}")
    lines.append("  # experiments to read ([] = all)")
    lines.append(f"  experiments: {_q(with_runs)}")
    lines.append("  # the run tag naming a run's release (its git tag)")
    lines.append(f"  version_tag: {_q(insp.version_tag)}")
    names = contents.metric_names if contents else []
    lines.append(
        "  # canonical metric -> the names it may be logged under (the first one present wins)"
    )
    if names:
        lines.append(f"  # metric names found in the store: {', '.join(names)}")
    if insp.unmapped_metrics:
        lines.append(
            f"  # not mapped (shown in MLflow, unused by the report): {', '.join(insp.unmapped_metrics)}"
        )
    lines.append("  metrics:")
    lines += [f"    {name}: {_q(aliases)}" for name, aliases in insp.aliases.items()]
    return lines


def _baseline_lines(insp) -> list[str]:
    """A baseline section only when a run carries it: the file must work for the next command."""
    if insp.has_stage_baseline:
        return [
            "baseline:",
            "  # the run every other run is compared with: run_id, version (a tag) or tag",
            "  # a run tagged stage=baseline exists",
            '  tag: {"stage": "baseline"}',
        ]
    if insp.baseline_version:
        return [
            "baseline:",
            "  # the run every other run is compared with: run_id, version (a tag) or tag",
            f"  # no run tagged stage=baseline; a run is tagged {insp.version_tag}="
            f"{insp.baseline_version}",
            f"  version: {_q(insp.baseline_version)}",
        ]
    lines = [
        '# baseline: no run is marked as the baseline yet, so the report says "no baseline"',
        "# (ratios to the baseline are not computed). Mark the run to compare with:",
        '#   mlflow.set_tag("stage", "baseline")  (in the run, or on its MLflow page: Tags)',
        "# or pin it here (one of run_id, version, tag):",
        "# baseline:",
        '#   run_id: "<the run id>"',
    ]
    if insp.baseline_tag_unmatched:
        tag = insp.baseline_tag_unmatched
        lines += [
            f"# The git tag {tag} names a baseline, but no run is tagged {insp.version_tag}={tag}:",
            f"# tag that run with it, then use  version: {_q(tag)}",
        ]
    return lines


def render_config(insp) -> str:
    """The commented metricwatch.yaml for an Inspection."""
    families = ", ".join(f"{k}: {v}" for k, v in insp.tag_families.items()) or "none"
    lines = [
        f"# metricwatch.yaml written by `metricwatch init` on {datetime.now(UTC):%Y-%m-%d}",
        "# from what it found in this project. `metricwatch config check` validates it and",
        "# prints it resolved. Relative paths are relative to this file's folder.",
        "",
        "project:",
        '  path: "."',
        f"  name: {_q(Path(insp.project).name)}",
        "",
        *_mlflow_lines(insp),
        "",
        *_baseline_lines(insp),
        "",
        "tags:",
        f"  # {len(insp.git_tags)} git tags; release tag families found: {families}",
        f"  pattern: {_q(insp.tag_pattern)}",
        "  regex: false",
        "",
        "dvc:",
    ]
    if insp.dvc_remote:
        others = ", ".join(insp.dvc_remotes)
        lines += [
            f"  # the repository's default remote (remotes: {others})",
            f"  remote: {_q(insp.dvc_remote)}",
        ]
    else:
        lines += [
            "  # no DVC remote configured: add one with `dvc remote add -d NAME URL`",
            "  remote: null",
        ]
    lines += [
        "",
        "# thresholds: the seed template's four rules apply by default; override them like this:",
        "# thresholds:",
        "#   rmse: {max_ratio_to_baseline: 1.10}",
        "#   qwk: {min: 0.70}",
        "#   drift_pct: {max: 5.0}",
        "#   train_time_s: {max_ratio_to_baseline: 1.25}",
        "",
        "# drift: reference and current data (a path, or PATH@REV for a DVC-tracked file at a git rev)",
        "# drift:",
        "#   reference: data/train.csv",
        "#   current: data/current/batch.csv",
        "#   target: label",
        "",
        "report:",
        "  lang: en  # en | es",
        *(
            ["  # reports/ holds the project's own files: the report gets a folder of its own"]
            if insp.output != "reports"
            else []
        ),
        f"  output: {_q(insp.output)}",
    ]
    if insp.notes:
        lines += ["", "# notes from `metricwatch init`:", *[f"# - {n}" for n in insp.notes]]
    return "\n".join(lines) + "\n"


def init(project: Path = ProjectArg, force: bool = ForceOpt) -> int:
    """Inspect PROJECT (tracking store, experiments, metrics, tags, DVC remote) and write
    PROJECT/metricwatch.yaml with comments; never overwrites one without --force."""
    import yaml
    from rich.markup import escape

    from metricwatch.config import CONFIG_NAME, parse_config
    from metricwatch.errors import ConfigError
    from metricwatch.project_inspect import inspect_project

    root = project.expanduser().resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: no such folder; pass the path of your git + DVC project.")
    target = root / CONFIG_NAME
    if target.exists() and not force:
        raise ConfigError(f"{target}: already exists; pass --force to overwrite it.")
    err_console.print(f"Inspecting {root} …")
    insp = inspect_project(root)
    text = render_config(insp)
    parse_config(yaml.safe_load(text), str(target), root)  # never write a file that fails to load
    target.write_text(text, encoding="utf-8")
    store = insp.store
    unpulled = insp.unpulled_store
    found = store.source if store else "not found"
    if store is None and unpulled is not None:
        found = f"{unpulled.path} (tracked by DVC in {unpulled.dvc_file}, not pulled)"
    out_console.print(f"tracking store  {found}")
    if insp.contents and insp.contents.experiments:
        out_console.print("experiments     " + ", ".join(e.name for e in insp.contents.experiments))
    mapped = {
        k: v[0]
        for k, v in insp.aliases.items()
        if insp.contents and v[0] in insp.contents.metric_names
    }
    out_console.print(
        "metrics         " + (", ".join(f"{v} → {k}" for k, v in mapped.items()) or "none found")
    )
    out_console.print(f"tag pattern     {insp.tag_pattern} ({len(insp.git_tags)} git tags)")
    out_console.print(f"DVC remote      {insp.dvc_remote or 'none'}")
    out_console.print(f"report folder   {insp.output}")
    for note in insp.notes:
        err_console.print(f"[yellow]note:[/yellow] {escape(note)}", soft_wrap=True)
    err_console.print(
        f"[green]✓[/green] wrote {target}; check it with `metricwatch config check -c {target}`"
    )
    return 0


def register(app: typer.Typer) -> None:
    app.command("init")(init)
