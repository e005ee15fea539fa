"""reports/imgs/manifest.json: what each image shows, its SHA-256, when, and from which MLflow.

A reader can check that an image is the one captured (`sha256sum`), what URL or command it
shows and with which MLflow version; missing images are listed with the reason.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from metricwatch.evidence.model import EvidenceReport

MANIFEST_NAME = "manifest.json"


def manifest_data(report: EvidenceReport) -> dict:
    images, missing = [], []
    for item in report.items:
        if item.status == "ok":
            images.append(
                {
                    "file": item.name,
                    "sha256": item.sha256,
                    "shows": item.shows,
                    "source": item.source,
                    "kind": item.kind,
                    "captured_at": item.captured_at.isoformat() if item.captured_at else None,
                    "width": item.width,
                    "height": item.height,
                    "verified": item.verified,
                    "mlflow_version": report.mlflow_version if item.kind == "mlflow" else None,
                }
            )
        else:
            missing.append({"file": item.name, "status": item.status, "reason": item.reason})
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


def write_manifest(report: EvidenceReport, images_dir: Path) -> Path:
    """Write the manifest atomically (a reader never sees half a file)."""
    target = images_dir / MANIFEST_NAME
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", suffix=".json", dir=images_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest_data(report), fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, target)
    return target
