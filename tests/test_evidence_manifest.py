"""The manifest: hashes and sources per image; a partial capture keeps the other part's entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from metricwatch.hashing import file_sha256
from metricwatch.i18n.words import plain
from metricwatch.parts.evidence.manifest import write_manifest
from metricwatch.parts.evidence.model import Caption, EvidenceItem, EvidenceReport


def _item(imgs: Path, name: str, kind: str, content: bytes) -> EvidenceItem:
    path = imgs / name
    path.write_bytes(content)
    return EvidenceItem(
        name=name, kind=kind, status="ok", shows=Caption(key="git_tags"), source=f"src-{name}", path=str(path),
        sha256=file_sha256(path), captured_at=datetime.now(UTC),
    )  # fmt: skip


def _report(imgs: Path, items: list[EvidenceItem], version: str | None) -> EvidenceReport:
    return EvidenceReport(
        images_dir=str(imgs), items=items, mlflow_version=version,
        captured_at=datetime.now(UTC), duration_s=1.0,
    )  # fmt: skip


def test_partial_capture_keeps_valid_entries_of_the_other_part(tmp_path):
    imgs = tmp_path / "imgs"
    imgs.mkdir()
    runs = _item(imgs, "mlflow_runs.png", "mlflow", b"runs-v1")
    cmp_ = _item(imgs, "mlflow_compare.png", "mlflow", b"compare-v1")
    write_manifest(_report(imgs, [runs, cmp_], "3.17.2"), imgs)
    (imgs / "mlflow_compare.png").write_bytes(b"changed since")  # no longer the captured image
    term = _item(imgs, "git_tag.png", "terminal", b"tags")
    missing = EvidenceItem(
        name="dvc_status.png",
        kind="terminal",
        status="skipped",
        shows=Caption(key="status_any"),
        why=[plain("no status")],
    )
    path = write_manifest(_report(imgs, [term, missing], None), imgs, ("terminal",))
    data = json.loads(path.read_text())
    files = {i["file"]: i for i in data["images"]}
    assert set(files) == {"mlflow_runs.png", "git_tag.png"}
    assert files["mlflow_runs.png"]["sha256"] == file_sha256(imgs / "mlflow_runs.png")
    assert data["mlflow_version"] == "3.17.2"
    assert data["missing"] == [
        {"file": "dvc_status.png", "kind": "terminal", "status": "skipped", "reason": "no status"}
    ]


def test_full_capture_replaces_the_manifest(tmp_path):
    imgs = tmp_path / "imgs"
    imgs.mkdir()
    write_manifest(_report(imgs, [_item(imgs, "old.png", "mlflow", b"x")], "3.17.2"), imgs)
    path = write_manifest(_report(imgs, [_item(imgs, "new.png", "terminal", b"y")], None), imgs)
    data = json.loads(path.read_text())
    assert [i["file"] for i in data["images"]] == ["new.png"]
    assert data["mlflow_version"] is None
    assert not list(imgs.glob(".manifest-*"))  # the temporary file was moved into place
