"""A drift row's reason is stored as catalogue messages: worded in Spanish by the report's drift
table, in English by JSON and the CLI (the computed `reason`, as before), and a metrics.json
written before (reasons as plain text) still reads back with its English text."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from metricwatch.config import DriftConfig
from metricwatch.parts.drift.collect import build_report, frames_report
from metricwatch.parts.drift.model import DriftReport
from metricwatch.parts.drift.section import verdict_text
from metricwatch.sources.drift_engines.local_count import count, tasks_of
from metricwatch.sources.drift_engines.local_freeze import freeze_frame
from metricwatch.stats.bin_spec import SkippedColumn, parse_spec
from metricwatch.stats.feature_drift import FeatureDrift


def _report() -> DriftReport:
    rng = np.random.default_rng(0)
    ref = pd.DataFrame(
        {
            "x": rng.normal(0, 1, 1000),
            "const": 3.0,
            "gone": 1.0,
            "c": rng.choice(["a", "b"], 1000),
            "label": rng.choice([0, 1], 1000),
        }
    )
    cur = pd.DataFrame(
        {
            "x": ["1.5"] * 990 + ["abc"] * 10,
            "const": np.where(np.arange(1000) < 500, 3.0, 4.0),
            "c": ["a", "b", "new1", "new2", "new3", "new4"] * 166 + ["a"] * 4,
            "extra": 2.0,
        }
    )
    return frames_report(ref, cur, DriftConfig(target="label"))


def test_drift_reasons_are_worded_in_spanish_and_english() -> None:
    rep = _report()
    rows = {f.name: f for f in rep.features}
    es = {name: verdict_text(f, "es") for name, f in rows.items()}
    assert es["x"] == (
        "tipo distinto: numérica en la referencia pero texto en los datos actuales: 10 de 1000 "
        "valores no son números (p. ej. 'abc')"
    )
    assert es["const"] == (
        "constante: en la referencia (todos los valores son 3); sin veredicto; 1 categoría que no "
        "está en la referencia ('4'): 500 de 1000 valores actuales, contados en el intervalo "
        "'unseen'"
    )
    assert (
        es["gone"]
        == "columna ausente: la columna 'gone' está en la referencia pero no en los datos actuales"
    )
    assert (
        es["extra"]
        == "columna ausente: la columna 'extra' está en los datos actuales pero no en la referencia"
    )
    assert "4 categorías que no están en la referencia (" in es["c"] and " y 1 más): " in es["c"]
    assert verdict_text(rows["x"], "en") == (
        "type mismatch: numeric in the reference but text in the current: 10 of 1000 values are "
        "not numbers (e.g. 'abc')"
    )
    assert rows["x"].reason.startswith("column 'x': numeric in the reference but text in the")
    assert rep.target_note == "target column 'label' is not in the current data: no label drift"


def test_small_samples_are_worded_in_spanish() -> None:
    x = pd.DataFrame({"x": np.random.default_rng(1).normal(0, 1, 60)})
    (tiny,) = frames_report(x[:30], x[30:], DriftConfig()).features
    assert verdict_text(tiny, "es") == (
        "muestra pequeña (n=30 < 5 × 10 intervalos); se muestran las cifras, sin veredicto"
    )
    (few,) = frames_report(x[:5], x[30:], DriftConfig()).features
    assert few.reason == "insufficient data (n=5 in the reference, fewer than 10 bins)"
    assert (
        verdict_text(few, "es")
        == "datos insuficientes (n=5 en la referencia, menos de 10 intervalos)"
    )


def test_a_stored_report_reads_back_and_an_older_one_keeps_its_english() -> None:
    rep = _report()
    again = DriftReport.model_validate_json(rep.model_dump_json())
    assert again == rep
    old = rep.model_dump(mode="json")
    del old["target_why"]
    for row in old["features"]:
        del row["why"]  # a metrics.json of an older metricwatch: reasons as text only
    older = DriftReport.model_validate(old)
    assert [f.reason for f in older.features] == [f.reason for f in rep.features]
    assert older.target_note == rep.target_note
    gone = next(f for f in older.features if f.name == "gone")
    assert verdict_text(gone, "en") == verdict_text(rep.features[2], "en")
    row = FeatureDrift.model_validate({"name": "z", "kind": None, "status": "missing column"})
    assert row.reason == "" and verdict_text(row, "es") == "columna ausente"


def test_skipped_columns_are_worded_and_an_older_bin_spec_keeps_its_hash() -> None:
    n = 3000
    ref = pd.DataFrame(
        {
            "t": pd.date_range("2020-01-01", periods=n, freq="h"),
            "id": [f"u{i}" for i in range(n)],
            "nan": np.nan,
            "x": np.random.default_rng(2).normal(0, 1, n),
        }
    )
    dcfg = DriftConfig()
    spec = freeze_frame(ref, dcfg, label="reference frame")
    rows = {f.name: f for f in frames_report(ref, ref, dcfg).features}
    assert verdict_text(rows["t"], "es") == (
        "cardinalidad alta: columna de fecha/hora: no se compara (conviértala en número o exclúyala)"
    )
    assert verdict_text(rows["id"], "es").startswith("cardinalidad alta: texto con 3000 valores")
    assert verdict_text(rows["nan"], "es") == (
        "todo ausente: ningún valor finito en la referencia (todo NaN o ±inf)"
    )
    assert rows["nan"].reason == "column 'nan': no finite value in the reference (all NaN or ±inf)"
    older = spec.model_dump(mode="json")
    for col in older["columns"]:
        col.pop("why", None)  # a spec frozen before its reasons were messages
    again = parse_spec(json.dumps(older), "spec.json")  # its hash still matches
    assert again.hash == spec.hash
    skipped = [c for c in again.columns if isinstance(c, SkippedColumn)]
    assert [c.name for c in skipped] == ["t", "id", "nan"] and not any(c.why for c in skipped)
    old_rows = {f.name: f for f in build_report(again, count([ref], tasks_of(again)), dcfg,
                                                reference="r", current="c").features}  # fmt: skip
    assert old_rows["nan"].reason == rows["nan"].reason
