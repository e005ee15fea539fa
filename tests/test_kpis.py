"""The KPI table: identical across store kinds, aliases, NaN/inf, params hash, baseline, CLI."""

from __future__ import annotations

import json

import pytest
import yaml
from support import mlflow_fixtures as fx
from support.configs import make_config
from support.mlflow_fixtures import make_cfg, store_uri
from support.mlflow_stores import build_many_runs_sqlite

from metricwatch.cli import main
from metricwatch.errors import CheckError
from metricwatch.hashing import params_hash
from metricwatch.mlflow_server import local_mlflow_server
from metricwatch.parts.kpis.collect import (
    KpiReport,
    build_kpis,
    unknown_values,
    unknown_values_summary,
)
from metricwatch.parts.kpis.metric_values import metric_value, pick_alias
from metricwatch.sources.mlflow_runs import load_runs
from metricwatch.sources.views import MlflowSource

stores, server = fx.stores, fx.server  # shared fixtures


def _kpis(stores, tmp_path, kind="sqlite", **cfg):
    mlflow = {"tracking_uri": store_uri(kind, stores, None), "experiments": ["churn"]}
    return build_kpis(make_config(tmp_path, {"mlflow": mlflow}, **cfg), with_dvc=False)


def _rows(report):
    return {r.run_name: r for r in report.rows}


@pytest.mark.slow
def test_three_store_kinds_give_identical_tables(stores, server, tmp_path) -> None:
    dumps = {}
    for kind in ("file", "sqlite", "server"):
        cfg = make_cfg(store_uri(kind, stores, server), tmp_path, experiments=["churn"])
        report = build_kpis(cfg, with_dvc=False)
        data = report.model_dump(mode="json")
        dumps[kind] = {k: data[k] for k in ("rows", "trends", "system", "baseline", "columns")}
        dumps[kind]["extra_columns"] = data["extra_columns"]
    assert dumps["file"] == dumps["sqlite"] == dumps["server"]
    assert len(dumps["file"]["rows"]) == 4


@pytest.mark.slow
def test_aliases_first_present_wins_and_extra_columns(stores, tmp_path) -> None:
    rows = _rows(_kpis(stores, tmp_path))
    base, rel = rows["baseline-v1.0.0"], rows["release-v1.0.1"]
    assert base.metric_keys["qwk"] == "quadratic_weighted_kappa"
    assert base.values["qwk"].value == pytest.approx(0.80)
    assert rel.metric_keys["train_time_s"] == "training_time_s"
    assert (
        rel.metric_keys["drift_pct"] == "drift_pct"
        and base.metric_keys["drift_pct"] == "data_drift_pct"
    )
    assert rel.extra["mae"].display == "0.31"
    assert "mae" not in base.extra
    report = _kpis(stores, tmp_path)
    assert report.extra_columns == ["mae"]  # system/… metrics are not extra columns
    custom = _kpis(stores, tmp_path, mlflow={"metrics": {"qwk": ["kappa_missing", "qwk"]}})
    assert _rows(custom)["baseline-v1.0.0"].values["qwk"].state == "missing"
    assert _rows(custom)["release-v1.0.1"].values["qwk"].value == pytest.approx(0.82)
    assert "quadratic_weighted_kappa" in custom.extra_columns


@pytest.mark.slow
def test_nan_inf_are_flagged_never_numbers(stores, tmp_path) -> None:
    for kind in ("file", "sqlite"):
        broken = _rows(_kpis(stores, tmp_path, kind))["broken-v1.0.2"]
        assert (broken.values["rmse"].state, broken.values["rmse"].display) == ("nan", "NaN")
        assert broken.values["qwk"].state == "-inf" and broken.values["qwk"].value is None
        assert broken.values["train_time_s"].state == "inf"
        assert broken.values["drift_pct"].display == "—"
        assert broken.values["drift_pct"].state == "missing"


@pytest.mark.slow
def test_unknown_values_are_named_and_warned(stores, tmp_path, caplog) -> None:
    with caplog.at_level("WARNING", logger="metricwatch"):
        report = _kpis(stores, tmp_path)
    broken = _rows(report)["broken-v1.0.2"]
    want = f"broken-v1.0.2 ({broken.run_id_short}): rmse = NaN, qwk = -inf, train_time_s = inf"
    assert unknown_values(report.rows, report.columns) == [want]
    assert want in caplog.text and "never counted as a pass" in caplog.text


def test_unknown_values_summary_caps_the_list() -> None:
    items = [f"run{i}" for i in range(25)]
    assert unknown_values_summary(items[:2]) == "run0; run1"
    summary = unknown_values_summary(items)
    assert summary.startswith("run0; run1") and summary.endswith("run19; and 5 more run(s)")


def test_metric_value_known_answers() -> None:
    cases = {
        None: ("missing", None, "—"),
        float("nan"): ("nan", None, "NaN"),
        float("inf"): ("inf", None, "inf"),
        -1.7976931348623157e308: ("-inf", None, "-inf"),
        1.7976931348623157e308: ("inf", None, "inf"),
        0.123456789: ("ok", 0.123456789, "0.123457"),
        12.0: ("ok", 12.0, "12"),
    }
    for raw, (state, value, display) in cases.items():
        mv = metric_value(raw)
        assert (mv.state, mv.value, mv.display) == (state, value, display), raw
    assert pick_alias({"b": 2.0, "a": 1.0}, ["a", "b"]) == ("a", 1.0)
    assert pick_alias({"c": 1.0}, ["a", "b"]) == (None, None)


@pytest.mark.slow
def test_params_hash_is_order_independent(stores, tmp_path) -> None:
    rows = _rows(_kpis(stores, tmp_path))
    # logged as lr, depth, seed and as seed, depth, lr: same hash
    assert rows["baseline-v1.0.0"].params_hash == rows["release-v1.0.1"].params_hash
    assert rows["baseline-v1.0.0"].params_hash == params_hash(
        {"seed": "42", "lr": "0.1", "depth": "6"}
    )
    assert rows["broken-v1.0.2"].params_hash != rows["baseline-v1.0.0"].params_hash
    assert rows["empty-run"].params_hash is None
    assert len(rows["baseline-v1.0.0"].params_hash) == 12


@pytest.mark.slow
def test_baseline_selectors(stores, tmp_path) -> None:
    default = _kpis(stores, tmp_path)
    assert default.baseline_row.run_name == "baseline-v1.0.0"
    assert [r.run_name for r in default.rows if r.is_baseline] == ["baseline-v1.0.0"]
    by_version = _kpis(stores, tmp_path, baseline={"version": "v1.0.1"})
    assert by_version.baseline_run_id == stores.ids["release-v1.0.1"]
    by_id = _kpis(stores, tmp_path, baseline={"run_id": stores.ids["broken-v1.0.2"]})
    assert by_id.baseline_row.run_name == "broken-v1.0.2"
    by_tag = _kpis(stores, tmp_path, baseline={"tag": {"stage": "release"}})
    assert by_tag.baseline_row.run_name == "release-v1.0.1"


@pytest.mark.slow
def test_configured_baseline_missing_or_deleted_is_an_error(stores, tmp_path) -> None:
    with pytest.raises(CheckError, match=r"baseline \(version v7\) matches no run"):
        _kpis(stores, tmp_path, baseline={"version": "v7"})
    with pytest.raises(CheckError, match=r"baseline \(version v0.9\) is a deleted run") as info:
        _kpis(stores, tmp_path, baseline={"version": "v0.9"})
    assert stores.ids["deleted-v0.9"] in str(info.value)
    with pytest.raises(CheckError, match="is a deleted run"):
        _kpis(stores, tmp_path, baseline={"run_id": stores.ids["deleted-v0.9"]})


@pytest.mark.slow
def test_default_baseline_absent_is_a_note(stores, tmp_path) -> None:
    report = _kpis(stores, tmp_path, mlflow={"experiments": ["other"]})
    assert report.baseline_run_id is None
    assert "no baseline: no run is tagged stage=baseline (the default)" in report.notes
    # the result stores the message; the report words it in its language
    assert [m.text("es") for m in report.baseline.remarks] == [
        "sin baseline: ningún run tiene el tag stage=baseline (el predeterminado)"
    ]
    # a metrics.json saved when the sources' notes were English strings reads back with them
    old = {**report.model_dump(mode="json"), "source_notes": ["as it was"]}
    assert KpiReport.model_validate(old).notes[0] == "as it was"
    assert KpiReport.model_validate(report.model_dump(mode="json")) == report


@pytest.mark.slow
def test_dates_in_configured_timezone_and_trends(stores, tmp_path) -> None:
    report = _kpis(stores, tmp_path, report={"timezone": "Europe/Madrid"})
    rows = _rows(report)
    assert rows["baseline-v1.0.0"].date == "2026-03-01 10:30 CET"
    assert rows["baseline-v1.0.0"].start_time.isoformat() == "2026-03-01T09:30:00+00:00"
    assert [r.run_name for r in report.rows][:2] == ["baseline-v1.0.0", "release-v1.0.1"]
    rmse = report.trends["rmse"]
    assert [(p.version, p.state) for p in rmse] == [
        ("v1.0.0", "ok"), ("v1.0.1", "ok"), ("v1.0.2", "nan"), (None, "missing")
    ]  # fmt: skip
    assert rmse[0].is_baseline and rmse[1].value == pytest.approx(0.48)
    (usage,) = report.system
    assert usage.run_id == stores.ids["release-v1.0.1"] and usage.version == "v1.0.1"
    assert (usage.peak_memory_mb, usage.peak_cpu_pct) == (1500.0, 80.0)
    assert usage.mean_cpu_pct == pytest.approx(175 / 3) and usage.samples == 3


@pytest.mark.slow
def test_cli_formats(stores, tmp_path, capsys) -> None:
    cfg_file = tmp_path / "metricwatch.yaml"
    cfg_file.write_text(
        yaml.safe_dump(
            {"project": {"path": str(tmp_path)},
             "mlflow": {"tracking_uri": f"sqlite:///{stores.sqlite_db}", "experiments": ["churn"]}}
        ),
        encoding="utf-8",
    )  # fmt: skip
    assert main(["kpis", "-c", str(cfg_file), "--format", "json", "--no-dvc"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["baseline_run_id"] == stores.ids["baseline-v1.0.0"]
    assert len(data["rows"]) == 4
    assert (
        main(["kpis", "-c", str(cfg_file), "-f", "csv", "--no-dvc", "--since", "2026-03-02"]) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Date,Run name,Run ID,Run ID (full),Version,Stage,RMSE,QWK")
    assert len(lines) == 1 + 3
    assert any(stores.ids["release-v1.0.1"] in ln and ",0.48,0.82,11,2.5," in ln for ln in lines)
    assert main(["kpis", "-c", str(cfg_file), "-f", "markdown", "--no-dvc"]) == 0
    md = capsys.readouterr().out
    assert "| ★ baseline |" in md and "| NaN |" in md
    assert main(["kpis", "-c", str(cfg_file)]) == 0  # table; not a DVC project: a note
    out = capsys.readouterr()
    assert "★ baseline" in out.out and "DVC metrics unavailable" in out.err
    assert main(["kpis", "-c", str(cfg_file), "-e", "nope"]) == 1
    assert "'churn', 'other'" in " ".join(capsys.readouterr().err.split())


@pytest.mark.slow
def test_more_than_1000_runs_are_all_counted(tmp_path_factory) -> None:
    base = tmp_path_factory.mktemp("many")
    uri = build_many_runs_sqlite(base / "many.db", 1005)
    cfg = make_cfg(uri, base)
    rs = load_runs(MlflowSource.of(cfg))
    assert len(rs.runs) == 1005
    assert len({r.run_id for r in rs.runs}) == 1005
    paged = load_runs(MlflowSource.of(cfg), page_size=400)  # three pages through page_token
    assert {r.run_id for r in paged.runs} == {r.run_id for r in rs.runs}
    with local_mlflow_server(uri, timeout_s=240) as srv:
        # generous timeout: the shared CI box can be slow to serialize large pages
        http_cfg = make_cfg(srv.url, base, experiments=["many"], timeout_s=300)
        rs_http = load_runs(MlflowSource.of(http_cfg), page_size=400)
    assert {r.run_id for r in rs_http.runs} == {r.run_id for r in rs.runs}
    report = build_kpis(cfg, rs, with_dvc=False)
    assert len(report.rows) == 1005
