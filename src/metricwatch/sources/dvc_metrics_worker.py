"""Child process of `dvc_metrics`: `dvc.repo.Repo(path).metrics.show(revs=…)` once, JSON out.

Run as `python -m metricwatch.sources.dvc_metrics_worker REPO REV...`. Running DVC's API in one
child process (not one CLI call per tag) lets the parent bound it with a timeout and keeps
DVC's logging and global state out of metricwatch's process.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

SCALARS = (str, int, float, bool)


def _error_text(exc: object) -> str:
    if isinstance(exc, BaseException):
        return f"{type(exc).__name__}: {exc}"
    return str(exc)


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, float) and not math.isfinite(data):
        out[prefix] = "nan" if math.isnan(data) else ("inf" if data > 0 else "-inf")
    elif data is None or isinstance(data, SCALARS):
        out[prefix] = data
    else:
        out[prefix] = json.dumps(data, default=str)
    return out


def show(repo_path: str, revs: list[str]) -> dict[str, Any]:
    from dvc.repo import Repo

    result: dict[str, Any] = {}
    with Repo(repo_path) as repo:
        raw = repo.metrics.show(revs=revs, hide_workspace=False, on_error="return")
    for key, rev_result in raw.items():
        entry: dict[str, Any] = {"error": None, "files": {}}
        if "error" in rev_result:
            entry["error"] = _error_text(rev_result["error"])
        for path, file_result in (rev_result.get("data") or {}).items():
            if "error" in file_result:
                entry["files"][path] = {"error": _error_text(file_result["error"])}
            else:
                entry["files"][path] = {"values": _flatten(file_result.get("data") or {})}
        for name in key.split(","):
            result[name] = entry
    return result


def main(argv: list[str]) -> int:
    repo_path, revs = argv[0], argv[1:]
    json.dump(show(repo_path, revs), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
