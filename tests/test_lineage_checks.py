"""Pure checklist items: "registered model version for this run" and "training data = the tag's
data" (known answers on small records; the readers behind them are tested on real stores)."""

from __future__ import annotations

import pytest

from metricwatch.i18n import t
from metricwatch.parts.integrity.dvc_items import parse_release
from metricwatch.parts.integrity.model_registry import registered_version_item
from metricwatch.parts.integrity.training_data import tag_entries, training_data_item
from metricwatch.sources.mlflow_inputs import RunDataset
from metricwatch.sources.mlflow_registry import RegisteredVersion, RegistryListing
from metricwatch.track_datasets import is_dvc_md5, parse_source_uri, source_uri

RUN = "a" * 32
OTHER = "b" * 32
RAW = "3f1c0e8c2d1e4b5a6978877665544332"
BATCH = "9d8c7b6a5f4e3d2c1b0a998877665544"
PROCESSED = "0123456789abcdef0123456789abcdef.dir"
LOCK = f"""schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py
    deps:
    - path: data/raw/students.csv
      hash: md5
      md5: {RAW}
      size: 10
    outs:
    - path: data/processed
      hash: md5
      md5: {PROCESSED}
      nfiles: 2
"""
BATCH_DVC = f"""outs:
- md5: {BATCH}
  size: 20
  hash: md5
  path: batch.csv
"""


def listing(*versions: RegisteredVersion, reason: str | None = None) -> RegistryListing:
    return RegistryListing(tracking_uri="sqlite:///m.db", versions=list(versions), reason=reason)


def version(
    model: str, number: str, run_id: str, *aliases: str, status: str = "READY"
) -> RegisteredVersion:
    return RegisteredVersion(
        model=model, version=number, run_id=run_id, aliases=list(aliases), status=status
    )


@pytest.mark.parametrize(
    ("versions", "status", "reason"),
    [
        ((version("m", "1", RUN, "champion"),), "ok", "m version 1 @champion"),
        (
            (version("m", "1", RUN), version("m", "4", RUN, "a", "b")),
            "ok",
            "m version 1, version 4 @a @b",
        ),
        ((), "fail", f"no version of registered model 'm' comes from run {RUN}"),
        (
            (version("other", "2", RUN), version("m", "1", OTHER)),
            "fail",
            f"no version of registered model 'm' comes from run {RUN} (it is registered as: other)",
        ),
        (
            (version("m", "1", RUN, status="FAILED_REGISTRATION"),),
            "fail",
            "m version 1: registration failed",
        ),
        (
            (version("m", "1", RUN, status="PENDING_REGISTRATION"),),
            "unknown",
            "m version 1: not READY (status PENDING_REGISTRATION)",
        ),
    ],
)
def test_registered_version_item(versions: tuple, status: str, reason: str) -> None:
    item = registered_version_item(RUN, listing(*versions), "m")
    assert (item.name, item.status, item.reason) == ("registered_model", status, reason)


def test_registered_version_item_unknowns() -> None:
    down = registered_version_item(RUN, listing(reason="server down"), "m")
    assert (down.status, down.reason) == ("unknown", "model registry unavailable: server down")
    norun = registered_version_item(None, listing(), "m")
    assert (norun.status, norun.reason) == ("unknown", "no MLflow run to look up")


def release():
    return parse_release(
        "c" * 40,
        {
            "dvc.yaml": b"stages: {prepare: {cmd: x}}\n",
            "dvc.lock": LOCK.encode(),
            "data/current/batch.csv.dvc": BATCH_DVC.encode(),
        },
        "v1.0.0",
    )


def ds(path: str, digest: str, *, source: str | None = None, name: str | None = None) -> RunDataset:
    return RunDataset(
        name=name or path,
        digest=digest,
        source=source if source is not None else source_uri(path, "v1.0.0"),
        source_type="dvc",
        context="training",
    )


def test_tag_entries_cover_lock_and_dvc_files() -> None:
    entries = tag_entries(release())
    assert {p: e.md5 for p, e in entries.items()} == {
        "data/raw/students.csv": RAW,
        "data/processed": PROCESSED,
        "data/current/batch.csv": BATCH,
    }


def test_training_data_matches() -> None:
    item = training_data_item(
        [
            ds("data/raw/students.csv", RAW),
            ds("data/current/batch.csv", BATCH),
            ds("data/processed", PROCESSED),
        ],
        release(),
        "v1.0.0",
    )
    assert item.status == "ok"
    assert item.reason == (
        f"3 dataset(s) = the tag's data: data/raw/students.csv {RAW}; data/current/batch.csv "
        f"{BATCH}; data/processed {PROCESSED}"
    )


def test_training_data_differs_names_both_hashes() -> None:
    other = "f" * 32
    item = training_data_item(
        [ds("data/raw/students.csv", other), ds("data/current/batch.csv", BATCH)],
        release(),
        "v1.0.0",
    )
    assert item.status == "fail"
    assert item.reason == f"data/raw/students.csv: the run's data {other} ≠ the tag's {RAW}"


@pytest.mark.parametrize(
    ("dataset", "reason"),
    [
        (
            ds("data/raw/students.csv", "4f6a1b2c"),  # an MLflow pandas digest: 8 hex digits
            "0 of 1 dataset(s) match; data/raw/students.csv: digest '4f6a1b2c' is not a DVC md5 "
            "(32 hex digits, '.dir' for a folder), so it cannot be compared with the tag's",
        ),
        (
            ds("data/extra.csv", RAW),
            "0 of 1 dataset(s) match; data/extra.csv: not tracked by DVC at v1.0.0 (dvc.lock, .dvc files)",
        ),
        (
            ds("students", RAW, source="s3://bucket/students.csv"),
            "0 of 1 dataset(s) match; dataset 'students' (s3://bucket/students.csv) names no path "
            "DVC tracks at v1.0.0",
        ),
    ],
)
def test_training_data_unknown(dataset: RunDataset, reason: str) -> None:
    item = training_data_item([dataset], release(), "v1.0.0")
    assert (item.status, item.reason) == ("unknown", reason)


def test_unknown_digest_never_hides_a_mismatch_or_claims_a_match() -> None:
    item = training_data_item(
        [ds("data/raw/students.csv", RAW), ds("data/processed", "sha256:ab")], release(), "v1.0.0"
    )
    assert item.status == "unknown" and item.reason.startswith(
        "1 of 2 dataset(s) match; data/processed: digest 'sha256:ab'"
    )


def test_dataset_named_by_path_without_dvc_source() -> None:
    item = training_data_item(
        [ds("data/raw/students.csv", RAW, source="/abs/students.csv")], release(), "v1.0.0"
    )
    assert item.status == "ok"


def test_no_datasets_and_unreadable() -> None:
    none = training_data_item([], release(), "v1.0.0")
    assert (none.status, none.reason) == ("unknown", t("integrity.reason.no_datasets"))
    assert none.reason.startswith("the run logged no dataset inputs (mlflow.log_input)")
    down = training_data_item(None, release(), "v1.0.0", unavailable="server down")
    assert (down.status, down.reason) == ("unknown", "datasets unavailable: server down")


def test_legacy_dvc2_hash_is_not_compared() -> None:
    legacy = LOCK.replace("      hash: md5\n      md5: " + RAW, "      md5: " + RAW)
    rel = parse_release(
        "c" * 40, {"dvc.yaml": b"stages: {}\n", "dvc.lock": legacy.encode()}, "v0.9"
    )
    item = training_data_item([ds("data/raw/students.csv", "e" * 32)], rel, "v0.9")
    assert item.status == "unknown" and "the tag records a DVC 2 hash" in item.reason


@pytest.mark.parametrize(
    ("uri", "parsed"),
    [
        ("dvc://data/raw/students.csv@v1.0.0", ("data/raw/students.csv", "v1.0.0")),
        ("dvc://model@v1.0.0@abc123", ("model@v1.0.0", "abc123")),
        ("dvc://data/raw.csv", None),
        ("s3://bucket/x@v1", None),
    ],
)
def test_source_uri(uri: str, parsed: tuple[str, str] | None) -> None:
    assert parse_source_uri(uri) == parsed


@pytest.mark.parametrize(
    ("digest", "ok"),
    [(RAW, True), (PROCESSED, True), (RAW.upper(), False), ("4f6a1b2c", False), (RAW + "0", False)],
)
def test_is_dvc_md5(digest: str, ok: bool) -> None:
    assert is_dvc_md5(digest) is ok
