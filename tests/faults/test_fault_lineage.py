"""Faults of the registry and lineage sources: MLflow Model Registry aliases and tables, GTO tags,
dataset digests, and the project's DVC plots at revisions.

The registry cases run `metricwatch kpis` with a registry baseline (`baseline: {model, alias}`),
the GTO and dataset-digest cases `metricwatch integrity`, each as a real process on a copy of the
demo. The plots reader is not wired into a command yet, so its cases call the library: a "?" case
asserts the exact reason of the row.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from corpus import Fault, fault
from faultkit import Run, edit_config, expect, norm, run_mw

from metricwatch.config import load_config
from metricwatch.errors import MetricwatchError, SourceUnavailableError
from metricwatch.i18n import t
from metricwatch.parts.integrity.gto_stages import artifact_stages
from metricwatch.parts.integrity.model_registry import registered_version_item
from metricwatch.sources import git_dvc
from metricwatch.sources.dvc_plots import load_dvc_plots
from metricwatch.sources.mlflow_registry import get_model_version, read_registry_listing
from metricwatch.sources.views import DvcSource, MlflowSource

pytestmark = pytest.mark.slow

MODEL = "student-performance"
LIBRARY = "(library call, as the deliverable's Appendix B makes it: baseline vs newest release)"
KPIS_CHAMPION = (
    "metricwatch kpis --no-dvc, with baseline: {model: student-performance, alias: champion}"
)

ALIAS_ON_DELETED = fault(
    id="registry-alias-on-deleted-version",
    area="MLflow",
    fault="The alias @champion still points at version 1 of the registered model, which was "
    "deleted (a store written by an older MLflow, or edited by hand)",
    command=KPIS_CHAMPION,
    exit_code=1,
    says=f"alias @champion of registered model '{MODEL}' points at version 1, which does not "
    "exist (deleted); point the alias at a live version "
    "(MlflowClient().set_registered_model_alias) or fix the alias.",
)
ALIAS_DROPPED = fault(
    id="registry-alias-dropped-with-its-version",
    area="MLflow",
    fault="Version 1 (@champion) was deleted with MLflow's client, which removes its aliases too",
    command=KPIS_CHAMPION,
    exit_code=1,
    says=f"registered model '{MODEL}' has no alias @champion (its aliases: @challenger → "
    "version 3). MLflow removes an alias with the version it points at; set it again "
    "(MlflowClient().set_registered_model_alias) or fix the alias.",
)
NO_REGISTRY_TABLES = fault(
    id="registry-store-without-registry-tables",
    area="MLflow",
    fault="The SQLite tracking store has no `registered_model_aliases` table (made by an MLflow "
    "older than 2.3)",
    command=KPIS_CHAMPION,
    exit_code=1,
    says="the store holds no MLflow Model Registry (no registered_model_aliases table); it was "
    "made by an MLflow older than 2.3 or is not a full MLflow database. metricwatch never "
    "creates or migrates tables: upgrade a copy with `mlflow db upgrade`, or remove the "
    "registry settings (baseline.model, integrity.registered_model).",
    report=None,
)
GTO_GRAMMAR = fault(
    id="gto-tag-breaks-the-grammar",
    area="Git + DVC",
    fault="GTO-style tags `student-performance@v1.0` (no patch number) and "
    "`student-performance#prod#x` (no counter) beside valid ones",
    command="metricwatch integrity --tags 'student-performance@*'",
    exit_code=1,
    says="note: tag 'student-performance@v1.0' breaks GTO's grammar (expected "
    "NAME@vMAJOR.MINOR.PATCH (a semantic version after 'v', e.g. @v1.2.0)); GTO ignores it",
)
UNKNOWN_DIGEST = fault(
    id="dataset-digest-unknown-format",
    area="MLflow",
    fault="v1.0.1's run also logged `data/raw/students.csv` as a dataset with an MLflow pandas "
    "digest (8 hex digits), not a DVC md5",
    command="metricwatch integrity --tags v1.0.1 --format markdown",
    exit_code=2,
    says="2 of 3 dataset(s) match; data/raw/students.csv: digest '1a2b3c4d' is not a DVC md5 "
    "(32 hex digits, '.dir' for a folder), so it cannot be compared with the tag's",
)
HUGE_PLOT = fault(
    id="plot-file-huge",
    area="Git + DVC",
    fault="The confusion-matrix plot file at tag v1.0.4 has 200,000 rows",
    command=f"load_dvc_plots(DvcSource.of(cfg), ['v1.0.0', 'v1.0.4']) {LIBRARY}",
    exit_code=0,
    says="reports/plots/confusion.csv at v1.0.4: capped at the first 20,000 rows of a 0.8 MB file",
)
MISSING_PLOT = fault(
    id="plot-missing-at-revision",
    area="Git + DVC",
    fault="The plot file is not committed at tag v1.0.4, and the other side names a tag that "
    "does not exist (v0.9)",
    command=f"load_dvc_plots(DvcSource.of(cfg), ['v0.9', 'v1.0.4']) {LIBRARY}",
    exit_code=0,
    says="reports/plots/confusion.csv does not exist at v1.0.4; revision 'v0.9' does not exist "
    "(no such tag, branch or commit)",
)


def expect_error(case: Fault, exc: BaseException) -> None:
    """A known error (CLI exit 1, not "unavailable": exit 2 is only for sources out of reach)."""
    assert case.exit_code == 1
    assert isinstance(exc, MetricwatchError) and not isinstance(exc, SourceUnavailableError)
    assert norm(case.says) in norm(str(exc)), f"[{case.id}] {exc}"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60, check=True
    ).stdout


def store(demo: Path) -> Path:
    return demo / "mlflow.db"


def kpis_on_champion(demo: Path) -> Run:
    """`metricwatch kpis` with the registry baseline @champion (the demo's default run)."""
    config = edit_config(demo / "metricwatch.yaml", baseline={"tag": None, "model": MODEL,
                                                              "alias": "champion"})  # fmt: skip
    return run_mw("kpis", "--no-dvc", "-c", config)


def test_alias_on_a_deleted_version(demo_copy: Path) -> None:
    from mlflow import MlflowClient

    uri = f"sqlite:///{store(demo_copy)}"
    MlflowClient(tracking_uri=uri, registry_uri=uri).delete_model_version(MODEL, "1")
    con = sqlite3.connect(store(demo_copy))  # what an older MLflow left behind
    con.execute(
        "INSERT INTO registered_model_aliases (alias, version, name) VALUES ('champion', 1, ?)",
        (MODEL,),
    )
    con.commit()
    con.close()
    expect(ALIAS_ON_DELETED, kpis_on_champion(demo_copy))
    source = MlflowSource.of(load_config(demo_copy / "metricwatch.yaml"))
    with pytest.raises(MetricwatchError) as err:  # a known error, not "unavailable"
        get_model_version(source, MODEL, alias="champion")
    expect_error(ALIAS_ON_DELETED, err.value)


def test_alias_dropped_with_its_version(demo_copy: Path) -> None:
    from mlflow import MlflowClient

    uri = f"sqlite:///{store(demo_copy)}"
    MlflowClient(tracking_uri=uri, registry_uri=uri).delete_model_version(MODEL, "1")
    expect(ALIAS_DROPPED, kpis_on_champion(demo_copy))


def test_store_without_registry_tables(demo_copy: Path) -> None:
    con = sqlite3.connect(store(demo_copy))
    con.execute("DROP TABLE registered_model_aliases")
    con.commit()
    con.close()
    before = store(demo_copy).read_bytes()
    expect(NO_REGISTRY_TABLES, kpis_on_champion(demo_copy))
    source = MlflowSource.of(load_config(demo_copy / "metricwatch.yaml"))
    listing = read_registry_listing(source, ["0" * 32])
    item = registered_version_item("0" * 32, listing, MODEL)
    assert item.status == "unknown"
    assert norm(item.reason).startswith("model registry unavailable: ")
    assert norm(NO_REGISTRY_TABLES.says) in norm(item.reason)
    assert store(demo_copy).read_bytes() == before  # refused, never migrated


def test_gto_tags_that_break_the_grammar(demo_copy: Path) -> None:
    project = demo_copy / "project"
    commit = git(project, "rev-parse", "v1.0.0^{commit}").strip()
    env_tag = {**os.environ, "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00"}
    for name in (f"{MODEL}@v1.0.0", f"{MODEL}#prod#1", f"{MODEL}@v1.0", f"{MODEL}#prod#x"):
        subprocess.run(
            ["git", "-C", str(project), "tag", "-a", name, "-m", name, commit],
            check=True, timeout=60, env=env_tag,
        )  # fmt: skip
    run = run_mw("integrity", "-c", demo_copy / "metricwatch.yaml", "--tags", f"{MODEL}@*")
    expect(GTO_GRAMMAR, run)
    assert f"note: tag '{MODEL}#prod#x' breaks GTO's grammar" in run.text
    stages = t("integrity.stages", "en")  # the stages table's title
    assert stages in run.out
    releases = run.out.split(stages)[0]  # the correspondence table and the checklists
    assert f"{MODEL}#prod#1" not in releases  # a stage tag is never a release
    prod = next(line for line in run.out.splitlines() if f"{MODEL}#prod#1" in line)
    assert "prod" in prod and "v1.0.0" in prod  # the stages table: prod → v1.0.0
    assert "2 tag(s): 0 ✅, 0 ⚠, 2 ❌" in run.text  # @v1.0.0 and @v1.0: no run carries them
    (art,) = artifact_stages(git_dvc.read_gto_tags(project).tags)
    assert art.stage("prod").version == "v1.0.0"  # the broken tags change nothing


def test_dataset_digest_in_an_unknown_format(demo_copy: Path) -> None:
    import mlflow
    from mlflow.data.meta_dataset import MetaDataset

    from metricwatch.track_datasets import _source_class

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{store(demo_copy)}")
    exp = client.get_experiment_by_name("student-performance").experiment_id
    (run,) = client.search_runs([exp], filter_string="tags.version = 'v1.0.1'")
    ds = MetaDataset(
        _source_class()("dvc://data/raw/students.csv@v1.0.1"),
        name="data/raw/students.csv",
        digest="1a2b3c4d",
    )
    tag = mlflow.entities.InputTag("mlflow.data.context", "training")
    client.log_inputs(
        run.info.run_id, datasets=[mlflow.entities.DatasetInput(ds._to_mlflow_entity(), [tag])]
    )
    run_cli = run_mw(
        "integrity", "-c", demo_copy / "metricwatch.yaml", "--tags", "v1.0.1", "-f", "markdown"
    )
    expect(UNKNOWN_DIGEST, run_cli)
    assert f"❓ training data = the tag's data: {UNKNOWN_DIGEST.says}" in run_cli.text


def _commit_tag(project: Path, tag: str) -> None:
    git(project, "add", "-A")
    git(project, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", tag)
    git(project, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "tag", "-a", tag, "-m", tag)


def test_huge_plot_file(demo_copy: Path) -> None:
    project = demo_copy / "project"
    rows = "".join(f"{i % 4},{(i * 7) % 4}\n" for i in range(200_000))
    (project / "reports" / "plots" / "confusion.csv").write_text("actual,predicted\n" + rows)
    _commit_tag(project, "v1.0.4")
    v0, v4 = load_dvc_plots(
        DvcSource.of(load_config(demo_copy / "metricwatch.yaml")), ["v1.0.0", "v1.0.4"]
    )
    big = v4.plot("reports/plots/confusion.csv").files[0]
    assert big.capped and len(big.rows) == 20_000 and HUGE_PLOT.exit_code == 0
    assert big.note == HUGE_PLOT.says
    assert not v0.plot("reports/plots/confusion.csv").files[0].capped


def test_plot_missing_at_a_revision(demo_copy: Path) -> None:
    project = demo_copy / "project"
    git(project, "rm", "-q", "reports/plots/confusion.csv")
    _commit_tag(project, "v1.0.4")
    gone, v4 = load_dvc_plots(
        DvcSource.of(load_config(demo_copy / "metricwatch.yaml")), ["v0.9", "v1.0.4"]
    )
    missing = v4.plot("reports/plots/confusion.csv").files[0]
    assert missing.kind == "unavailable" and gone.status == "unavailable"
    assert f"{missing.note}; {gone.reason}" == MISSING_PLOT.says
