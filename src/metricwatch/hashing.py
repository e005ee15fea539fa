"""Stable hashes shared by the run source, the lineage helper and the integrity check."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PARAMS_HASH_LEN = 12


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: equal values give equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def params_hash(params: Mapping[str, Any]) -> str:
    """Short hex SHA-256 of the canonical JSON of a run's params (logging order is irrelevant).

    MLflow stores params as strings, so values are stringified first: a param logged as 0.1
    and one read back as "0.1" hash the same.
    """
    as_text = {str(k): str(v) for k, v in params.items()}
    digest = hashlib.sha256(canonical_json(as_text).encode("utf-8")).hexdigest()
    return digest[:PARAMS_HASH_LEN]


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
