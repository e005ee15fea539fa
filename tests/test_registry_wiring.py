"""The Model Registry and dataset inputs wired into the KPIs and the integrity checklist, on the
shared demo (its releases are versions of `student-performance`, @champion on v1.0.0's run and
@challenger on v1.0.3's; its runs log their DVC inputs as datasets).

Sections are built from collected results and rendered to HTML, never as a full report. The
stores a test changes are private copies of the demo's SQLite file.
"""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from support.configs import make_config

from metricwatch.config import Config
from metricwatch.errors import ConfigError, MetricwatchError
from metricwatch.i18n import t
from metricwatch.parts.integrity.collect import check_integrity
from metricwatch.parts.integrity.model import IntegrityReport
from metricwatch.parts.kpis.collect import KpiReport, build_kpis
from metricwatch.pipeline.collect import collect
from metricwatch.pipeline.meta import build_meta
from metricwatch.result import MonitoringResult

pytestmark = pytest.mark.slow

MODEL = "student-performance"
CHAMPION = {"model": MODEL, "alias": "champion"}


def demo_sections(demo: Path) -> dict[str, Any]:
    return yaml.safe_load((demo / "metricwatch.yaml").read_text(encoding="utf-8"))


def demo_cfg(demo: Path, **sections: Any) -> Config:
    return make_config(demo, demo_sections(demo), **sections)


def with_baseline(demo: Path, baseline: dict[str, Any], **sections: Any) -> Config:
    base = {k: v for k, v in demo_sections(demo).items() if k != "baseline"}
    return make_config(demo, base, baseline=baseline, **sections)


def kpis_of(cfg: Config) -> KpiReport:
    return build_kpis(cfg, with_dvc=False, with_system=False)


def html_of(result: MonitoringResult, section: str, lang: str) -> str:
    module = __import__(f"metricwatch.parts.{section}.section", fromlist=["build"])
    return "\n".join(b.html() for b in module.build(result, lang) if hasattr(b, "html"))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def printed(renderable: Any) -> str:
    console = Console(width=250, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


@pytest.mark.parametrize(
    ("baseline", "wrong"),
    [
        ({"alias": "champion"}, "alias needs model"),
        ({"model": MODEL}, "model needs exactly one of alias or version"),
        ({"model": MODEL, "alias": "champion", "version": 1}, "exactly one of alias or version"),
        ({"model": MODEL, "alias": "champion", "tag": {"stage": "x"}}, "model cannot go with tag"),
    ],
)
def test_registry_baseline_config_errors(baseline: dict, wrong: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        make_config(tmp_path, baseline=baseline)
    assert wrong in str(err.value)


def test_registry_baseline_config_parses(tmp_path: Path) -> None:
    by_number = make_config(tmp_path, baseline={"model": MODEL, "version": 3}).baseline
    assert by_number.selector() == {"model": MODEL, "alias": None, "registered": "3"}
    assert not by_number.is_default
    cfg = make_config(tmp_path, baseline=CHAMPION, integrity={"registered_model": MODEL})
    assert cfg.baseline.selector() == {"model": MODEL, "alias": "champion", "registered": None}
    assert cfg.integrity.registered_model == MODEL


@pytest.fixture(scope="module")
def champion(demo_dir: Path) -> KpiReport:
    return kpis_of(with_baseline(demo_dir, CHAMPION))


def test_champion_is_the_default_baseline(demo_dir: Path, champion: KpiReport) -> None:
    default = kpis_of(demo_cfg(demo_dir))
    assert default.baseline.selector == "tag stage=baseline"
    assert champion.baseline_run_id == default.baseline_run_id is not None
    assert champion.baseline_row is not None and champion.baseline_row.version == "v1.0.0"
    reg = champion.baseline.registry
    assert reg is not None and (reg.model, reg.version, reg.alias) == (MODEL, "1", "champion")
    by_version = kpis_of(with_baseline(demo_dir, {"model": MODEL, "version": 3}))
    assert by_version.baseline_row is not None and by_version.baseline_row.version == "v1.0.3"


def test_kpi_rows_mark_registered_versions(champion: KpiReport) -> None:
    from metricwatch.parts.kpis.table import kpi_table

    marks = {r.version: [m.text for m in r.registered] for r in champion.rows}
    assert marks == {
        "v1.0.0": [f"{MODEL} v1 @champion"],
        "v1.0.1": [f"{MODEL} v2"],
        "v1.0.3": [f"{MODEL} v3 @challenger"],
    }
    for view in ("cli", "report"):
        table = kpi_table(champion, "en", view=view)
        headers, cells = table.headers(), table.texts()
        col = headers.index("Registered model")
        by_version = {row[headers.index("Version")]: row[col] for row in cells}
        assert by_version["v1.0.3"] == f"{MODEL} v3 @challenger", view


@pytest.mark.parametrize("lang", ["en", "es"])
def test_kpi_section_names_model_version_alias(
    demo_dir: Path, champion: KpiReport, lang: str
) -> None:
    cfg = with_baseline(demo_dir, CHAMPION)
    result = MonitoringResult(meta=build_meta(cfg), parts={"kpis": champion})
    text = text_of(html_of(result, "kpis", lang))
    said = t("kpis.registry_baseline.alias", lang, model=MODEL, version="1", alias="champion",
             run_id=champion.baseline_run_id)  # fmt: skip
    assert said in text
    assert t("kpis.col.registered", lang) in text
    assert f"{MODEL} v1 @champion" in text and f"{MODEL} v3 @challenger" in text


def test_missing_alias_is_a_row_not_a_traceback(demo_dir: Path) -> None:
    cfg = with_baseline(demo_dir, {"model": MODEL, "alias": "retired"})
    result = collect(cfg, ("kpis",))
    assert "kpis" not in result.parts
    reason = result.errors["kpis"]
    assert f"registered model '{MODEL}' has no alias @retired" in reason
    assert "@champion → version 1" in reason and "internal error" not in reason
    html = html_of(result, "kpis", "en")
    assert "has no alias @retired" in text_of(html)


def test_store_without_registry_tables(demo_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "mlflow.db"
    shutil.copy(demo_dir / "mlflow.db", db)
    con = sqlite3.connect(db)
    con.execute("DROP TABLE registered_model_aliases")
    con.commit()
    con.close()
    store = {"tracking_uri": f"sqlite:///{db}"}
    with pytest.raises(MetricwatchError) as err:
        kpis_of(with_baseline(demo_dir, CHAMPION, mlflow=store))
    assert "holds no MLflow Model Registry (no registered_model_aliases table)" in str(err.value)
    plain = kpis_of(demo_cfg(demo_dir, mlflow=store))  # the default baseline still works
    assert plain.baseline_row is not None and not any(r.registered for r in plain.rows)
    assert any(n.startswith("registered model versions not marked: ") for n in plain.notes)


@pytest.fixture(scope="module")
def integrity(demo_dir: Path) -> IntegrityReport:
    return check_integrity(demo_cfg(demo_dir))


def items_of(rep: IntegrityReport, name: str) -> dict[str, tuple[str, str]]:
    return {t.tag: (i.status, i.reason) for t in rep.tags if (i := t.item(name)) is not None}


def test_registered_version_per_release(integrity: IntegrityReport) -> None:
    got = items_of(integrity, "registered_model")
    assert got == {
        "v1.0.0": ("ok", f"{MODEL} version 1 @champion"),
        "v1.0.1": ("ok", f"{MODEL} version 2"),
        "v1.0.2": ("unknown", "no MLflow run to look up"),  # the demo's release without a run
        "v1.0.3": ("ok", f"{MODEL} version 3 @challenger"),
    }
    assert integrity.statuses["v1.0.0"] == "ok" and integrity.statuses["v1.0.1"] == "ok"


def test_training_data_matches_the_tags(integrity: IntegrityReport) -> None:
    got = items_of(integrity, "training_data")
    for tag in ("v1.0.0", "v1.0.1"):
        status, reason = got[tag]
        assert status == "ok", (tag, reason)
        assert (
            reason.startswith("2 dataset(s) = the tag's data: ")
            and "data/raw/students.csv" in reason
        )


@pytest.mark.parametrize("lang", ["en", "es"])
def test_integrity_section_and_cli_show_the_items(
    demo_dir: Path, integrity: IntegrityReport, lang: str
) -> None:
    from metricwatch.cli.integrity_format import markdown, tables

    result = MonitoringResult(meta=build_meta(demo_cfg(demo_dir)), parts={"integrity": integrity})
    text = text_of(html_of(result, "integrity", lang))
    for item in ("registered_model", "training_data"):
        assert t(f"integrity.item.{item}", lang) in text
    version = {"en": "version", "es": "versión"}[lang]  # the reason, in the section's language
    assert f"{MODEL} {version} 3 @challenger" in text
    console = Console(width=250, record=True, file=io.StringIO())
    cli = printed(tables(console, integrity)[1])  # the checklist
    assert "registered model version for" in cli and "training data = the tag's" in cli
    assert f"✅ {t('integrity.item.training_data', lang)}" in markdown(integrity, lang)


def test_a_different_digest_fails_naming_both(demo_dir: Path, tmp_path: Path) -> None:
    import mlflow

    from metricwatch.track_datasets import dvc_dataset

    db = tmp_path / "mlflow.db"
    shutil.copy(demo_dir / "mlflow.db", db)
    cfg = demo_cfg(demo_dir, mlflow={"tracking_uri": f"sqlite:///{db}"})
    run_id = next(t.run_id for t in check_integrity(cfg, pattern="v1.0.1").tags)
    assert run_id is not None
    other = "0123456789abcdef0123456789abcdef"
    ds = dvc_dataset("data/raw/students.csv", other, "v1.0.1")
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{db}")
    client.log_inputs(run_id, datasets=[mlflow.entities.DatasetInput(ds._to_mlflow_entity(), [])])
    (tag,) = check_integrity(cfg, pattern="v1.0.1").tags
    item = tag.item("training_data")
    assert item is not None and item.status == "fail" and tag.status == "fail"
    lock = re.search(r"the run's data ([0-9a-f]{32}) ≠ the tag's ([0-9a-f]{32})", item.reason)
    assert lock is not None, item.reason
    assert lock.group(1) == other and lock.group(2) != other
    assert item.reason.startswith("data/raw/students.csv: ")
