"""Known-answer tests for the pure parts of the reproducibility check."""

from __future__ import annotations

import json

import pytest

from metricwatch.errors import CheckError
from metricwatch.parts.repro.compare import compare_outputs, flatten, is_volatile
from metricwatch.parts.repro.dvc_pipeline import (
    LockedOut,
    locked_outputs,
    metrics_paths,
    source_deps,
    stale_entries,
)
from metricwatch.parts.repro.model import describe

VOLATILE = ["time", "duration", "timestamp"]

DVC_YAML = """
stages:
  prep:
    cmd: python src/prep.py
    deps: [data/raw.csv, src/prep.py]
    outs: [out]
  train:
    wdir: sub
    cmd: python train.py
    deps: [../out, train.py, ../extra/lookup.csv]
    outs: [model.bin]
    metrics:
      - metrics.json:
          cache: false
metrics:
  - summary.json
"""

DVC_LOCK = """
schema: '2.0'
stages:
  prep:
    cmd: python src/prep.py
    deps:
    - path: data/raw.csv
      md5: aaa
    - path: src/prep.py
      md5: bbb
    outs:
    - path: out
      md5: ccc.dir
  train:
    cmd: python train.py
    deps:
    - path: ../out
      md5: ccc.dir
    - path: train.py
      md5: ddd
    - path: ../extra/lookup.csv
      md5: eee
    outs:
    - path: model.bin
      md5: fff
    - path: metrics.json
      md5: ggg
"""


def test_locked_outputs_resolve_wdir_and_keep_dir_suffix() -> None:
    outs = locked_outputs(DVC_LOCK, DVC_YAML)
    assert outs == [
        LockedOut("prep", "out", "ccc.dir"),
        LockedOut("train", "sub/model.bin", "fff"),
        LockedOut("train", "sub/metrics.json", "ggg"),
    ]


def test_source_deps_are_deps_no_stage_produces() -> None:
    assert source_deps(DVC_LOCK, DVC_YAML) == {
        "data/raw.csv": "prep",
        "src/prep.py": "prep",
        "sub/train.py": "train",
        "extra/lookup.csv": "train",
    }


def test_metrics_paths_from_stages_and_top_level() -> None:
    assert metrics_paths(DVC_YAML) == {"sub/metrics.json", "summary.json"}


def test_bad_yaml_names_the_file() -> None:
    with pytest.raises(CheckError, match=r"dvc\.lock: line 2, column 1: YAML error"):
        locked_outputs("stages: [unclosed", DVC_YAML)
    with pytest.raises(CheckError, match=r"dvc\.lock: unresolved git merge conflict"):
        locked_outputs("stages:\n<<<<<<< HEAD\n", DVC_YAML)


@pytest.mark.parametrize(
    ("key", "volatile"),
    [
        ("train_time_s", True),
        ("epoch_duration", True),
        ("Timestamp", True),
        ("rmse", False),
        ("qwk", False),
    ],
)
def test_volatile_keys_are_substring_matches(key: str, volatile: bool) -> None:
    assert is_volatile(key, VOLATILE) is volatile


def test_flatten_nested_metrics() -> None:
    assert flatten({"a": {"b": 1, "c": [2, 3]}, "d": 4}) == {
        "a.b": 1,
        "a.c[0]": 2,
        "a.c[1]": 3,
        "d": 4,
    }


def _compare(expected: list[LockedOut], actual: list[LockedOut], eb=None, ab=None):
    return compare_outputs(
        expected,
        actual,
        metrics={"metrics.json"},
        expected_blobs=eb or {},
        actual_blobs=ab or {},
        volatile_keys=VOLATILE,
    )


def test_equal_hashes_match() -> None:
    rows, volatile = _compare([LockedOut("s", "out", "x.dir")], [LockedOut("s", "out", "x.dir")])
    assert [(r.kind, r.match) for r in rows] == [("dir", True)]
    assert volatile == []


def test_different_hash_of_a_plain_file_differs() -> None:
    rows, _ = _compare(
        [LockedOut("train", "model.bin", "a")], [LockedOut("train", "model.bin", "b")]
    )
    assert rows[0].match is False and rows[0].reason == "hash differs"
    assert describe(rows) == "model.bin (stage train)"


def test_metrics_differing_only_in_volatile_keys_match_and_list_both_values() -> None:
    e = json.dumps({"rmse": 0.5, "train_time_s": 1.25}).encode()
    a = json.dumps({"rmse": 0.5, "train_time_s": 2.5}).encode()
    rows, volatile = _compare(
        [LockedOut("train", "metrics.json", "h1")],
        [LockedOut("train", "metrics.json", "h2")],
        {"metrics.json": e},
        {"metrics.json": a},
    )
    assert rows[0].match is True and rows[0].volatile is True
    assert [(v.key, v.expected, v.actual) for v in volatile] == [("train_time_s", "1.25", "2.5")]


def test_metrics_differing_in_a_real_key_differ_naming_the_key() -> None:
    e = json.dumps({"rmse": 0.5, "train_time_s": 1.0}).encode()
    a = json.dumps({"rmse": 0.6, "train_time_s": 2.0}).encode()
    rows, volatile = _compare(
        [LockedOut("train", "metrics.json", "h1")],
        [LockedOut("train", "metrics.json", "h2")],
        {"metrics.json": e},
        {"metrics.json": a},
    )
    assert rows[0].match is False
    assert rows[0].differing_keys == ["rmse"]
    assert [v.key for v in volatile] == ["train_time_s"]


def test_nan_metric_is_json_safe_and_equal_to_itself() -> None:
    e = b'{"rmse": NaN, "train_time_s": 1}'
    a = b'{"rmse": NaN, "train_time_s": 2}'
    rows, _ = _compare(
        [LockedOut("t", "metrics.json", "h1")],
        [LockedOut("t", "metrics.json", "h2")],
        {"metrics.json": e},
        {"metrics.json": a},
    )
    assert rows[0].match is True
    assert json.dumps([r.model_dump(mode="json") for r in rows], allow_nan=False)


def test_unreadable_committed_metrics_is_a_difference_not_a_pass() -> None:
    rows, _ = _compare(
        [LockedOut("t", "metrics.json", "h1")],
        [LockedOut("t", "metrics.json", "h2")],
        {"metrics.json": None},
        {"metrics.json": b"{}"},
    )
    assert rows[0].match is False
    assert "committed metrics file could not be read" in rows[0].reason


def test_missing_and_extra_outputs_differ() -> None:
    rows, _ = _compare([LockedOut("a", "gone", "1")], [LockedOut("b", "new", "2")])
    assert [(r.path, r.match, r.reason) for r in rows] == [
        ("gone", False, "not produced by the fresh run"),
        ("new", False, "not in the committed dvc.lock"),
    ]


def test_stale_lock_names_changed_deps_and_commands() -> None:
    lock = """
stages:
  prep:
    cmd: python src/prep.py --old
    deps:
    - {path: src/prep.py, hash: md5, md5: aaa}
    - {path: data/raw.csv, hash: md5, md5: bbb}
    - {path: data/dir, hash: md5, md5: ccc.dir}
  train:
    cmd: python train.py
    deps:
    - {path: train.py, hash: md5, md5: ddd}
    - {path: legacy.txt, md5: eee}
"""
    now = {"src/prep.py": "aaa", "data/raw.csv": "changed", "sub/train.py": "ddd"}
    assert [str(m) for m in stale_entries(lock, DVC_YAML, now.get)] == [
        "stage prep: its cmd in dvc.yaml is not the locked one",
        "stage prep: dep data/raw.csv changed after dvc.lock was written",
    ]
    fresh = lock.replace(" --old", "")
    assert stale_entries(fresh, DVC_YAML, {**now, "data/raw.csv": "bbb"}.get) == []
