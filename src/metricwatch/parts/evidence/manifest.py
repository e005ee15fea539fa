"""reports/imgs/manifest.json: what each image shows, its SHA-256, when, and from which MLflow.

A reader can check that an image is the one captured (`sha256sum`), what URL or command it
shows and with which MLflow version; missing images are listed with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from metricwatch.atomic import atomic_write_text
from metricwatch.hashing import file_sha256
from metricwatch.parts.evidence.model import EVIDENCE_PARTS, EvidenceReport

MANIFEST_NAME = "manifest.json"


def manifest_data(report: EvidenceReport) -> dict[str, Any]:
    images: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for item in report.items:
        if item.status == "ok":
            images.append(
                {
                    "file": item.name,
                    "sha256": item.sha256,
                    "shows": item.shows.text("en"),
                    "source": item.source,
                    "kind": item.kind,
                    "captured_at": item.captured_at.isoformat() if item.captured_at else None,
                    "width": item.width,
                    "height": item.height,
                    "verified": item.verified,
                    "duration_s": item.duration_s,
                    "mlflow_version": report.mlflow_version if item.kind == "mlflow" else None,
                }
            )
        else:
            missing.append(
                {"file": item.name, "kind": item.kind, "status": item.status, "reason": item.reason}
            )
    return {
        "generated_at": report.captured_at.isoformat(),
        "mlflow_version": report.mlflow_version,
        "mlflow_server": report.server_url,
        "mlflow_server_started_by_metricwatch": report.server_started,
        "browser": report.browser,
        "images": images,
        "missing": missing,
        "notes": report.notes,
    }


def _kept(
    old: dict[str, Any], images_dir: Path, parts: tuple[str, ...]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Entries of parts not captured this time whose file is still the one described."""
    images, missing = [], []
    for img in old.get("images", []):
        path = images_dir / str(img.get("file", ""))
        if (
            img.get("kind") not in parts
            and path.is_file()
            and file_sha256(path) == img.get("sha256")
        ):
            images.append(img)
    for miss in old.get("missing", []):
        if miss.get("kind") not in parts:
            missing.append(miss)
    return images, missing


def write_manifest(
    report: EvidenceReport, images_dir: Path, parts: tuple[str, ...] = EVIDENCE_PARTS
) -> Path:
    """Write the manifest atomically; entries of the parts not captured now are kept if valid."""
    target = images_dir / MANIFEST_NAME
    data = manifest_data(report)
    if set(parts) != set(EVIDENCE_PARTS) and target.is_file():
        try:
            old = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        images, missing = _kept(old, images_dir, parts)
        data["images"] = images + data["images"]
        data["missing"] = missing + data["missing"]
        if data["mlflow_version"] is None and "mlflow" not in parts:
            data["mlflow_version"] = old.get("mlflow_version")
    return atomic_write_text(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
