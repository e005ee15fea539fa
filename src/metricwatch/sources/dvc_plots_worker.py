"""Child process of `dvc_plots`: each `plots:` entry of dvc.yaml at each revision, JSON out.

Run as `python -m metricwatch.sources.dvc_plots_worker REPO MAX_ROWS MAX_BYTES REV...`.
Definitions come from DVC's own `Repo.plots.collect` (top-level `plots:` with their x/y file
mappings and stage outputs marked as plots, templates and props as DVC resolves them); the data
is read through the same revision's DVC file system (git objects, the DVC cache, or streamed
from the remote; nothing is checked out or fetched into the cache). Tables are read row by row
up to MAX_ROWS, JSON/YAML and images only up to MAX_BYTES: a bigger file is capped or left
out, and the output says which.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import sys
from typing import Any

IMAGES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
TABLES = (".csv", ".tsv")
DOCUMENTS = (".json", ".yaml", ".yml")
PROPS = ("template", "x", "y", "title", "x_label", "y_label")


def _error(exc: object) -> str:
    return f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)


def _table(fs: Any, path: str, max_rows: int, header: bool) -> dict[str, Any]:
    delimiter = "\t" if path.endswith(".tsv") else ","
    with fs.open(path, mode="r", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        first = next(reader, [])
        names = first if header else [str(i) for i in range(len(first))]
        rows = [] if header else [dict(zip(names, first, strict=False))]
        capped = False
        for row in reader:
            if len(rows) >= max_rows:
                capped = True
                break
            rows.append(dict(zip(names, row, strict=False)))
    return {"kind": "table", "rows": rows, "capped": capped}


def _records(data: Any) -> list[dict[str, Any]]:
    """DVC's JSON/YAML plot formats: a list of records, or a mapping holding one such list."""
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        return _records(lists[0]) if len(lists) == 1 else []
    return []


def _document(fs: Any, path: str, max_rows: int) -> dict[str, Any]:
    with fs.open(path, mode="r", encoding="utf-8") as fh:
        text = fh.read()
    if path.endswith(".json"):
        data = json.loads(text)
    else:
        import yaml

        data = yaml.safe_load(text)
    rows = _records(data)
    return {
        "kind": "table",
        "rows": rows[:max_rows],
        "capped": len(rows) > max_rows,
        "total_rows": len(rows),
    }


def read_file(
    fs: Any, path: str, max_rows: int, max_bytes: int, header: bool = True
) -> dict[str, Any]:
    """One plot file at the fs's revision: rows (capped) or an image, else the error."""
    ext = os.path.splitext(path)[1].lower()
    try:
        size = fs.info(path).get("size")
        out: dict[str, Any] = {"path": path, "size": size}
        big = size is not None and size > max_bytes
        if ext in IMAGES:
            if big:
                return out | {"kind": "image", "too_big": True}
            with fs.open(path, mode="rb") as fh:
                data = base64.b64encode(fh.read()).decode("ascii")
            return out | {"kind": "image", "media_type": IMAGES[ext], "image_b64": data}
        if ext in TABLES:
            return out | _table(fs, path, max_rows, header)
        if ext in DOCUMENTS:
            return out | (
                {"kind": "table", "too_big": True} if big else _document(fs, path, max_rows)
            )
        return out | {
            "error": f"unsupported plot file type {ext or '(none)'}: use CSV, TSV, JSON, YAML or an image"
        }
    except Exception as exc:  # DVC/fsspec raise many types: reported per file, never fatal
        return {"path": path, "error": _error(exc)}


def _plots(definitions: dict[str, Any]) -> list[dict[str, Any]]:
    """Flatten DVC's definitions into one entry per plot: props and {file: y field(s)}."""
    out = []
    for config, content in (definitions.get("data") or {}).items():
        if "error" in content:
            out.append(
                {"id": config or "dvc.yaml", "config": config, "error": _error(content["error"])}
            )
            continue
        for plot_id, props in (content.get("data") or {}).items():
            props = props or {}
            y = props.get("y")
            files = dict(y) if isinstance(y, dict) else {plot_id: y}
            entry = {"id": plot_id, "config": config, "files": files}
            entry.update({k: props[k] for k in PROPS if k in props and k != "y"})
            entry["header"] = props.get("header", True)
            out.append(entry)
    return out


def collect(repo_path: str, revs: list[str], max_rows: int, max_bytes: int) -> dict[str, Any]:
    from dvc.repo import Repo
    from dvc.repo.plots import onerror_collect

    result: dict[str, Any] = {}
    with Repo(repo_path) as repo:
        for rev in revs:
            # the repo stays switched to rev while the generator is suspended: read then
            gen = repo.plots.collect(revs=[rev], onerror=onerror_collect)
            try:
                found: dict[str, Any] = next(gen, {})
                plots = _plots((found.get(rev) or {}).get("definitions") or {})
                for plot in plots:
                    plot["data"] = {
                        f: read_file(repo.dvcfs, f, max_rows, max_bytes, plot.get("header", True))
                        for f in plot.get("files", {})
                    }
                result[rev] = {"plots": plots}
            except Exception as exc:  # an unknown revision, a broken dvc.yaml at that revision …
                result[rev] = {"error": _error(exc)}
            finally:
                gen.close()
    return result


def main(argv: list[str]) -> int:
    repo_path, max_rows, max_bytes, revs = argv[0], int(argv[1]), int(argv[2]), argv[3:]
    json.dump(collect(repo_path, revs, max_rows, max_bytes), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
