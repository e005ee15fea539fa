"""Faults of the reproducibility check: an input never pushed, a non-deterministic stage, and a
stale dvc.lock. Each runs the real `dvc repro --force` in a clean clone.

Tiny pipelines keep it cheap: one module-scoped copy of the demo gets two extra tags (made with
real `dvc repro` in a working clone, then pushed to the copy), each with a one-stage pipeline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from corpus import fault
from faultkit import Run, edit_config, expect, html_text, run_mw

pytestmark = pytest.mark.slow

AREA = "Reproducibility"
CHECK = "metricwatch check --repro --format markdown"

INPUT_NOT_PUSHED = fault(
    id="repro-input-not-on-remote",
    area=AREA,
    fault="repro.rev is v1.0.3, whose source data (data/current/batch.csv) was never pushed",
    command="metricwatch repro",
    exit_code=2,
    says="not reproducible: input data/current/batch.csv not available from the remote "
    "(data/current/batch.csv: tracked by data/current/batch.csv.dvc, but its data is not on the "
    "remote (`dvc push`))",
    report="❓ not reproducible: input data/current/batch.csv not available from the remote "
    "(data/current/batch.csv: tracked by data/current/batch.csv.dvc, but its data is not on the "
    "remote (`dvc push`)) — v1.0.3 @",
)
NON_DETERMINISTIC = fault(
    id="repro-non-deterministic-stage",
    area=AREA,
    fault="A stage writes random bytes (repro.second_run: true)",
    command=CHECK,
    exit_code=1,
    says="dvc repro did not reproduce identical outputs (reproduced: outputs differ: noise.txt "
    "(stage noise); second run: non-deterministic: two fresh runs differ from each other in "
    "stage(s) noise: noise.txt (stage noise))",
    report="❌ reproduced: outputs differ: noise.txt (stage noise); second run: non-deterministic: "
    "two fresh runs differ from each other in stage(s) noise: noise.txt (stage noise) — nondet-1 @",
)
STALE_LOCK = fault(
    id="repro-stale-dvc-lock",
    area=AREA,
    fault="A dep (src/gen.py) was changed and committed after dvc.lock was written",
    command=CHECK,
    exit_code=1,
    says="dvc repro did not reproduce identical outputs (reproduced: outputs differ: gen.txt "
    "(stage gen); the committed dvc.lock is stale (stage gen: dep src/gen.py changed after "
    "dvc.lock was written): run `dvc repro` and commit dvc.lock)",
    report="❌ reproduced: outputs differ: gen.txt (stage gen); the committed dvc.lock is stale "
    "(stage gen: dep src/gen.py changed after dvc.lock was written): run `dvc repro` and commit "
    "dvc.lock — stale-1 @",
)

NOISE = 'import os\nopen("noise.txt", "w").write(os.urandom(8).hex() + "\\n")\n'
GEN = 'open("gen.txt", "w").write("value: {n}\\n")\n'


def _run(cwd: Path, *argv: str) -> None:
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True, timeout=120)


def _pipeline(work: Path, stage: str, script: str, out: str) -> None:
    (work / "src" / f"{stage}.py").write_text(script, encoding="utf-8")
    (work / "dvc.yaml").write_text(
        f"stages:\n  {stage}:\n    cmd: python src/{stage}.py\n    deps:\n      - src/{stage}.py\n"
        f"    outs:\n      - {out}\n",
        encoding="utf-8",
    )
    _run(work, sys.executable, "-m", "dvc", "repro", "-q")


@pytest.fixture(scope="module")
def repro_demo(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo copy with tags nondet-1 (a random stage) and stale-1 (a dep changed after the lock)."""
    demo = tmp_path_factory.mktemp("repro-faults") / "demo"
    shutil.copytree(demo_dir, demo, symlinks=True)
    work = demo / "work"
    _run(demo, "git", "clone", "-q", str(demo / "project"), str(work))
    _run(work, "git", "checkout", "-q", "-b", "tiny", "v1.0.1")
    dvc_files = subprocess.run(
        ["git", "ls-files", "*.dvc"], cwd=work, capture_output=True, text=True, check=True
    ).stdout.split()
    _run(work, "git", "rm", "-q", "dvc.lock", *[f for f in dvc_files if not f.startswith(".dvc/")])
    _pipeline(work, "noise", NOISE, "noise.txt")
    _run(work, "git", "add", "-A", ".")
    _run(work, "git", "commit", "-q", "-m", "a stage that writes random bytes")
    _run(work, "git", "tag", "nondet-1")
    _run(work, "git", "rm", "-q", "src/noise.py", "dvc.lock")
    _pipeline(work, "gen", GEN.format(n=1), "gen.txt")
    _run(work, "git", "add", "-A", ".")
    _run(work, "git", "commit", "-q", "-m", "gen")
    (work / "src" / "gen.py").write_text(GEN.format(n=2), encoding="utf-8")
    _run(work, "git", "commit", "-q", "-am", "gen 2 (dvc.lock not updated)")
    _run(work, "git", "tag", "stale-1")
    _run(work, "git", "push", "-q", "origin", "nondet-1", "stale-1")
    shutil.rmtree(work)
    return demo


def _config(demo: Path, name: str, **repro: object) -> Path:
    cfg = demo / f"mw-{name}.yaml"
    shutil.copy2(demo / "metricwatch.yaml", cfg)
    return edit_config(cfg, repro=repro, report={"output": f"reports-{name}"})


def _report(cfg: Path) -> Path:
    """`metricwatch report` of the reproducibility part only (HTML), into report.output."""
    skips = [a for p in ("kpis", "integrity", "drift", "evidence") for a in ("--skip", p)]
    run = run_mw("report", "-c", cfg, "--no-pdf", *skips)
    assert run.code == 0, run.show()
    name = cfg.stem.removeprefix("mw-")
    return cfg.parent / f"reports-{name}" / "metrics_monitoring.html"


def _check(cfg: Path) -> Run:
    return run_mw("check", "-c", cfg, "--repro", "--format", "markdown")


def test_repro_input_not_on_the_remote(repro_demo: Path) -> None:
    cfg = _config(repro_demo, "unpushed", rev="v1.0.3")
    html = _report(cfg)
    expect(INPUT_NOT_PUSHED, run_mw("repro", "-c", cfg), html=html)
    assert (  # DVC's own error keeps the target it names
        "`dvc pull` of the source data failed: ERROR: failed to pull data from the cloud - "
        "Checkout failed for following targets: data/current/batch.csv" in html_text(html)
    )


def test_non_deterministic_stage(repro_demo: Path) -> None:
    cfg = _config(repro_demo, "nondet", rev="nondet-1", second_run=True)
    html = _report(cfg)
    expect(NON_DETERMINISTIC, _check(cfg), html=html)


def test_stale_dvc_lock(repro_demo: Path) -> None:
    cfg = _config(repro_demo, "stale", rev="stale-1")
    html = _report(cfg)
    expect(STALE_LOCK, _check(cfg), html=html)
