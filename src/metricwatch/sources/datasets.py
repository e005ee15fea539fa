"""Reference and current data: CSV or Parquet, a local path or a DVC-tracked `PATH@REV`.

`PATH@REV` is read through DVC's file system at that git revision (from the DVC cache, or
streamed from the remote when the cache lacks it): nothing is checked out and neither the
workspace nor the cache is written. Local paths are relative to the config file's folder;
paths at a revision are relative to the repository root (project.path).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import pandas as pd

from metricwatch.errors import SourceError
from metricwatch.sources.views import DvcSource

URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class DataSpec:
    path: str
    rev: str | None
    label: str  # how messages name it

    @property
    def is_parquet(self) -> bool:
        return self.path.lower().endswith(PARQUET_SUFFIXES)


def parse_spec(source: DvcSource, text: str) -> DataSpec:
    """`PATH` or `PATH@REV`; an existing local path containing '@' stays a path."""
    text = text.strip()
    if not text:
        raise SourceError("empty data path: give PATH or PATH@REV")
    if URI.match(text):  # s3a://, hdfs://, abfss:// … : for the Spark engine, never a local path
        return DataSpec(text, None, text)
    if "@" in text and not source.resolve(text).exists():
        path, rev = text.rsplit("@", 1)
        if not path or not rev:
            raise SourceError(f"{text!r}: expected PATH@REV (e.g. data/current.csv@v1.0.1)")
        return DataSpec(path, rev, f"{path}@{rev}")
    return DataSpec(str(source.resolve(text)), None, str(source.resolve(text)))


def _check_suffix(spec: DataSpec) -> None:
    if not spec.path.lower().endswith(PARQUET_SUFFIXES + CSV_SUFFIXES):
        raise SourceError(f"{spec.label}: unsupported data format; use a .csv or .parquet file")


@contextmanager
def open_binary(source: DvcSource, spec: DataSpec) -> Iterator[IO[bytes]]:
    """A binary file object for the spec, never touching the workspace."""
    _check_suffix(spec)
    if URI.match(spec.path):
        raise SourceError(
            f"{spec.label}: the local engine reads local files and PATH@REV only; set "
            "drift.engine: spark to read data from a lake or cluster file system"
        )
    if spec.rev is None:
        try:
            with open(spec.path, "rb") as fh:
                yield fh
        except FileNotFoundError:
            raise SourceError(
                f"{spec.label}: no such data file; check drift.reference/current"
            ) from None
        return
    from dvc.api import DVCFileSystem

    where = f"at revision {spec.rev} in {source.project}"
    _check_rev(source, spec)
    try:
        fs = DVCFileSystem(str(source.project), rev=spec.rev)
        tracked = fs.isfile(spec.path)
    except Exception as exc:  # DVC/scmrepo raise many types: translate once, here
        raise SourceError(
            f"{spec.label}: cannot read through DVC {where}: {type(exc).__name__}: {exc}. "
            "Check that the revision exists (git tag / branch / commit)."
        ) from exc
    if not tracked:
        raise SourceError(
            f"{spec.label}: {spec.path} is not tracked by git or DVC {where}; check the path "
            "(relative to the repository root) and the revision"
        )
    try:
        fh = fs.open(spec.path, mode="rb")
    except Exception as exc:
        raise SourceError(
            f"{spec.label}: {spec.path} is tracked by DVC {where} but its data is neither in "
            f"the DVC cache nor on the remote ({type(exc).__name__}); run `dvc push` where the "
            "data exists, or check the remote's credentials"
        ) from exc
    try:
        yield fh
    finally:
        fh.close()


def _check_rev(source: DvcSource, spec: DataSpec) -> None:
    from metricwatch.git import run_git

    res = run_git(source.project, "rev-parse", "--verify", "--quiet", f"{spec.rev}^{{commit}}")
    if not res.ok:
        raise SourceError(
            f"{spec.label}: revision {spec.rev!r} does not exist in {source.project} "
            "(no such tag, branch or commit); check `git tag` / `git log`"
        )


def _csv_header(raw: bytes, label: str) -> list[str]:
    first = raw.split(b"\n", 1)[0]
    try:
        line = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(_not_utf8(label, exc)) from None
    return next(csv.reader([line]), [])


def _not_utf8(label: str, exc: UnicodeDecodeError) -> str:
    line = exc.object[: exc.start].count(b"\n") + 1
    return (
        f"{label}: not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}, "
        f"line {line}); re-save the file as UTF-8"
    )


def _utf8_error(raw: bytes) -> UnicodeDecodeError | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    return None


def check_unique_columns(columns: list[str], label: str) -> None:
    seen: set[str] = set()
    for c in columns:
        if c in seen:
            raise SourceError(
                f"{label}: column {c!r} appears more than once; rename the duplicates"
            )
        seen.add(c)


def read_frame(source: DvcSource, spec: DataSpec, columns: list[str] | None = None) -> pd.DataFrame:
    """The whole file as a DataFrame (CSV is decoded as strict UTF-8)."""
    with open_binary(source, spec) as fh:
        if spec.is_parquet:
            import pyarrow.parquet as pq

            try:
                pf = pq.ParquetFile(fh)
                check_unique_columns(pf.schema_arrow.names, spec.label)
                return pf.read(columns=columns).to_pandas()
            except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                raise SourceError(f"{spec.label}: not a readable Parquet file: {exc}") from exc
        raw = fh.read()
    if not raw.strip():
        raise SourceError(f"{spec.label}: the file is empty (no header, no rows)")
    check_unique_columns(_csv_header(raw, spec.label), spec.label)
    sep = "\t" if spec.path.lower().endswith(".tsv") else ","
    try:
        return pd.read_csv(io.BytesIO(raw), sep=sep, encoding="utf-8", usecols=columns)
    except UnicodeDecodeError as exc:
        # pandas reports offsets inside its read buffer: find the real one in the file
        raise SourceError(_not_utf8(spec.label, _utf8_error(raw) or exc)) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceError(f"{spec.label}: cannot parse as CSV: {exc}") from exc


def parquet_rows(source: DvcSource, spec: DataSpec) -> int:
    import pyarrow.parquet as pq

    with open_binary(source, spec) as fh:
        try:
            return int(pq.ParquetFile(fh).metadata.num_rows)
        except (OSError, ValueError) as exc:
            raise SourceError(f"{spec.label}: not a readable Parquet file: {exc}") from exc
