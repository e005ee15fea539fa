"""`metricwatch init` on real projects: file store in data/mlflow, SQLite store, no store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from support.course_project import run_mlflow_script
from support.repos import commit_all, git, init_repo

from metricwatch.cli import main
from metricwatch.config import load_config
from metricwatch.project_inspect import map_metrics, propose_pattern, tag_family

TAGS = ["models-v1.0-baseline", "models-v1.1", "models-v1.2", "data-v1.0"]

# Runs logged by mlflow itself in a subprocess (a file store needs MLFLOW_ALLOW_FILE_STORE),
# into each (folder, tracking URI) pair of its arguments: one MLflow import for every store.
LOG_RUNS = """\
import os, sys, mlflow
for folder, uri in zip(sys.argv[1::2], sys.argv[2::2], strict=True):
    os.chdir(folder)
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("entrance-exam")
    for version, kappa in (("models-v1.0-baseline", 0.71), ("models-v1.1", 0.78)):
        with mlflow.start_run():
            mlflow.set_tag("release", version)
            mlflow.log_param("max_depth", 3)
            mlflow.log_metric("quadratic_weighted_kappa", kappa)
            mlflow.log_metric("root_mean_squared_error", 0.6)
            mlflow.log_metric("fit_time_seconds", 1.5)
            mlflow.log_metric("val_accuracy", 0.5)
"""


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    """stderr with rich's line wrapping undone."""
    return " ".join(capsys.readouterr().err.split())


def _log_runs(*stores: tuple[Path, str]) -> None:
    """The runs, logged from each folder into its tracking URI (relative URIs: that folder)."""
    args = [str(arg) for folder, uri in stores for arg in (folder, uri)]
    run_mlflow_script(LOG_RUNS, *args, cwd=stores[0][0], timeout=300)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(p.relative_to(folder).as_posix().encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two projects, their runs logged by one MLflow process: `file` (a file store in
    data/mlflow, tags models-v*) and `sqlite` (mlflow.db at the top, tag v0.1.0)."""
    base = tmp_path_factory.mktemp("init")
    project = init_repo(base / "exam", remote=base / "remote")
    (project / "data" / "mlflow").mkdir(parents=True)
    sqlite = init_repo(base / "p", remote=base / "p-remote")
    _log_runs((project, (project / "data" / "mlflow").as_uri()), (sqlite, "sqlite:///mlflow.db"))
    (project / "README.md").write_text("exam\n")
    commit_all(project, "first", tag=TAGS[0])
    for tag in TAGS[1:]:
        (project / "README.md").write_text(f"exam {tag}\n")
        commit_all(project, tag, tag=tag)
    git(sqlite, "tag", "v0.1.0")
    return {"file": project, "sqlite": sqlite}


@pytest.fixture(scope="module")
def file_store_project(projects: dict[str, Path]) -> Path:
    return projects["file"]


@pytest.mark.slow
def test_init_on_a_file_store_in_data_mlflow(
    file_store_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = file_store_project
    before = _digest(project / "data" / "mlflow")
    assert main(["init", str(project)]) == 0
    assert _digest(project / "data" / "mlflow") == before  # reading never writes the store
    config_path = project / "metricwatch.yaml"
    cfg = load_config(config_path)
    assert cfg.tracking_uri() == (project / "data" / "mlflow").as_uri()
    assert cfg.mlflow.metrics["qwk"][0] == "quadratic_weighted_kappa"
    assert cfg.mlflow.metrics["rmse"][0] == "root_mean_squared_error"
    assert cfg.mlflow.metrics["train_time_s"][0] == "fit_time_seconds"  # inferred alias
    assert cfg.mlflow.experiments == ["entrance-exam"]
    assert cfg.mlflow.version_tag == "release"  # the run tag whose values are git tags
    assert cfg.tags.pattern == "models-v*" and not cfg.tags.regex
    assert cfg.baseline.version == "models-v1.0-baseline"
    assert cfg.dvc.remote == "local"
    text = config_path.read_text()
    assert "val_accuracy" in text  # listed as found but not mapped
    assert "# " in text  # commented
    capsys.readouterr()
    assert main(["config", "check", "-c", str(config_path)]) == 0
    assert "is valid" in _err(capsys)


@pytest.mark.slow
def test_init_never_overwrites_without_force(
    file_store_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = file_store_project / "metricwatch.yaml"
    target.write_text("# mine\n")
    assert main(["init", str(file_store_project)]) == 1
    assert "already exists" in _err(capsys) and target.read_text() == "# mine\n"
    assert main(["init", str(file_store_project), "--force"]) == 0
    assert "tracking_uri" in target.read_text()


@pytest.mark.slow
def test_init_prefers_mlflow_db_and_reads_it_read_only(projects: dict[str, Path]) -> None:
    project = projects["sqlite"]  # only this test writes into it (metricwatch.yaml)
    db = project / "mlflow.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert main(["init", str(project)]) == 0
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    cfg = load_config(project / "metricwatch.yaml")
    assert cfg.tracking_uri() == f"sqlite:///{db.resolve()}"
    assert cfg.mlflow.metrics["qwk"][0] == "quadratic_weighted_kappa"
    assert cfg.tags.pattern == "v*"


def test_init_without_store_or_git_still_writes_a_valid_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    err = _err(capsys)
    assert "no tracking store found" in err and "not a git repository" in err
    data = yaml.safe_load((tmp_path / "metricwatch.yaml").read_text())
    assert data["mlflow"]["tracking_uri"] is None and data["tags"]["pattern"] == "v*"
    load_config(tmp_path / "metricwatch.yaml")


def test_init_env_uri_is_not_written_into_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://user:s3cret@127.0.0.1:9/")
    assert main(["init", str(tmp_path)]) == 0
    text = (tmp_path / "metricwatch.yaml").read_text()
    assert "s3cret" not in text and "MLFLOW_TRACKING_URI" in text
    captured = capsys.readouterr()
    assert "s3cret" not in captured.err + captured.out
    assert yaml.safe_load(text)["mlflow"]["tracking_uri"] is None


def test_init_on_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "nope")]) == 1
    assert "no such folder" in _err(capsys)


@pytest.mark.parametrize(
    ("tag", "family"),
    [
        ("v1.2.3", "v*"),
        ("models-v1.0-baseline", "models-v*"),
        ("data-v2", "data-v*"),
        ("classifier@v1.2.3", "classifier@v*"),
        ("1.0.0", "[0-9]*"),
        ("nightly", None),
    ],
)
def test_tag_family(tag: str, family: str | None) -> None:
    assert tag_family(tag) == family


def test_propose_pattern_prefers_the_largest_family_and_models_on_ties() -> None:
    assert propose_pattern(["v1", "v2", "data-v1"])[0] == "v*"
    assert propose_pattern(["data-v1", "models-v1"])[0] == "models-v*"
    assert propose_pattern(["a@v1", "b@v2", "b@v3"])[0] == "*@v*"
    assert propose_pattern([]) == ("v*", {})


def test_map_metrics_uses_defaults_then_infers() -> None:
    aliases, unmapped = map_metrics(["kappa", "test_rmse", "training_duration", "auc"])
    assert aliases["qwk"][0] == "kappa"
    assert aliases["rmse"][0] == "test_rmse" and "rmse" in aliases["rmse"]
    assert aliases["train_time_s"][0] == "training_duration"
    assert aliases["drift_pct"] == ["data_drift_pct", "drift_pct"]
    assert unmapped == ["auc"]


def _inspection(project: Path, **fields: object):
    from metricwatch.project_inspect import Inspection

    base: dict[str, object] = dict(
        project=str(project), stores=[], contents=None, aliases=map_metrics([])[0],
        unmapped_metrics=[], git_tags=["data-v1.0", "models-v1.0-baseline"],
        tag_pattern="data-v*", tag_families={"data-v*": 1, "models-v*": 1}, shallow=False,
        version_tag="version", has_stage_baseline=False,
        baseline_version=None, baseline_tag_unmatched="models-v1.0-baseline", dvc_remote="s",
        dvc_remotes=["s"], dvc_stores=[], output="reports", notes=[],
    )  # fmt: skip
    return Inspection(**{**base, **fields})


def test_no_marked_baseline_leaves_the_section_out_and_says_how_to_mark_one(
    tmp_path: Path,
) -> None:
    from metricwatch.cli.init_cmd import render_config

    text = render_config(_inspection(tmp_path))
    data = yaml.safe_load(text)
    assert "baseline" not in data  # the default: "no baseline" with a note, never an error
    assert '#   mlflow.set_tag("stage", "baseline")' in text
    assert "# The git tag models-v1.0-baseline names a baseline, but no run is tagged" in text
    (tmp_path / "metricwatch.yaml").write_text(text)
    assert load_config(tmp_path / "metricwatch.yaml").baseline.is_default
    # uncommenting the section's header alone keeps the default too
    (tmp_path / "metricwatch.yaml").write_text(text.replace("# baseline:\n", "baseline:\n"))
    assert load_config(tmp_path / "metricwatch.yaml").baseline.is_default


def test_a_store_tracked_by_dvc_but_not_pulled_is_proposed_commented_out(tmp_path: Path) -> None:
    from metricwatch.cli.init_cmd import render_config
    from metricwatch.sources.store_presence import TrackedStore

    store = TrackedStore("data/mlflow", "data/mlflow.dvc", pulled=False)
    text = render_config(_inspection(tmp_path, dvc_stores=[store]))
    assert yaml.safe_load(text)["mlflow"]["tracking_uri"] is None
    assert '  # tracking_uri: "data/mlflow"' in text
    assert "run `dvc pull data/mlflow.dvc`, then `metricwatch init --force`" in " ".join(
        line.strip("# ") for line in text.splitlines()
    )


def test_the_report_folder_never_takes_over_the_projects_reports(tmp_path: Path) -> None:
    from metricwatch.project_inspect import propose_output

    assert propose_output(tmp_path) == "reports"
    (tmp_path / "reports").mkdir()
    assert propose_output(tmp_path) == "reports"
    (tmp_path / "reports" / "metrics.json").write_text("{}")  # e.g. a DVC metrics file
    assert propose_output(tmp_path) == "reports/metricwatch"
    (tmp_path / "reports" / "metricwatch").mkdir()  # `init --force` keeps it
    assert propose_output(tmp_path) == "reports/metricwatch"
    ours = tmp_path / "ours"
    (ours / "reports").mkdir(parents=True)
    (ours / "reports" / "metrics_monitoring.html").write_text("<html></html>")
    (ours / "reports" / "metrics.json").write_text("{}")
    assert propose_output(ours) == "reports"  # a metricwatch report is already there
