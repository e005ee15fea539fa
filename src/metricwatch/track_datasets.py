"""DVC-tracked inputs as MLflow datasets: name = path, digest = DVC md5, source `dvc://path@rev`.

The digest is the md5 DVC records in `dvc.lock` / `.dvc` files (`<md5>.dir` for a folder), so
integrity can compare a run's training data with a release tag's. The dataset holds no data,
only where it comes from (an `mlflow.data.meta_dataset.MetaDataset` with a `dvc` source type);
`load()` fetches the file through DVC's API. MLflow is imported only when a dataset is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

SCHEME = "dvc://"
SOURCE_TYPE = "dvc"
CONTEXT = "training"
_DVC_MD5 = re.compile(r"^[0-9a-f]{32}(\.dir)?$")


def source_uri(path: str, rev: str) -> str:
    return f"{SCHEME}{path}@{rev}"


def parse_source_uri(uri: str) -> tuple[str, str] | None:
    """(path, rev) of a `dvc://path@rev` URI; None for anything else."""
    if not uri.startswith(SCHEME) or "@" not in uri:
        return None
    path, rev = uri[len(SCHEME) :].rsplit("@", 1)
    return (path, rev) if path and rev else None


def is_dvc_md5(digest: str) -> bool:
    """A DVC 3 md5 as dvc.lock records it: 32 lowercase hex digits, `.dir` for a folder."""
    return bool(_DVC_MD5.match(digest))


@cache
def _source_class() -> type:
    from mlflow.data.dataset_source import DatasetSource

    class DvcDatasetSource(DatasetSource):
        """Where a DVC-tracked input comes from: `dvc://path@rev` in the project's repository."""

        def __init__(self, uri: str) -> None:
            self._uri = uri

        @staticmethod
        def _get_source_type() -> str:
            return SOURCE_TYPE

        def load(self, dst_path: str | None = None, repo: str = ".") -> str:
            """Download the input at its revision (DVC cache or remote) to dst_path."""
            from dvc.api import DVCFileSystem

            path, rev = parse_source_uri(self._uri) or (None, None)
            if path is None:
                raise ValueError(f"{self._uri!r} is not a dvc://path@rev URI")
            target = str(Path(dst_path or ".") / Path(path).name)
            DVCFileSystem(repo, rev=rev).get(path, target, recursive=True)
            return target

        @staticmethod
        def _can_resolve(raw_source: Any) -> bool:
            return isinstance(raw_source, str) and parse_source_uri(raw_source) is not None

        @classmethod
        def _resolve(cls, raw_source: Any) -> DvcDatasetSource:
            return cls(raw_source)

        def to_dict(self) -> dict[str, Any]:
            return {"uri": self._uri}

        @classmethod
        def from_dict(cls, source_dict: dict[Any, Any]) -> DvcDatasetSource:
            return cls(source_dict["uri"])

    return DvcDatasetSource


def dvc_dataset(path: str, md5: str, rev: str) -> Any:
    """An MLflow dataset (no data) for one DVC-tracked path at a revision."""
    from mlflow.data.meta_dataset import MetaDataset

    return MetaDataset(_source_class()(source_uri(path, rev)), name=path, digest=md5)  # type: ignore[abstract]


def dvc_tracked(repo: Path, path: str) -> bool:
    """True when a `.dvc` file tracks path or one of its parent folders (`dvc add`)."""
    rel = Path(path)
    folders = [rel, *list(rel.parents)[:-1]]  # the path and its parents, not the root "."
    return any((repo / f"{f.as_posix()}.dvc").is_file() for f in folders)


def log_datasets(client: Any, run_id: str, datasets: Mapping[str, tuple[str, str]]) -> None:
    """Log each path -> (md5, rev) as a training dataset input of the run."""
    from mlflow.entities import DatasetInput, InputTag

    tag = InputTag("mlflow.data.context", CONTEXT)
    inputs = [
        DatasetInput(dvc_dataset(path, md5, rev)._to_mlflow_entity(), [tag])
        for path, (md5, rev) in sorted(datasets.items())
    ]
    if inputs:
        client.log_inputs(run_id, datasets=inputs)
