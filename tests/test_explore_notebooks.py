"""The explore notebooks (notebooks/explore/) run on the demo as JupyterLab users run them.

They are thin (a parameters cell, then library calls), so a library change that breaks one is
found here: each is executed by papermill with a real kernel, and its output is checked.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from metricwatch.config import load_config
from metricwatch.parts.drift.collect import run_drift
from metricwatch.parts.drift.figures import top_features
from metricwatch.render.execute import execute_notebook

pytestmark = pytest.mark.slow
EXPLORE = Path(__file__).resolve().parents[1] / "notebooks" / "explore"


def run(name: str, params: dict[str, str], tmp_path: Path) -> list[dict]:
    out = execute_notebook(
        EXPLORE / f"{name}.ipynb",
        tmp_path / f"{name}.ipynb",
        params,
        jupyter_dir=tmp_path / "jupyter",
    )
    nb = nbformat.read(out, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_compare_runs_tabulates_the_baseline_against_the_newest_run(
    demo_dir: Path, tmp_path: Path
) -> None:
    config = str(demo_dir / "metricwatch.yaml")
    outputs = run("compare_runs", {"config_path": config, "run_b": "v1.0.3"}, tmp_path)
    (table,) = [o for o in outputs if "text/html" in o.get("data", {})]
    html = table["data"]["text/html"]
    assert "<table" in html and "rmse" in html
    assert all(o.get("output_type") != "error" for o in outputs)


def test_drift_feature_draws_the_most_drifted_feature(demo_dir: Path, tmp_path: Path) -> None:
    config = str(demo_dir / "metricwatch.yaml")
    expected = top_features(run_drift(load_config(config), concept=False), 1)[0].name
    outputs = run("drift_feature", {"config_path": config}, tmp_path)
    (figure,) = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert expected in str(figure["data"]["application/vnd.plotly.v1+json"]["layout"])
