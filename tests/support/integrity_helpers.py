"""Helpers for the integrity tests: fake AWS credentials, S3 upload, tree digests."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "metricwatch-test-key",
    "AWS_SECRET_ACCESS_KEY": "metricwatch-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def upload_folder(endpoint: str, bucket: str, prefix: str, folder: Path) -> int:
    """Copy a local DVC remote's objects into an S3 bucket (same layout); returns the count."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=FAKE_AWS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_AWS["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=bucket)
    n = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        s3.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(folder).as_posix()}")
        n += 1
    return n


def tree_digest(*roots: Path) -> str:
    """SHA-256 over every file's relative path, content and mode under the roots (incl. .git)."""
    h = hashlib.sha256()
    for root in roots:
        if root.is_file():
            h.update(root.read_bytes())
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                p = Path(dirpath) / name
                st = p.lstat()
                h.update(str(p.relative_to(root)).encode())
                h.update(oct(st.st_mode).encode())
                if p.is_file() and not p.is_symlink():
                    h.update(p.read_bytes())
    return h.hexdigest()
