"""A small real release history for the integrity tests: git + DVC + a SQLite MLflow store.

Releases (pattern `v*`): v1.0.0 and v1.0.1 complete; v1.0.2 without an MLflow run; v1.0.3
not pushed (its new outputs are only in the local cache). Other tags exercise bad input:
`-rc1` (leading dash), `x$(touch_pwn)`, `q'"x` and `nolock` (no DVC files), `bad-lock`
(a dvc.lock with merge-conflict markers). Runs: one per release except v1.0.2, plus orphans
whose version tag names no git tag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from support.repos import commit_all, dvc, git, init_repo

PREP = """\
import pathlib, sys
src = pathlib.Path("data/input.csv").read_text()
out = pathlib.Path("data/prepared"); out.mkdir(parents=True, exist_ok=True)
for i, line in enumerate(src.splitlines()):
    (out / f"part{i}.csv").write_text(line + "\\n")
"""
TRAIN = """\
import json, pathlib, yaml
p = yaml.safe_load(open("params.yaml"))["train"]
rows = sorted(pathlib.Path("data/prepared").glob("*.csv"))
pathlib.Path("model.pkl").write_text(f"model lr={p['lr']} n={p['n_estimators']} rows={len(rows)}\\n")
json.dump({"rmse": 1.0 / (1 + len(rows)), "qwk": 0.8}, open("metrics.json", "w"))
"""
DVC_YAML = {
    "stages": {
        "prep": {
            "cmd": "python prep.py",
            "deps": ["prep.py", "data/input.csv"],
            "outs": ["data/prepared"],
        },
        "train": {
            "cmd": "python train.py",
            "deps": ["train.py", "data/prepared"],
            "params": ["train.lr", "train.n_estimators"],
            "outs": ["model.pkl"],
            "metrics": [{"metrics.json": {"cache": False}}],
        },
    }
}


@dataclass
class ReleaseRepo:
    root: Path
    repo: Path
    remote: Path
    store: Path  # mlflow.db
    artifacts: Path
    commits: dict[str, str] = field(default_factory=dict)
    run_ids: dict[str, str] = field(default_factory=dict)
    orphan_ids: list[str] = field(default_factory=list)

    @property
    def tracking_uri(self) -> str:
        return f"sqlite:///{self.store}"


def _release(repo: Path, tag: str, lr: float, rows: int, *, push: bool) -> str:
    (repo / "params.yaml").write_text(yaml.safe_dump({"train": {"lr": lr, "n_estimators": 10}}))
    (repo / "data" / "input.csv").write_text("".join(f"{tag},{i}\n" for i in range(rows)))
    dvc(repo, "repro", "-q")
    if push:
        dvc(repo, "push", "-q")
    return commit_all(repo, f"release {tag}", tag=tag)


def _lock_hashes(repo: Path) -> dict[str, str]:
    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    out = {}
    for stage in lock["stages"].values():
        for entry in [*stage.get("deps", []), *stage.get("outs", [])]:
            out[entry["path"]] = entry["md5"]
    return out


def build_release_repo(root: Path) -> ReleaseRepo:
    repo = root / "project"
    remote = root / "remote"
    init_repo(repo, remote=remote)
    (repo / "prep.py").write_text(PREP)
    (repo / "train.py").write_text(TRAIN)
    (repo / "data").mkdir()
    (repo / "dvc.yaml").write_text(yaml.safe_dump(DVC_YAML, sort_keys=False))
    (repo / ".gitignore").write_text("/model.pkl\n")
    (repo / "data" / ".gitignore").write_text("/prepared\n")
    init_commit = git(repo, "rev-parse", "HEAD").stdout.strip()
    rr = ReleaseRepo(
        root=root,
        repo=repo,
        remote=remote,
        store=root / "mlflow.db",
        artifacts=root / "artifacts",
    )
    hashes: dict[str, dict[str, str]] = {}
    params: dict[str, float] = {}
    for tag, lr, rows, push in (
        ("v1.0.0", 0.1, 3, True),
        ("v1.0.1", 0.05, 4, True),
        ("v1.0.2", 0.05, 5, True),
        ("v1.0.3", 0.02, 6, False),
    ):
        rr.commits[tag] = _release(repo, tag, lr, rows, push=push)
        hashes[tag] = _lock_hashes(repo)
        params[tag] = lr
    # bad input: odd tag names (refs made directly: `git tag` refuses some of them)
    git(repo, "update-ref", "refs/tags/-rc1", rr.commits["v1.0.0"])
    git(repo, "update-ref", "refs/tags/x$(touch_pwn)", init_commit)
    git(repo, "update-ref", "refs/tags/q'\"x", init_commit)
    git(repo, "tag", "nolock", init_commit)
    # a release whose dvc.lock holds unresolved merge conflict markers, on a side branch
    git(repo, "checkout", "-q", "-b", "broken")
    lock = (repo / "dvc.lock").read_text()
    (repo / "dvc.lock").write_text(
        "<<<<<<< HEAD\n" + lock + "=======\nschema: '2.0'\n>>>>>>> other\n"
    )
    commit_all(repo, "conflicted lock", tag="bad-lock")
    git(repo, "checkout", "-q", "-f", "main")
    _log_runs(rr, hashes, params)
    return rr


def _log_runs(rr: ReleaseRepo, hashes: dict[str, dict[str, str]], params: dict[str, float]) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=rr.tracking_uri)
    rr.artifacts.mkdir(parents=True, exist_ok=True)
    exp = client.create_experiment("releases", artifact_location=rr.artifacts.as_uri())
    staging = rr.root / "staging"
    (staging / "model").mkdir(parents=True, exist_ok=True)
    (staging / "model" / "MLmodel").write_text("flavors: {}\n")
    (staging / "metrics.json").write_text(json.dumps({"rmse": 0.2}))
    for tag in ("v1.0.0", "v1.0.1", "v1.0.3"):
        run = client.create_run(exp, run_name=f"train-{tag}")
        rid = run.info.run_id
        client.log_param(rid, "lr", str(params[tag]))  # leaf name, as training code logs it
        client.log_param(rid, "n_estimators", "10")
        client.log_metric(rid, "rmse", 0.25)
        client.log_metric(rid, "qwk", 0.81)
        client.set_tag(rid, "version", tag)
        client.set_tag(rid, "mlflow.source.git.commit", rr.commits[tag])
        client.set_tag(rid, "metricwatch.git.dirty", "false")
        lineage = {p: h for p, h in hashes[tag].items() if p in ("model.pkl", "data/prepared")}
        client.set_tag(rid, "metricwatch.lineage.outs", json.dumps(lineage))
        client.log_artifacts(rid, str(staging))
        client.set_terminated(rid)
        rr.run_ids[tag] = rid
    for version in ("v9.9.9", "v 1.0 $(touch pwn2)"):
        run = client.create_run(exp, run_name=f"orphan-{version}")
        client.set_tag(run.info.run_id, "version", version)
        client.set_terminated(run.info.run_id)
        rr.orphan_ids.append(run.info.run_id)
