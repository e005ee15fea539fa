"""Row batches of a data file, for data larger than memory: Arrow record batches, never pandas.

Parquet is read row group by row group (no read-ahead: it doubled the peak memory of a 10M-row
pass), CSV by Arrow's streaming reader in blocks (column types are inferred from the first
block; a later value that does not fit is a clear error). Memory is bounded by the batch size,
not the file size. `PATH@REV` data streams through DVC like any other read (sources/datasets.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from metricwatch.errors import SourceError
from metricwatch.sources.datasets import DataSpec, check_unique_columns, open_binary
from metricwatch.sources.views import DvcSource

CSV_BLOCK_BYTES = 16 << 20


def iter_parquet(source: DvcSource, spec: DataSpec, *, batch_rows: int) -> Iterator[pa.RecordBatch]:
    import pyarrow.parquet as pq

    with open_binary(source, spec) as fh:
        try:
            pf = pq.ParquetFile(fh, pre_buffer=False)
            check_unique_columns(pf.schema_arrow.names, spec.label)
            yield from pf.iter_batches(batch_size=batch_rows, use_threads=False)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise SourceError(f"{spec.label}: cannot read Parquet batches: {exc}") from exc


def iter_csv(
    source: DvcSource, spec: DataSpec, *, block_bytes: int = CSV_BLOCK_BYTES
) -> Iterator[pa.RecordBatch]:
    import pyarrow.csv as pcsv

    delimiter = "\t" if spec.path.lower().endswith(".tsv") else ","
    with open_binary(source, spec) as fh:
        try:
            reader = pcsv.open_csv(
                fh,
                read_options=pcsv.ReadOptions(block_size=block_bytes),
                parse_options=pcsv.ParseOptions(delimiter=delimiter),
            )
            check_unique_columns(reader.schema.names, spec.label)
            yield from reader
        except (OSError, ValueError) as exc:
            raise SourceError(
                f"{spec.label}: cannot read CSV batches: {exc}. Types are taken from the first "
                f"{block_bytes >> 20} MB; a column that changes type later needs a fix in the "
                "file (or convert it to Parquet, which stores types)"
            ) from exc


def iter_batches(source: DvcSource, spec: DataSpec, *, batch_rows: int) -> Iterator[pa.RecordBatch]:
    if spec.is_parquet:
        return iter_parquet(source, spec, batch_rows=batch_rows)
    return iter_csv(source, spec)
