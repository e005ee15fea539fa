"""The project's DVC plots at two revisions (real git + DVC repo), and the side-by-side figure.

The repo's pipeline writes, per release, a confusion table (a stage plot, in git), a cached
scatter plot (in the DVC cache), a ROC curve in JSON, a TSV bar chart, a long loss curve and an
image (top-level `plots:`), and from v2 on a file v1 never had. The reads leave the work tree,
`.git` and the DVC cache byte-identical.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.configs import make_config
from support.mlflow_stores import tree_checksums
from support.repos import dvc, git, init_repo

from metricwatch.render.plot_pair import confusion_counts, side_by_side
from metricwatch.sources.dvc_plots import load_dvc_plots
from metricwatch.sources.views import DvcSource

pytestmark = pytest.mark.slow

PNG = (  # a 1×1 PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
GEN = f"""import json, os, yaml
v = yaml.safe_load(open("params.yaml"))["version"]
os.makedirs("reports", exist_ok=True); os.makedirs("eval", exist_ok=True); os.makedirs("models", exist_ok=True)
with open("reports/confusion.csv", "w") as f:
    f.write("actual,predicted\\n" + "".join(f"{{i % 3}},{{(i + (i % v == 0)) % 3}}\\n" for i in range(60)))
with open("models/weights.csv", "w") as f:
    f.write("a,b\\n" + "".join(f"{{i}},{{i * v}}\\n" for i in range(10)))
json.dump({{"roc": [{{"fpr": i / 10, "tpr": min(1, i / 10 * (1 + v / 10))}} for i in range(11)]}}, open("eval/roc.json", "w"))
with open("eval/gain.tsv", "w") as f:
    f.write("feature\\tgain\\n" + "".join(f"f{{i}}\\t{{(i * v) % 7}}\\n" for i in range(5)))
with open("eval/loss.csv", "w") as f:
    f.write("step,loss\\n" + "".join(f"{{i}},{{1 / (i + v)}}\\n" for i in range(5000)))
open("eval/importance.png", "wb").write({PNG!r})
if v >= 2:
    open("eval/late.csv", "w").write("step,acc\\n0,0.5\\n1,0.7\\n")
"""
DVC_YAML = """plots:
  - ROC:
      template: simple
      x: fpr
      y:
        eval/roc.json: tpr
  - Gain:
      template: bar_horizontal_sorted
      x: gain
      y:
        eval/gain.tsv: feature
  - Loss:
      template: linear
      x: step
      y:
        eval/loss.csv: loss
  - Late:
      x: step
      y:
        eval/late.csv: acc
  - eval/importance.png
stages:
  gen:
    cmd: python gen.py
    deps: [gen.py]
    params: [version]
    outs:
      - eval:
          cache: false
    plots:
      - reports/confusion.csv:
          cache: false
          template: confusion
          x: actual
          y: predicted
          title: Confusion
      - models/weights.csv:
          template: scatter
          x: a
          y: b
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_repo(tmp_path_factory.mktemp("plots") / "project")
    (root / "gen.py").write_text(GEN, encoding="utf-8")
    (root / "dvc.yaml").write_text(DVC_YAML, encoding="utf-8")
    for v in (1, 2):
        (root / "params.yaml").write_text(f"version: {v}\n", encoding="utf-8")
        dvc(root, "repro", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", f"v{v}")
        git(root, "tag", "-a", f"v{v}", "-m", f"v{v}")
    return root


def snapshot(repo: Path) -> dict:
    """Every file of the work tree, .git and the DVC cache (DVC's scratch .dvc/tmp aside)."""
    return {k: v for k, v in tree_checksums(repo).items() if "/.dvc/tmp" not in k}


def test_plots_at_two_revisions(repo: Path, tmp_path: Path) -> None:
    before = snapshot(repo)
    v1, v2 = load_dvc_plots(
        DvcSource.of(make_config(repo, project={"path": str(repo)})), ["v1", "v2"], max_rows=1000
    )
    assert snapshot(repo) == before
    assert (v1.status, v2.status) == ("ok", "ok")
    assert sorted(p.id for p in v1.plots) == sorted(
        [
            "ROC",
            "Gain",
            "Loss",
            "Late",
            "eval/importance.png",
            "reports/confusion.csv",
            "models/weights.csv",
        ]
    )
    conf1, conf2 = v1.plot("reports/confusion.csv"), v2.plot("reports/confusion.csv")
    assert (conf1.template, conf1.x, conf1.title) == ("confusion", "actual", "Confusion")
    assert conf1.files[0].y == "predicted" and len(conf1.files[0].rows) == 60
    assert conf1.files[0].rows != conf2.files[0].rows
    roc = v2.plot("ROC")
    assert (roc.template, roc.x, roc.files[0].path, roc.files[0].y) == (
        "simple",
        "fpr",
        "eval/roc.json",
        "tpr",
    )
    assert len(roc.files[0].rows) == 11 and roc.files[0].rows[0] == {"fpr": 0.0, "tpr": 0.0}
    scatter = v2.plot("models/weights.csv")  # a DVC-cached output, read from the cache
    assert scatter.template == "scatter" and scatter.files[0].rows[3] == {"a": "3", "b": "6"}
    image = v1.plot("eval/importance.png").files[0]
    assert (image.kind, image.media_type, image.image) == ("image", "image/png", PNG)
    loss = v1.plot("Loss").files[0]
    assert loss.capped and len(loss.rows) == 1000
    assert loss.note == "eval/loss.csv at v1: capped at the first 1,000 rows of a 0.1 MB file"
    late1, late2 = v1.plot("Late").files[0], v2.plot("Late").files[0]
    assert (late1.kind, late1.note) == ("unavailable", "eval/late.csv does not exist at v1")
    assert late2.kind == "table" and late2.rows[1] == {"step": "1", "acc": "0.7"}


def test_missing_revision_and_oversized_json(repo: Path) -> None:
    source = DvcSource.of(make_config(repo, project={"path": str(repo)}))
    nosuch, v2 = load_dvc_plots(source, ["v9", "v2"], max_bytes=200)
    assert (nosuch.status, nosuch.reason) == (
        "unavailable",
        "revision 'v9' does not exist (no such tag, branch or commit)",
    )
    roc = v2.plot("ROC").files[0]
    assert roc.kind == "unavailable"
    assert (
        roc.note
        == f"eval/roc.json at v2 is {roc.size / 1_048_576:.1f} MB, over the 0.0 MB cap: not drawn"
    )
    assert (
        v2.plot("reports/confusion.csv").files[0].kind == "table"
    )  # tables are capped, not dropped


def test_cached_plot_missing_from_cache(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(repo, copy, symlinks=True)
    shutil.rmtree(copy / ".dvc" / "cache")
    (v1,) = load_dvc_plots(DvcSource.of(make_config(copy, project={"path": str(copy)})), ["v1"])
    weights = v1.plot("models/weights.csv").files[0]
    assert weights.kind == "unavailable"
    assert weights.note.startswith(
        "models/weights.csv at v1 is a DVC-cached output in neither the local cache nor the remote"
    )
    assert v1.plot("reports/confusion.csv").files[0].kind == "table"  # git-tracked: still there


def test_side_by_side_confusion(repo: Path) -> None:
    source = DvcSource.of(make_config(repo, project={"path": str(repo)}))
    v1, v2 = load_dvc_plots(source, ["v1", "v2"])
    fig = side_by_side(
        ("v1", v1.plot("reports/confusion.csv")), ("v2", v2.plot("reports/confusion.csv"))
    )
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 2
    for trace, rev in zip(heatmaps, (v1, v2), strict=True):
        rows = rev.plot("reports/confusion.csv").files[0].rows
        assert sum(map(sum, trace.z)) == len(rows) == 60
        assert list(trace.x) == list(trace.y) == ["0", "1", "2"]
    assert fig.layout.coloraxis.cmax == max(max(map(max, t.z)) for t in heatmaps)
    assert fig.layout.title.text == "Confusion — confusion"


def test_side_by_side_other_templates(repo: Path) -> None:
    source = DvcSource.of(make_config(repo, project={"path": str(repo)}))
    v1, v2 = load_dvc_plots(source, ["v1", "v2"], max_rows=1000)
    roc = side_by_side(("v1", v1.plot("ROC")), ("v2", v2.plot("ROC")))
    assert [(t.type, t.mode) for t in roc.data] == [("scatter", "lines")] * 2
    assert list(roc.data[0].x)[:2] == [0.0, 0.1]
    bars = side_by_side(("v1", v1.plot("Gain")), ("v2", v2.plot("Gain")))
    assert [(t.type, t.orientation) for t in bars.data] == [("bar", "h")] * 2
    assert list(bars.data[0].x) == sorted(bars.data[0].x)  # bar_horizontal_sorted
    dots = side_by_side(
        ("v1", v1.plot("models/weights.csv")), ("v2", v2.plot("models/weights.csv"))
    )
    assert [t.mode for t in dots.data] == ["markers", "markers"]
    images = side_by_side(
        ("v1", v1.plot("eval/importance.png")), ("v2", v2.plot("eval/importance.png"))
    )
    assert len(images.layout.images) == 2 and images.layout.images[0].source.startswith(
        "data:image/png;base64,"
    )
    late = side_by_side(("v1", v1.plot("Late")), ("v2", v2.plot("Late")))
    assert len(late.data) == 1  # only v2 has the data
    assert "eval/late.csv does not exist at v1" in late.layout.annotations[0].text
    loss = side_by_side(
        ("v1", v1.plot("Loss")), ("v2 (not released)", "revision 'v9' does not exist")
    )
    assert "capped at the first 1,000 rows" in loss.layout.annotations[0].text
    assert "revision 'v9' does not exist" in loss.layout.annotations[1].text


def test_confusion_counts_known_answer() -> None:
    rows = [{"a": "1", "p": "1"}, {"a": "1", "p": "0"}, {"a": "0", "p": "0"}, {"a": "1", "p": "1"}]
    labels, _, z = confusion_counts(rows, "a", "p")
    assert labels == [0.0, 1.0]
    assert z == [[1, 1], [0, 2]]  # z[predicted][actual]
