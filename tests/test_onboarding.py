"""Day one on a real course project: `init` → `kpis` → `integrity` → `report`, as a new user runs them.

The project (tests/support/course_project.py) has the shape students hand in: an MLflow FILE
store in `data/mlflow` tracked by DVC, runs named after their model with `rmse` and
`quadratic_weighted_kappa`, registered models, no `version` tag on any run, tags `data-v*` (only
`.dvc` files) and `models-v1.0-baseline`, and `dvc.yaml` only at HEAD. Every command is the real
CLI in its own process, in an 80-column terminal: the course project's `init` execs the installed
`metricwatch` entry point, the others are `python -m metricwatch` processes forked warm
(support/warm_cli.py: the same CLI, without paying `import mlflow, pandas, dvc` each time).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from support.course_project import DATA_TAGS, MODELS, CourseProject, build_course_project
from support.mlflow_stores import tree_checksums
from support.repos import git
from support.warm_cli import run_cli

# Building the project logs and registers three scikit-learn models and runs nine DVC commands
# (about 80 s on an idle 2-core machine); the full report clones, reproduces, starts an MLflow
# UI and Chromium (about 150 s). Three times both, for a busy machine, is within 1200 s.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]
WIDTH = 80


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def flat_err(self) -> str:
        return " ".join(self.err.split())

    def show(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def mw(cwd: Path, *args: str, timeout: float = 900, entry_point: bool = False) -> Run:
    """`metricwatch ARGS` in cwd, in an 80-column terminal, with no tracking URI inherited.

    entry_point: exec the installed `metricwatch` script (what a user types) instead of a warm
    `python -m metricwatch` process."""
    env = {**os.environ, "COLUMNS": str(WIDTH), "NO_COLOR": "1"}
    env.pop("MLFLOW_TRACKING_URI", None)
    env["XDG_CACHE_HOME"] = str(cwd.parent / "xdg-cache")  # reusable evidence stays private
    if entry_point:
        exe = Path(sys.executable).with_name("metricwatch")
        proc = subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)  # fmt: skip
    else:
        proc = run_cli(list(args), env=env, cwd=cwd, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> CourseProject:
    return build_course_project(tmp_path_factory.mktemp("course"))


def test_without_the_tracking_store_git_and_dvc_are_still_checked(
    course: CourseProject, tmp_path: Path
) -> None:
    """A fresh clone: `data/mlflow.dvc` is there, the store is not (never `dvc pull`-ed)."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(course.repo), str(clone))
    assert (clone / "data" / "mlflow.dvc").is_file() and not (clone / "data" / "mlflow").exists()

    init = mw(clone, "init")
    assert init.code == 0, init.show()
    assert (
        "note: data/mlflow is an MLflow store tracked by DVC (data/mlflow.dvc) and not pulled: "
        "run `dvc pull data/mlflow.dvc`, then `metricwatch init --force`"
    ) in init.flat_err
    text = (clone / "metricwatch.yaml").read_text()
    assert '  # tracking_uri: "data/mlflow"' in text
    assert yaml.safe_load(text)["mlflow"]["tracking_uri"] is None

    run = mw(clone, "integrity", "--format", "markdown")
    assert run.code == 2, run.show()  # no verdict: the MLflow items could not be checked
    fix = "not checked (mlflow.tracking_uri is not set): run `dvc pull data/mlflow.dvc`, then set"
    for n, tag in enumerate(DATA_TAGS, start=1):
        block = run.out.split(f"**{tag}**", 1)[1].split("**", 1)[0]
        assert "- [x] ✅ git tag exists: annotated tag" in block
        assert f"- [x] ✅ dvc.yaml + dvc.lock at the tag: {n} .dvc file(s) committed" in block
        assert f"- [x] ✅ outputs on the DVC remote: all {n} output(s) on the remote" in block
        unknown = [line for line in block.splitlines() if line.startswith("- [ ] ❓")]
        assert len(unknown) == 4 and all(fix in line for line in unknown), block
    assert "3 tag(s): 0 ✅, 0 ⚠, 0 ❌, 3 ❓" in run.flat_err
    assert "exit 2: no verdict for 3 tag(s)" in run.flat_err

    kpis = mw(clone, "kpis")
    assert kpis.code == 1, kpis.show()
    assert "data/mlflow is an MLflow store tracked by DVC (data/mlflow.dvc) and not pulled" in (
        kpis.flat_err
    )
    check = mw(clone, "check", "--format", "json")
    assert check.code == 2, check.show()
    assert "exit 2: no verdict possible: kpis:" in check.flat_err
    assert not (clone / "data" / "mlflow").exists()  # nothing was created in its place


def test_course_project_from_init_to_the_first_report(
    course: CourseProject, tmp_path: Path
) -> None:
    project = tmp_path / "course"
    shutil.copytree(course.repo, project, symlinks=True)
    store_before = tree_checksums(project / "data" / "mlflow")
    dvc_metrics = sha256(project / "reports" / "metrics.json")

    init = mw(project, "init", entry_point=True)
    assert init.code == 0, init.show()
    data = yaml.safe_load((project / "metricwatch.yaml").read_text())
    assert "baseline" not in data  # no run is marked: the default, never a config error
    assert data["mlflow"]["tracking_uri"] == "data/mlflow"
    assert data["tags"]["pattern"] == "data-v*"
    assert data["report"]["output"] == "reports/metricwatch"  # reports/ is the project's
    assert "report folder   reports/metricwatch" in init.out

    kpis = mw(project, "kpis")
    assert kpis.code == 0, kpis.show()
    assert "error" not in kpis.err.lower(), kpis.show()
    assert max(len(line) for line in kpis.out.splitlines()) <= WIDTH, kpis.out
    assert "…" not in kpis.out
    flat = " ".join(kpis.out.split())
    for model in MODELS:
        assert model in kpis.out
    assert flat.count("RMSE: ") == len(MODELS) and flat.count("QWK: ") == len(MODELS)
    assert "(no value in any run: Version, Stage, Train time (s), Drift (%), Baseline)" in flat
    assert "note: no baseline: no run is tagged stage=baseline (the default)" in kpis.flat_err

    integrity = mw(project, "integrity")
    assert integrity.code == 1, integrity.show()  # every release lacks its run: a verdict
    assert "3 tag(s): 0 ✅, 0 ⚠, 3 ❌, 0 ❓" in integrity.flat_err
    assert "note: no MLflow run carries the tag 'version', so no release has its run" in (
        integrity.flat_err
    )
    assert "missing run" in integrity.out and "no pipeline (dvc.yaml) at this tag" in " ".join(
        integrity.out.replace("│", " ").split()
    )

    report = mw(project, "report")
    assert report.code == 0, report.show()
    for part in ("kpis", "integrity", "repro", "evidence"):
        assert f"⚠ {part}:" not in report.err, report.show()
    out = project / "reports" / "metricwatch"
    manifest = json.loads((out / "imgs" / "manifest.json").read_text())
    runs_list = next(i for i in manifest["images"] if i["file"] == "mlflow_runs.png")
    assert set(MODELS) <= set(runs_list["verified"])
    assert {"rmse", "quadratic_weighted_kappa"} <= set(runs_list["verified"])
    result = json.loads((out / "metrics.json").read_text())
    repro = result["repro"]
    assert (repro["rev"], repro["verdict"]) == ("HEAD", "identical")
    assert (
        "reproducing HEAD: none of the 3 tag(s) matching 'data-v*' has a dvc.yaml "
        "(newest: data-v1.2-features)"
    ) in repro["notes"]
    assert [t["tag"] for t in result["integrity"]["tags"]] == list(DATA_TAGS)
    # only metricwatch's own files are new; the project's DVC metrics and the store are untouched
    assert sha256(project / "reports" / "metrics.json") == dvc_metrics
    assert tree_checksums(project / "data" / "mlflow") == store_before
    status = git(project, "status", "--porcelain", "--untracked-files=normal").stdout.split("\n")
    assert sorted(s for s in status if s) == ["?? metricwatch.yaml", "?? reports/metricwatch/"]
