"""Build the embedded demo: a real git + DVC + MLflow project with four releases.

Layout of DIR (the repo and its remote are siblings inside DIR, so the remote is outside the
git work tree wherever DIR is):

    DIR/metricwatch.yaml   the demo's config (paths relative to DIR)
    DIR/project/           the git + DVC repository (branch main, tags v1.0.0 .. v1.0.3)
    DIR/remote/            the DVC remote `storage` (a local folder)
    DIR/mlflow.db          the MLflow SQLite store; run artifacts in DIR/mlartifacts/
    DIR/build.log          every command the build ran, with its output

Release flow (so integrity finds v1.0.0 and v1.0.1 consistent): create the release's MLflow
run, write params.yaml, run `dvc repro` with MLFLOW_RUN_ID naming the run while MLflow's system
metrics monitor samples the machine into it (evaluate logs params, metrics, artifacts, lineage
tags and datasets, tagged with the commit it started from and dirty=true), commit dvc.lock +
metrics, tag, `dvc push`, then attach the release to the run:
`metricwatch.track.log_lineage(version=tag, run_id=...)` re-records the tag's commit, the clean
work tree and the DVC hashes, and the builder tags the run's stage. Finally the runs are
registered as versions of one model, @champion on v1.0.0's and @challenger on v1.0.3's.
"""

from __future__ import annotations

import getpass
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from metricwatch.demo import data
from metricwatch.demo.releases import BATCH_ROWS, DATA_SEED, REFERENCE_ROWS, RELEASES, Release
from metricwatch.demo.shell import Shell
from metricwatch.errors import MetricwatchError

MARKER = ".metricwatch-demo"
EXPERIMENT = "student-performance"
MODEL = "student-performance"
ALIASES = {"champion": "v1.0.0", "challenger": "v1.0.3"}
SYSTEM_METRICS_INTERVAL_S = 0.5  # a release's `dvc repro` takes seconds: dozens of samples
REMOTE_NAME = "storage"
PIPELINE_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "PyYAML",
    "mlflow",
    "dvc",
    "metricwatch",
)

Progress = Callable[[str], None]


class ReleaseInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    tag: str
    commit: str
    run_id: str | None
    stage: str | None
    pushed: bool
    model_version: str | None = None  # the release's version of registered model MODEL


class DemoInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    root: str
    project: str
    remote: str
    tracking_uri: str
    config: str
    log: str
    model: str  # the registered model the releases are versions of
    releases: list[ReleaseInfo]
    duration_s: float


def prepare_dir(dest: Path, *, force: bool) -> None:
    """Refuse a non-empty folder; with force, replace only a previous demo (marker file)."""
    if dest.exists() and not dest.is_dir():
        raise MetricwatchError(f"{dest}: exists and is not a folder; choose another DIR.")
    if dest.is_dir() and any(dest.iterdir()):
        if not force:
            raise MetricwatchError(
                f"{dest}: folder is not empty; choose an empty or new folder, or pass --force "
                "to replace a demo built there before."
            )
        if not (dest / MARKER).is_file():
            raise MetricwatchError(
                f"{dest}: not empty and not a metricwatch demo (no {MARKER} file); --force only "
                "replaces a previous demo. Choose an empty or new folder."
            )
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MARKER).write_text("metricwatch demo\n", encoding="utf-8")


def _copy_template(project: Path) -> None:
    template = resources.files("metricwatch.demo") / "project"
    for rel in (
        "dvc.yaml",
        "README.md",
        "src/prepare.py",
        "src/train.py",
        "src/evaluate.py",
        "src/drift_pct.py",
    ):
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(template.joinpath(rel).read_bytes())
    (project / ".gitignore").write_bytes(template.joinpath("gitignore").read_bytes())


def _write_requirements(project: Path) -> None:
    """Pin what the pipeline imports to the versions the demo is built with (seed Appendix C)."""
    from importlib.metadata import version

    lines = ["# The versions this demo project was built and tested with."]
    lines += [f"{name}=={version(name)}" for name in PIPELINE_PACKAGES]
    (project / "requirements.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_batch(project: Path, batch: tuple[int, bool]) -> None:
    seed, drifted = batch
    path = project / "data" / "current" / "batch.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    data.batch(BATCH_ROWS, seed, drifted=drifted).to_csv(path, index=False)


def _write_params(project: Path, release: Release) -> None:
    text = yaml.safe_dump(release.params(), sort_keys=False)
    (project / "params.yaml").write_text(text, encoding="utf-8")


def _init_project(sh: Shell, project: Path, remote: Path) -> None:
    project.mkdir()
    remote.mkdir()
    sh.git("init", "-q", "-b", "main")
    _copy_template(project)
    _write_requirements(project)
    raw = project / "data" / "raw" / "students.csv"
    raw.parent.mkdir(parents=True)
    data.students(REFERENCE_ROWS, DATA_SEED).to_csv(raw, index=False)
    _write_batch(project, RELEASES[0].batch)
    _write_params(project, RELEASES[0])
    # Absolute: a clone made elsewhere (the reproducibility check) still finds the remote.
    sh.dvc_init(REMOTE_NAME, remote)
    sh.dvc_add("data/raw/students.csv", "data/current/batch.csv")
    sh.git("add", "-A")
    sh.git("commit", "-q", "-m", "Student performance project: data, pipeline, DVC remote")


def _tracking(root: Path) -> tuple[str, str]:
    """Create the SQLite store and the experiment (artifacts beside the store)."""
    import mlflow

    uri = f"sqlite:///{root / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri)
    exp = client.create_experiment(EXPERIMENT, artifact_location=(root / "mlartifacts").as_uri())
    return uri, exp


def _job_tags() -> dict[str, str]:
    """What MLflow records about a run's origin, here a release job running `dvc repro`."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in a minimal container
        user = "unknown"
    return {"mlflow.source.name": "dvc repro", "mlflow.source.type": "JOB", "mlflow.user": user}


@contextmanager
def _system_metrics(run_id: str | None, uri: str) -> Iterator[None]:
    """MLflow's system metrics (CPU, memory, disk, network; psutil) sampled into the release's
    run while the block runs. The sampler is a thread of this process, which only waits for
    `dvc repro`: the stages pay nothing for it. It stops when evaluate finishes the run."""
    if run_id is None:
        yield
        return
    from mlflow.system_metrics.system_metrics_monitor import SystemMetricsMonitor

    monitor = SystemMetricsMonitor(
        run_id, sampling_interval=SYSTEM_METRICS_INTERVAL_S, tracking_uri=uri
    )
    monitor.start()
    try:
        yield
    finally:
        monitor.finish()


def _release(
    sh: Shell, project: Path, release: Release, uri: str, exp_id: str, progress: Progress
) -> ReleaseInfo:
    import mlflow

    from metricwatch.track import log_lineage

    client = mlflow.MlflowClient(tracking_uri=uri)
    before = {r.info.run_id for r in client.search_runs([exp_id], max_results=1000)}
    run_id = client.create_run(exp_id, tags=_job_tags()).info.run_id if release.log_run else None
    _write_params(project, release)
    if release.batch != RELEASES[0].batch:
        _write_batch(project, release.batch)
        sh.dvc_add("data/current/batch.csv")
    progress(f"{release.tag}: dvc repro" + ("" if release.log_run else " (no MLflow run)"))
    with _system_metrics(run_id, uri):
        sh.dvc("repro", env=sh.stage_env(uri if release.log_run else None, run_id))
    sh.git("add", "-A")
    sh.git("commit", "-q", "-m", release.message)
    sh.git("tag", "-a", release.tag, "-m", f"Release {release.tag}: {release.message}")
    commit = sh.git("rev-parse", "HEAD").stdout.strip()
    if release.push:
        progress(f"{release.tag}: dvc push")
        sh.dvc_push(REMOTE_NAME)
    new = [r for r in client.search_runs([exp_id], max_results=1000) if r.info.run_id not in before]
    if [r.info.run_id for r in new] != ([run_id] if run_id else []):
        raise MetricwatchError(
            f"demo build: expected the stages of {release.tag} to log into run {run_id}, found "
            f"new runs {[r.info.run_id for r in new]}; see {sh.log_path}"
        )
    if run_id is not None:
        log_lineage(version=release.tag, repo=project, run_id=run_id, tracking_uri=uri)
        client.set_tag(run_id, "stage", release.stage)
    return ReleaseInfo(
        tag=release.tag,
        commit=commit,
        run_id=run_id,
        stage=release.stage if release.log_run else None,
        pushed=release.push,
    )


def _register(uri: str, releases: list[ReleaseInfo]) -> list[ReleaseInfo]:
    """Register each release run as a version of MODEL (in release order) and set the aliases."""
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.create_registered_model(MODEL, description="The demo's releases, one version each.")
    out = []
    for rel in releases:
        version = None
        if rel.run_id is not None:
            mv = client.create_model_version(
                MODEL, f"runs:/{rel.run_id}/model", run_id=rel.run_id, tags={"version": rel.tag}
            )
            version = str(mv.version)
        out.append(rel.model_copy(update={"model_version": version}))
    by_tag = {r.tag: r.model_version for r in out}
    for alias, tag in ALIASES.items():
        client.set_registered_model_alias(MODEL, alias, str(by_tag[tag]))
    return out


def build_demo(
    dest: Path | str, *, force: bool = False, progress: Progress | None = None
) -> DemoInfo:
    """Build the demo into dest (see the module docstring for the layout and release flow)."""
    say = progress or (lambda _msg: None)
    start = time.monotonic()
    root = Path(dest).expanduser().resolve()
    prepare_dir(root, force=force)
    project, remote = root / "project", root / "remote"
    sh = Shell(project, root / "build.log", python=Path(sys.executable))
    say("creating the git + DVC project and its data")
    _init_project(sh, project, remote)
    say("creating the MLflow SQLite store")
    uri, exp_id = _tracking(root)
    releases = [_release(sh, project, r, uri, exp_id, say) for r in RELEASES]
    say(f"registering the releases as versions of model {MODEL!r}")
    releases = _register(uri, releases)
    config = root / "metricwatch.yaml"
    config.write_bytes((resources.files("metricwatch.demo") / "metricwatch.yaml").read_bytes())
    return DemoInfo(
        root=str(root),
        project=str(project),
        remote=str(remote),
        tracking_uri=uri,
        config=str(config),
        log=str(sh.log_path),
        model=MODEL,
        releases=releases,
        duration_s=round(time.monotonic() - start, 2),
    )
