"""Version integrity on a real release history: git + DVC (local and S3 remotes) + SQLite MLflow."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.configs import make_config
from support.integrity_helpers import tree_digest, upload_folder
from support.release_repo import ReleaseRepo
from support.repos import commit_all, dvc, git

from metricwatch.config import Config, parse_config
from metricwatch.i18n.words import Words, plain
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.integrity.collect import check_integrity
from metricwatch.parts.integrity.dvc_items import parse_release
from metricwatch.parts.integrity.mlflow_items import (
    commit_item,
    inputs_item,
    metrics_artifacts_item,
    run_item,
)
from metricwatch.parts.integrity.model import CheckItem, IntegrityReport, overall
from metricwatch.parts.integrity.rule_inputs import integrity_rule_inputs
from metricwatch.parts.integrity.table import checklist_table, correspondence_table
from metricwatch.parts.kpis.params_match import compare_params, same_value
from metricwatch.rules import evaluate, status_text
from metricwatch.rules_model import Flag, merge_inputs
from metricwatch.rules_table import flags_table
from metricwatch.sources.mlflow_runs import RunRecord

pytest_plugins = ["support.integrity_fixtures"]


def make_cfg(rr: ReleaseRepo, repo: Path | None = None, **sections: dict) -> Config:
    base = {
        "project": {"path": str(repo or rr.repo)},
        "mlflow": {"tracking_uri": rr.tracking_uri},
        "dvc": {"timeout_s": 20},
    }
    return make_config(rr.root, {**base, **sections})  # a given section replaces base's


def clone(rr: ReleaseRepo, dest: Path) -> Path:
    git(dest.parent, "clone", "-q", str(rr.repo), str(dest))
    return dest


@pytest.mark.slow
def test_release_checklists_and_correspondence(release_repo: ReleaseRepo) -> None:
    rep = check_integrity(make_cfg(release_repo))
    by_tag = {t.tag: t for t in rep.tags}
    assert list(by_tag) == ["v1.0.0", "v1.0.1", "v1.0.2", "v1.0.3"]
    assert [by_tag[t].status for t in by_tag] == ["ok", "ok", "fail", "fail"]
    for tag in ("v1.0.0", "v1.0.1"):
        row = by_tag[tag]
        assert row.run_id == release_repo.run_ids[tag] and row.experiment == "releases"
        assert [i.status for i in row.items] == ["ok"] * 7
        assert row.commit == release_repo.commits[tag] and row.annotated is True
    assert by_tag["v1.0.2"].summary == "missing run (version=v1.0.2)"
    assert by_tag["v1.0.2"].run_id is None
    push = by_tag["v1.0.3"].item("dvc_push")
    assert push.status == "fail" and "model.pkl" in push.reason and "data/prepared/" in push.reason
    assert by_tag["v1.0.3"].item("mlflow_run").status == "ok"
    assert sorted(by_tag["v1.0.3"].missing_outputs) == [
        "data/prepared/ (directory manifest)",
        "model.pkl",
    ]
    same = by_tag["v1.0.0"].item("same_inputs").reason
    assert "2 param(s) equal to dvc.lock" in same and "2 data/model hash(es) equal" in same
    data = rep.model_dump(mode="json")
    json.dumps(data, allow_nan=False)
    assert [(r["tag"], r["run_id"], r["status"]) for r in data["correspondence"]] == [
        ("v1.0.0", release_repo.run_ids["v1.0.0"], "ok"),
        ("v1.0.1", release_repo.run_ids["v1.0.1"], "ok"),
        ("v1.0.2", None, "fail"),
        ("v1.0.3", release_repo.run_ids["v1.0.3"], "fail"),
    ]
    assert {o.version for o in rep.orphans} == {"v9.9.9", "v 1.0 $(touch pwn2)"}
    assert rep.statuses == {"v1.0.0": "ok", "v1.0.1": "ok", "v1.0.2": "fail", "v1.0.3": "fail"}
    assert IntegrityReport.model_validate(data) == rep  # metrics.json and back: the same result


@pytest.mark.slow
def test_spanish_tables_word_the_collected_reasons(release_repo: ReleaseRepo) -> None:
    """The checklist, correspondence and rules tables of a collected result, in Spanish."""
    cfg = make_cfg(release_repo)
    rep = check_integrity(cfg)
    by_tag = {t.tag: t for t in rep.tags}

    def spanish(tag: str) -> dict[str, str]:
        rows = checklist_table(rep, "es", by_tag[tag]).texts()
        return dict(zip([i.name for i in by_tag[tag].items], [r[-1] for r in rows], strict=True))

    es = {tag: spanish(tag) for tag in by_tag}
    commit, run_id = release_repo.commits["v1.0.0"][:12], release_repo.run_ids["v1.0.0"]
    assert es["v1.0.0"]["git_tag"].startswith(f"tag anotado → {commit} (")
    assert es["v1.0.0"]["dvc_files"].startswith("dvc.yaml y dvc.lock versionados (")
    assert es["v1.0.0"]["dvc_push"] == "las 2 salida(s) están en el remote 'local'"
    assert es["v1.0.0"]["mlflow_run"] == f"run {run_id} en releases"
    assert es["v1.0.0"]["git_commit"] == f"el commit {commit} coincide"
    assert es["v1.0.0"]["same_inputs"] == (
        "2 param(s) iguales a dvc.lock; 2 hash(es) de datos/modelo iguales a dvc.lock"
    )
    assert es["v1.0.0"]["metrics_artifacts"].endswith(" artefacto(s) presentes")
    assert es["v1.0.2"]["mlflow_run"] == "falta el run (version=v1.0.2)"
    assert es["v1.0.2"]["git_commit"] == "no hay run de MLflow que comprobar"
    push = es["v1.0.3"]["dvc_push"]
    assert push.startswith("2 de ") and "data/prepared/ (manifiesto del directorio)" in push
    corr = {r[0]: r[-1] for r in correspondence_table(rep, "es").texts()}
    assert corr["v1.0.2"].startswith("❌ falta el run (version=v1.0.2) (")
    # the rules table: the integrity rule's reasons and statuses in Spanish, English in English
    flags = evaluate(cfg, merge_inputs([integrity_rule_inputs(rep, None, cfg)], {}))
    rows = {r[1]: r for r in flags_table(flags, "es").texts()}
    assert rows["v1.0.2"][2] == "❌ falla" and rows["v1.0.2"][3] == "❌ si falla"
    assert "falta el run (version=v1.0.2)" in rows["v1.0.2"][-1]
    assert rows["v1.0.0"][2] == "✅ ok" and rows["v1.0.0"][0] == "integrity (fallo)"
    english = {r[1]: r[-1] for r in flags_table(flags, "en").texts()}
    assert "missing run (version=v1.0.2)" in english["v1.0.2"]
    assert [Flag.model_validate(f.model_dump(mode="json")) for f in flags] == flags


@pytest.mark.slow
def test_bad_tags_give_honest_rows_and_nothing_is_modified(release_repo: ReleaseRepo) -> None:
    roots = (release_repo.repo, release_repo.remote, release_repo.store, release_repo.artifacts)
    before = tree_digest(*roots)
    rep = check_integrity(make_cfg(release_repo), pattern="*")
    assert tree_digest(*roots) == before
    by_tag = {t.tag: t for t in rep.tags}
    assert {"-rc1", "x$(touch_pwn)", "q'\"x", "nolock", "bad-lock", "v1.0.0"} <= set(by_tag)
    assert not list(release_repo.repo.glob("*pwn*"))
    bad = by_tag["bad-lock"].item("dvc_files")
    assert (
        bad.status == "fail" and "dvc.lock at bad-lock: unresolved git merge conflict" in bad.reason
    )
    assert by_tag["bad-lock"].item("dvc_push").status == "unknown"
    for tag in ("nolock", "x$(touch_pwn)", "q'\"x"):
        item = by_tag[tag].item("dvc_files")
        assert (
            item.status == "fail" and item.reason == f"dvc.yaml and dvc.lock not committed at {tag}"
        )
    # -rc1 points at v1.0.0's commit: data fine, but no run carries version=-rc1
    assert by_tag["-rc1"].item("dvc_push").status == "ok"
    assert by_tag["-rc1"].summary == "missing run (version=-rc1)"
    assert by_tag["v1.0.0"].status == "ok"


@pytest.mark.slow
def test_s3_remote_agrees_with_the_local_remote(
    release_repo: ReleaseRepo, moto_s3: str, aws_env: dict, tmp_path: Path
) -> None:
    upload_folder(moto_s3, "releases", "dvcstore", release_repo.remote)
    repo = clone(release_repo, tmp_path / "clone")  # no DVC cache: .dir manifests come from S3
    dvc(repo, "remote", "add", "--local", "s3", "s3://releases/dvcstore")
    dvc(repo, "remote", "modify", "--local", "s3", "endpointurl", moto_s3)
    s3 = check_integrity(make_cfg(release_repo, repo, dvc={"remote": "s3", "timeout_s": 20}))
    local = check_integrity(make_cfg(release_repo))
    assert s3.remote == "s3" and s3.remote_available
    assert [(t.tag, t.status, t.item("dvc_push").status) for t in s3.tags] == [
        (t.tag, t.status, t.item("dvc_push").status) for t in local.tags
    ]
    assert s3.tags[3].missing_outputs == local.tags[3].missing_outputs
    assert aws_env["AWS_SECRET_ACCESS_KEY"] not in json.dumps(s3.model_dump(mode="json"))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["missing_folder", "closed_port"])
def test_unreachable_remote_makes_every_push_item_unknown(
    release_repo: ReleaseRepo, tmp_path: Path, aws_env: dict, kind: str, monkeypatch
) -> None:
    from metricwatch.parts.integrity import collect as integrity
    from metricwatch.procs import free_port

    repo = clone(release_repo, tmp_path / "clone")
    if kind == "missing_folder":
        dvc(repo, "remote", "add", "--local", "-d", "gone", str(tmp_path / "nowhere"))
    else:
        dvc(repo, "remote", "add", "--local", "-d", "gone", "s3://bucket/store")
        dvc(
            repo,
            "remote",
            "modify",
            "--local",
            "gone",
            "endpointurl",
            f"http://127.0.0.1:{free_port()}",
        )
    queries = []  # bounded by its work: one remote query (itself cut at dvc.timeout_s) for all tags
    real_query = integrity.query_remote
    monkeypatch.setattr(
        integrity, "query_remote", lambda *a, **kw: queries.append(kw) or real_query(*a, **kw)
    )
    rep = check_integrity(make_cfg(release_repo, repo, dvc={"timeout_s": 15}))
    assert [q["timeout_s"] for q in queries] == [15]
    assert rep.remote_available is False and rep.remote_reason
    for row in rep.tags:
        push = row.item("dvc_push")
        assert push.status == "unknown" and push.reason.startswith("unknown: ")
        assert row.status != "ok" and row.unknown_count >= 1
    assert rep.tags[0].status == "warn"  # everything else passes, but unknown is never ✅


@pytest.mark.slow
def test_shallow_clone_reports_tags_unavailable(release_repo: ReleaseRepo, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--no-tags",
        release_repo.repo.as_uri(),
        str(shallow),
    )
    rep = check_integrity(make_cfg(release_repo, shallow))
    assert rep.tags == [] and rep.tags_unavailable is True
    assert rep.notes[0].startswith("tags unavailable (shallow clone)")
    assert "git fetch --unshallow --tags" in rep.notes[0]
    # the runs still exist: their versions are not orphans of a clone that lacks the tags
    assert rep.orphans == []
    assert any("not in this shallow clone" in n and "v9.9.9" in n for n in rep.notes)
    assert not any(n.startswith("shallow clone: tags or history may be missing") for n in rep.notes)


@pytest.mark.slow
def test_repo_without_dvc_and_runs_unavailable(release_repo: ReleaseRepo, tmp_path: Path) -> None:
    repo = tmp_path / "plain"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README").write_text("no dvc here\n")
    commit_all(repo, "plain", tag="v1.0.0")
    cfg = parse_config(
        {
            "project": {"path": str(repo)},
            "mlflow": {"tracking_uri": f"sqlite:///{tmp_path / 'none.db'}"},
        },
        "test",
        tmp_path,
    )
    rep = check_integrity(cfg)
    (row,) = rep.tags
    assert row.item("dvc_files").reason == "dvc.yaml and dvc.lock not committed at v1.0.0"
    assert row.item("dvc_push").status == "unknown"
    gone = f"not checked (tracking store {tmp_path / 'none.db'} is not there): check mlflow"
    es = f"sin comprobar (el store de tracking {tmp_path / 'none.db'} no existe): revise mlflow"
    for name in ("mlflow_run", "git_commit", "same_inputs", "metrics_artifacts"):
        item = row.item(name)
        assert item.status == "unknown" and item.reason.startswith(gone), item
        assert item.text("es").startswith(es), item  # the ❓ row in the report's language
    (store_note,) = [n for n in rep.remarks if n[0].key == "integrity.note.mlflow_not_checked_head"]
    assert words_text(store_note, "es").startswith("elementos de MLflow no comprobados: ")
    assert "revise mlflow.tracking_uri" in words_text(store_note, "es")
    assert rep.runs_available is False and "none.db" in rep.runs_reason
    assert any("not a DVC project" in n for n in rep.notes)
    assert row.status == "fail"
    assert not (tmp_path / "none.db").exists()


# --- pure item functions on RunRecords ------------------------------------------------------

LOCK = """\
schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data/raw.csv
      hash: md5
      md5: 11111111111111111111111111111111
    params:
      params.yaml:
        train:
          lr: 0.1
          n_estimators: 100
        seed: 42
    outs:
    - path: model.pkl
      hash: md5
      md5: 22222222222222222222222222222222
"""


def record(**kw: object) -> RunRecord:
    base = {
        "run_id": "r1",
        "run_name": "train",
        "experiment_id": "1",
        "experiment_name": "Default",
        "status": "FINISHED",
        "lifecycle_stage": "active",
        "start_time": datetime(2026, 1, 1, tzinfo=UTC),
        "end_time": None,
        "params": {"lr": "0.1", "n_estimators": "100", "seed": "42"},
        "metrics": {"rmse": 0.3},
        "tags": {"version": "v1"},
        "artifact_uri": "file:///x",
    }
    base.update(kw)
    return RunRecord(**base)


REL = parse_release("c" * 40, {"dvc.yaml": b"stages: {}\n", "dvc.lock": LOCK.encode()}, "v1")


def test_duplicate_runs_warn_listing_them() -> None:
    runs = [record(run_id="a"), record(run_id="b", start_time=datetime(2026, 2, 1, tzinfo=UTC))]
    item = run_item("v1", runs, "version")
    assert item.status == "warn" and "duplicates: a, b" in item.reason and "using b" in item.reason


def test_commit_mismatch_warns_with_both_hashes() -> None:
    item = commit_item(record(tags={"mlflow.source.git.commit": "a" * 40}), "b" * 40)
    assert item.status == "warn" and "a" * 40 in item.reason and "b" * 40 in item.reason
    assert commit_item(record(), "b" * 40).status == "unknown"


def test_params_differ_are_listed() -> None:
    item = inputs_item(record(params={"lr": "0.2", "n_estimators": "100.0", "seed": "42"}), REL)
    assert item.status == "fail"
    assert item.reason.startswith("params differ: train.lr: run 0.2 ≠ dvc.lock 0.1")
    assert "n_estimators" not in item.reason.split(";")[0]


def test_lineage_hash_mismatch_fails() -> None:
    lineage = json.dumps({"model.pkl": "3" * 32, "data/raw.csv": "1" * 32})
    item = inputs_item(record(tags={"metricwatch.lineage.outs": lineage}), REL)
    assert (
        item.status == "fail" and f"model.pkl: run {'3' * 32} ≠ dvc.lock {'2' * 32}" in item.reason
    )


def test_run_with_version_tag_but_no_metrics() -> None:
    item = metrics_artifacts_item(
        record(metrics={}), [["rmse", "qwk"]], ["model", "metrics.json"], {}, [], False
    )
    assert item.status == "fail"
    assert item.reason == (
        "missing metric rmse or qwk, artifact model, artifact metrics.json (the run has no metrics)"
    )
    assert item.text("es") == (
        "falta(n) la métrica rmse o qwk, el artefacto model, el artefacto metrics.json "
        "(el run no tiene métricas)"
    )


def test_required_metrics_use_aliases_and_nan_is_missing() -> None:
    aliases = {"qwk": ["qwk", "kappa"]}
    run = record(metrics={"kappa": 0.7, "rmse": float("nan")})
    ok = metrics_artifacts_item(run, ["qwk"], ["model"], aliases, ["m/MLmodel"], False)
    assert ok.status == "ok"
    bad = metrics_artifacts_item(run, ["rmse"], ["model"], aliases, [], True)
    assert bad.status == "fail" and bad.reason == "missing metric rmse"
    unknown = metrics_artifacts_item(run, ["qwk"], ["model"], aliases, None, False, "server down")
    assert unknown.status == "unknown" and "server down" in unknown.reason


@pytest.mark.parametrize(
    ("run_value", "recorded", "equal"),
    [
        ("0.1", 0.1, True),
        ("0.10", 0.1, True),
        ("1e-1", 0.1, True),
        ("10", 10, True),
        ("10.0", 10, True),
        ("True", True, True),
        ("true", True, True),
        ("None", None, True),
        ("[1, 2]", [1, 2], True),
        ("['a', 'b']", ["a", "b"], True),
        ("{'k': 1}", {"k": 1.0}, True),
        ("rbf", "rbf", True),
        ("0.2", 0.1, False),
        ("False", True, False),
        ("[1, 3]", [1, 2], False),
        ("Rbf", "rbf", False),
    ],
)
def test_param_value_normalisation(run_value: str, recorded: object, equal: bool) -> None:
    assert same_value(run_value, recorded) is equal


def test_param_key_matching_rule() -> None:
    expected = {"train.lr": 0.1, "model.lr": 0.5, "train.depth": 3, "seed": 1}
    run = {"lr": "0.1", "depth": "3", "model.lr": "0.5", "extra": "x"}
    cmp = compare_params(expected, run)
    # "lr" is ambiguous (train.lr, model.lr): only the dotted model.lr is matched
    assert cmp.equal == ["model.lr", "train.depth"]
    assert cmp.not_logged == ["seed", "train.lr"]
    assert cmp.differ == []


def test_overall_status_counts_unknown_separately() -> None:
    ok = CheckItem(name="a", status="ok", why=[plain("fine")])
    unk = CheckItem(name="b", status="unknown", why=[plain("remote down")])
    fail = CheckItem(name="c", status="fail", why=[plain("missing run")])

    def english(status: str, why: Words, unknown: int) -> tuple[str, str, int]:
        return status, words_text(why), unknown

    assert english(*overall([ok])) == ("ok", "all checks pass", 0)
    assert english(*overall([ok, unk])) == ("warn", "1 item(s) unknown: remote down", 1)
    assert english(*overall([ok, unk, fail])) == ("fail", "missing run", 1)
    assert words_text(overall([ok, unk])[1], "es") == "1 punto(s) desconocido(s): remote down"


@pytest.mark.slow
def test_cli_formats_and_exit_code(
    release_repo: ReleaseRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from metricwatch.cli import main

    cfg = tmp_path / "metricwatch.yaml"
    cfg.write_text(
        f"project: {{path: {release_repo.repo}}}\n"
        f"mlflow: {{tracking_uri: '{release_repo.tracking_uri}'}}\n"
        "dvc: {timeout_s: 20}\n"
    )
    assert main(["integrity", "-c", str(cfg), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in data["correspondence"]] == ["ok", "ok", "fail", "fail"]
    assert main(["integrity", "-c", str(cfg), "--tags", "v1.0.[01]", "-f", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| DVC/Git Tag | MLflow Run ID | Experiment | Status |")
    assert f"| v1.0.0 | {release_repo.run_ids['v1.0.0']} | releases | ✅ |" in out
    assert main(["integrity", "-c", str(cfg), "--tags", "^v1\\.0\\.3$", "--regex"]) == 1
    captured = capsys.readouterr()
    assert "model.pkl" in captured.out and "1 tag(s): 0 ✅, 0 ⚠, 1 ❌, 0 ❓" in captured.err
    # no tracking store: git and DVC are still checked; the MLflow items are ❓ and, as in
    # `check`, "no verdict" (2) wins over the ❌ that could be established (v1.0.3 not pushed)
    cfg.write_text(f"project: {{path: {release_repo.repo}}}\ndvc: {{timeout_s: 20}}\n")
    assert main(["integrity", "-c", str(cfg), "-f", "markdown"]) == 2
    captured = capsys.readouterr()
    out, err = captured.out, " ".join(captured.err.split())
    assert "- [x] ✅ outputs on the DVC remote: all 2 output(s) on the remote 'local'" in out
    assert (
        "- [ ] ❓ MLflow run tagged with the version: not checked (mlflow.tracking_uri is " in out
    )
    assert "4 tag(s): 0 ✅, 0 ⚠, 1 ❌, 3 ❓" in err
    assert "exit 2: no verdict for 3 tag(s) (v1.0.0, v1.0.1, v1.0.2)" in err


def test_dvc_file_outputs_are_relative_to_their_folder() -> None:
    from metricwatch.parts.integrity.dvc_items import parse_release

    rel = parse_release(
        "c0ffee",
        {"data/current/batch.csv.dvc": b"outs:\n- md5: abc\n  path: batch.csv\n  hash: md5\n"},
        "v1",
    )
    assert [o.path for o in rel.dvc_file_outs] == ["data/current/batch.csv"]


def test_a_tag_with_only_dvc_files_is_a_data_release_not_a_missing_pipeline() -> None:
    from metricwatch.parts.integrity.dvc_items import dvc_files_item, parse_release

    dvc = b"outs:\n- md5: abc\n  path: train.csv\n  hash: md5\n"
    data = parse_release("c0ffee", {"data/train.csv.dvc": dvc, "dvc.yaml": None}, "data-v1")
    item = dvc_files_item(data, "data-v1")
    assert (item.status, item.reason) == (
        "ok",
        "1 .dvc file(s) committed (data/train.csv.dvc); no pipeline (dvc.yaml) at this tag",
    )
    half = parse_release("c0ffee", {"data/train.csv.dvc": dvc, "dvc.yaml": b"stages: {}\n"}, "v")
    assert dvc_files_item(half, "v").reason == "dvc.lock not committed at v"
    none = parse_release("c0ffee", {"dvc.yaml": None}, "v")
    assert dvc_files_item(none, "v").reason == "dvc.yaml and dvc.lock not committed at v"


def test_a_tag_that_fails_nothing_but_has_unknown_items_is_unknown() -> None:
    from metricwatch.parts.integrity.model import TagIntegrity

    ok = CheckItem(name="git_tag", status="ok", why=[plain("fine")])
    unk = CheckItem(name="mlflow_run", status="unknown", why=[plain("no store")])
    fail = CheckItem(name="dvc_push", status="fail", why=[plain("not pushed")])

    def tag(*items: CheckItem) -> TagIntegrity:
        status, why, unknown = overall(list(items))
        return TagIntegrity(
            tag="v1", commit=None, date=None, annotated=None, status=status, why=why,
            items=list(items), unknown_count=unknown,
        )  # fmt: skip

    assert [tag(ok).verdict, tag(ok, unk).verdict, tag(ok, unk, fail).verdict] == [
        "ok",
        "unknown",
        "fail",
    ]


def test_a_tag_pattern_with_a_space_says_it_can_never_match() -> None:
    from metricwatch.parts.integrity.collect import _no_match_note

    assert "cannot contain spaces" in words_text(_no_match_note("v 1*", False, 4))
    assert "no pueden contener espacios" in words_text(_no_match_note("v 1*", False, 4), "es")
    assert "cannot contain spaces" not in words_text(_no_match_note("v1*", False, 4))
    assert "cannot contain spaces" not in words_text(_no_match_note(r"v\s", True, 4))


def test_a_result_saved_before_reasons_were_messages_keeps_its_english_text() -> None:
    """An older metrics.json (reason/summary as text) and an older history row or alert state
    (a flag's reason and displays as text) read back with their words as they were."""
    item = CheckItem.model_validate({"name": "git_commit", "status": "ok", "reason": "fine"})
    assert (item.reason, item.text("es")) == ("fine", "fine")
    old = {"rule": "integrity", "metric": "integrity", "kind": "breach_on", "severity": "fail",
           "outcome": "breach", "value_display": "❌ fail", "threshold_display": "❌ if fail",
           "reason": "missing run (version=v1)"}  # fmt: skip
    flag = Flag.model_validate(old)
    assert (flag.reason, flag.value_display, flag.threshold_display) == (
        "missing run (version=v1)",
        "❌ fail",
        "❌ if fail",
    )
    new = Flag(**{**old, "why": [], "value_shown": status_text("fail")})
    assert Flag.model_validate(new.model_dump(mode="json")) == new
    assert new.value_shown.text("es") == "❌ falla" and new.reason == ""


DIR_LOCK = LOCK.replace("model.pkl", "data").replace("2" * 32, "3" * 32 + ".dir")


def test_why_a_remote_gave_no_verdict_is_worded_in_the_reports_language() -> None:
    """The remote's reasons are messages: the ❓ push item reads the same in English as before
    (the fault corpus) and in Spanish in a Spanish report."""
    from metricwatch.i18n.message import msg
    from metricwatch.parts.integrity.dvc_items import push_item
    from metricwatch.sources.dvc_remote import ObjectRef, RemoteStatus

    timeout = msg("remote.why.timeout", name="'s3'", seconds="5")
    down = RemoteStatus(remote="s3", url=None, available=False, why=timeout)
    item, _ = push_item(REL, down)
    assert item.status == "unknown" and item.reason == (
        "unknown: DVC remote 's3' did not answer within 5 s (dvc.timeout_s); "
        "check the endpoint and network"
    )
    assert item.text("es") == (
        "desconocido: el remote DVC 's3' no respondió en 5 s (dvc.timeout_s); "
        "revise el endpoint y la red"
    )
    rel = parse_release(
        "c" * 40, {"dvc.yaml": b"stages: {}\n", "dvc.lock": DIR_LOCK.encode()}, "v1"
    )
    manifest = ObjectRef(oid="3" * 32 + ".dir")
    up = RemoteStatus(
        remote="local",
        url=None,
        available=True,
        present=[manifest],
        dir_unreadable={manifest.oid: msg("remote.why.manifest_missing")},
    )
    item, _ = push_item(rel, up)
    assert item.status == "unknown"
    assert item.reason == "data/ (manifest not in the local cache nor on the remote)"
    assert item.text("es") == "data/ (el manifiesto no está en la caché local ni en el remote)"
