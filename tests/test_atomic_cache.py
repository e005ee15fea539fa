"""atomic.write_keyed_json / read_keyed_json: the one keyed-JSON cache entry format."""

from __future__ import annotations

import json

import pytest

from metricwatch.atomic import UnreadableEntryError, read_keyed_json, write_keyed_json


def test_value_comes_back_only_under_its_key(tmp_path):
    path = tmp_path / "deep" / "entry.json"
    key = {"version": "1", "opts": [1, 2]}
    assert write_keyed_json(path, key, {"verdict": "identical"}, note="x") == path
    assert read_keyed_json(path, key) == {"verdict": "identical"}
    assert read_keyed_json(path, {"version": "2", "opts": [1, 2]}) is None
    assert json.loads(path.read_text())["note"] == "x"  # extra fields kept for a reader
    assert [p.name for p in path.parent.iterdir()] == ["entry.json"]  # no temp file left


def test_absent_entry_is_none_not_an_error(tmp_path):
    assert read_keyed_json(tmp_path / "missing.json", "k") is None


def test_rewrite_replaces_the_entry(tmp_path):
    path = tmp_path / "e.json"
    write_keyed_json(path, "old", 1)
    write_keyed_json(path, "new", 2)
    assert read_keyed_json(path, "old") is None
    assert read_keyed_json(path, "new") == 2


@pytest.mark.parametrize(
    "text",
    ["{not json", "[1, 2]", '{"value": 1}', '{"key": "k"}', "\udcff"],
    ids=["garbage", "not-an-object", "no-key", "no-value", "bad-utf8"],
)
def test_unreadable_entry_raises_naming_the_file(tmp_path, text):
    path = tmp_path / "e.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(UnreadableEntryError, match="e.json"):
        read_keyed_json(path, "k")


def test_a_folder_where_the_entry_should_be_is_unreadable(tmp_path):
    (tmp_path / "e.json").mkdir()
    with pytest.raises(UnreadableEntryError, match="e.json"):
        read_keyed_json(tmp_path / "e.json", "k")
