"""Frozen bin specs: written once, identified by their hash, refused when they do not fit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.configs import make_config

from metricwatch.cli import main
from metricwatch.errors import CheckError, ConfigError
from metricwatch.parts.drift.collect import freeze_spec, run_drift
from metricwatch.parts.drift.text import binning_text
from metricwatch.stats.bin_spec import parse_spec


def _frame(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(shift, 1, n),
            "y": np.round(rng.normal(5, 2, n), 1),
            "c": rng.choice(["a", "b", "c"], n),
            "label": rng.integers(0, 3, n),
        }
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    _frame(3000, 1).to_csv(tmp_path / "ref.csv", index=False)
    _frame(2000, 2, 0.4).to_csv(tmp_path / "cur.csv", index=False)
    return tmp_path


SPEC = {"drift": {"reference": "ref.csv", "current": "cur.csv", "target": "label"}}


def test_a_frozen_spec_gives_the_same_numbers_and_carries_its_hash(project: Path) -> None:
    spec = freeze_spec(make_config(project, SPEC), project / "spec.json")
    text = (project / "spec.json").read_text(encoding="utf-8")
    assert parse_spec(text, "spec.json") == spec  # round trip, hash checked
    assert spec.hash.startswith("sha256:") and len(spec.hash) == 71
    assert [c.name for c in spec.columns] == ["x", "y", "c"] and spec.target.name == "label"
    live = run_drift(make_config(project, SPEC), concept=False)
    frozen = run_drift(make_config(project, SPEC, drift={"bin_spec": "spec.json"}), concept=False)
    assert frozen.bin_spec.frozen and frozen.bin_spec.hash == live.bin_spec.hash == spec.hash
    assert [f.model_dump() for f in frozen.features] == [f.model_dump() for f in live.features]
    assert spec.hash in binning_text(frozen) and "frozen in" in binning_text(frozen)
    # without the reference the spec's own counts stand in for it
    alone = run_drift(
        make_config(project, SPEC, drift={"bin_spec": "spec.json", "reference": None}),
        concept=False,
    )
    assert [f.model_dump() for f in alone.features] == [f.model_dump() for f in frozen.features]
    assert alone.n_reference == 3000


def test_the_same_data_frozen_again_or_elsewhere_has_the_same_hash(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    a = freeze_spec(make_config(project, SPEC), project / "a.json")
    other = tmp_path_factory.mktemp("elsewhere")
    pd.read_csv(project / "ref.csv").to_parquet(other / "ref.parquet")
    (other / "cur.csv").write_bytes((project / "cur.csv").read_bytes())
    b = freeze_spec(make_config(other, SPEC, drift={"reference": "ref.parquet"}), other / "b.json")
    assert a.hash == b.hash and a.reference.label != b.reference.label


def test_a_spec_edited_by_hand_is_refused(project: Path) -> None:
    freeze_spec(make_config(project, SPEC), project / "spec.json")
    data = json.loads((project / "spec.json").read_text(encoding="utf-8"))
    data["columns"][0]["edges"][1] += 0.5
    (project / "spec.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CheckError, match=r"spec\.json: the bin spec does not match its hash"):
        run_drift(make_config(project, SPEC, drift={"bin_spec": "spec.json"}), concept=False)


def test_strings_in_a_numeric_spec_file_are_refused(project: Path) -> None:
    freeze_spec(make_config(project, SPEC), project / "spec.json")
    data = json.loads((project / "spec.json").read_text(encoding="utf-8"))
    data["columns"][0]["fine_edges"][2] = "0.5"
    (project / "spec.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CheckError, match=r"invalid bin spec at columns\.0\.numeric\.fine_edges\.2"):
        run_drift(make_config(project, SPEC, drift={"bin_spec": "spec.json"}), concept=False)


def test_a_spec_from_another_reference_is_refused(project: Path) -> None:
    freeze_spec(make_config(project, SPEC), project / "spec.json")
    _frame(3000, 9).to_csv(project / "other.csv", index=False)
    with pytest.raises(
        CheckError, match=r"was made from another reference .* than .*other\.csv: column 'x'"
    ):
        run_drift(
            make_config(project, SPEC, drift={"bin_spec": "spec.json", "reference": "other.csv"}),
            concept=False,
        )
    _frame(2999, 1).to_csv(project / "shorter.csv", index=False)
    with pytest.raises(CheckError, match=r"3000 rows\) than .*shorter\.csv \(2999 rows\)"):
        run_drift(
            make_config(project, SPEC, drift={"bin_spec": "spec.json", "reference": "shorter.csv"}),
            concept=False,
        )


def test_data_that_does_not_fit_the_spec_names_the_column(project: Path) -> None:
    freeze_spec(make_config(project, SPEC), project / "spec.json")
    _frame(500, 3).drop(columns=["y"]).to_csv(project / "no_y.csv", index=False)
    with pytest.raises(
        CheckError, match=r"no_y\.csv: column 'y' of bin spec .*spec\.json is not in the current"
    ):
        run_drift(
            make_config(project, SPEC, drift={"bin_spec": "spec.json", "current": "no_y.csv"}),
            concept=False,
        )
    text = _frame(500, 3).assign(x=lambda f: f["x"].astype(str))
    text.loc[7, "x"] = "sensor off"
    text.to_csv(project / "text_x.csv", index=False)
    with pytest.raises(
        CheckError,
        match=r"column 'x': numeric in bin spec .*spec\.json but text in the current: 1 of 500 values",
    ):
        run_drift(
            make_config(project, SPEC, drift={"bin_spec": "spec.json", "current": "text_x.csv"}),
            concept=False,
        )


def test_drift_settings_that_differ_from_the_spec_are_named(project: Path) -> None:
    freeze_spec(make_config(project, SPEC), project / "spec.json")
    with pytest.raises(
        ConfigError,
        match=r"drift\.bins is 20, the spec has 10; drift\.exclude is \['c'\], the spec has \[\]",
    ):
        run_drift(
            make_config(
                project, SPEC, drift={"bin_spec": "spec.json", "bins": 20, "exclude": ["c"]}
            ),
            concept=False,
        )
    with pytest.raises(
        ConfigError,
        match=r"drift\.bin_spec: .*nope\.json does not exist; write it with `metricwatch drift --freeze nope\.json`",
    ):
        run_drift(make_config(project, SPEC, drift={"bin_spec": "nope.json"}), concept=False)


def test_streamed_and_in_memory_give_the_same_numbers_on_one_spec(project: Path) -> None:
    pd.read_csv(project / "ref.csv").to_parquet(project / "ref.parquet", row_group_size=700)
    pd.read_csv(project / "cur.csv").to_parquet(project / "cur.parquet", row_group_size=700)
    cfg = make_config(project, SPEC, drift={"reference": "ref.parquet", "current": "cur.parquet"})
    freeze_spec(cfg, project / "spec.json")
    frozen = make_config(
        project,
        SPEC,
        drift={"reference": "ref.parquet", "current": "cur.parquet", "bin_spec": "spec.json"},
    )
    whole = run_drift(frozen, concept=False)
    batched = run_drift(frozen, concept=False, batch_rows=300)
    assert whole.mode == "in memory" and batched.mode == "batches"
    assert [f.model_dump() for f in whole.features] == [f.model_dump() for f in batched.features]


def test_csv_streamed_in_blocks_counts_like_in_memory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from metricwatch.sources import batches

    monkeypatch.setattr(batches, "CSV_BLOCK_BYTES", 16 << 10)  # several blocks per file
    seen = []
    real = batches.iter_csv
    monkeypatch.setattr(batches, "iter_csv", lambda *a: seen.append(1) or real(*a))
    whole = run_drift(make_config(project, SPEC), concept=False)
    streamed = run_drift(make_config(project, SPEC), concept=False, batch_rows=400)
    assert streamed.mode == "batches" and seen
    # the sample holds every row here (5,000 < 200,000): the same edges, the same numbers
    assert [f.model_dump() for f in whole.features] == [f.model_dump() for f in streamed.features]
    assert whole.target == streamed.target


def test_cli_freeze_then_two_runs_are_identical(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = project / "metricwatch.yaml"
    cfg.write_text("drift:\n  reference: ref.csv\n  current: cur.csv\n  target: label\n", "utf-8")
    assert main(["drift", "-c", str(cfg), "--freeze", str(project / "spec.json")]) == 0
    err = capsys.readouterr().err
    assert "bin spec written to" in err and "3 feature(s) binned, target label" in err
    with cfg.open("a", encoding="utf-8") as fh:
        fh.write("  bin_spec: spec.json\n")
    runs = []
    for _ in range(2):
        assert main(["drift", "-c", str(cfg), "--format", "json", "--no-concept"]) == 0
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1]
    data = json.loads(runs[0])
    assert data["bin_spec"]["frozen"] is True and data["bin_spec"]["hash"].startswith("sha256:")
