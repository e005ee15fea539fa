"""Frozen bin specs: the reference's bins and counts, computed once and identified by a hash.

A spec holds, per column, its kind and bins (numeric: coarse and fine quantile edges;
categorical: the category vocabulary, with an 'unseen' bin added at comparison), the
reference's counts on those bins and its missing / ±inf counts, plus the drift config that made
it (the keys that shape bins) and where the reference came from. Columns the reference could
not bin are kept with their status. `hash` is the SHA-256 of the canonical JSON of everything
but `hash`, `made_by`, the reference's label (informational: where the data was read from) and
a skipped column's reason as messages (its English `reason` is hashed), so a spec edited by hand no longer matches its hash, and the same data frozen anywhere gets the
same hash.
Given the same spec and data, every engine counts the same bins and gives the same numbers.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationError

from metricwatch.config import DriftConfig
from metricwatch.errors import CheckError
from metricwatch.hashing import canonical_json
from metricwatch.i18n.message import Msg
from metricwatch.stats.binning import FINE_BINS_PER_BIN
from metricwatch.stats.counts import CategoryCounts, NumericCounts

SPEC_FORMAT: Final = "metricwatch-bin-spec/1"
Number = StrictFloat | StrictInt
# left out of the hash: where the data was read from, and a skipped column's wording
_UNHASHED: Final[dict[str, Any]] = {
    "hash": True,
    "made_by": True,
    "reference": {"label"},
    "columns": {"__all__": {"why"}},
    "target": {"why"},
}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class SpecConfig(_Strict):
    """The drift config keys that decide which columns are binned and how."""

    bins: int
    fine_bins_per_bin: int = FINE_BINS_PER_BIN
    target: str | None = None
    time_column: str | None = None
    include: list[str] = []
    exclude: list[str] = []
    categorical: list[str] = []
    numeric: list[str] = []
    ordinal: dict[str, list[str | int | float]] = {}

    @classmethod
    def of(cls, dcfg: DriftConfig) -> SpecConfig:
        return cls(
            bins=dcfg.bins,
            target=dcfg.target,
            time_column=dcfg.time_column,
            include=list(dcfg.include),
            exclude=list(dcfg.exclude),
            categorical=list(dcfg.categorical),
            numeric=list(dcfg.numeric),
            ordinal={k: list(v) for k, v in dcfg.ordinal.items()},
        )

    def differences(self, other: SpecConfig) -> list[str]:
        mine, theirs = self.model_dump(), other.model_dump()
        return [k for k in mine if mine[k] != theirs[k]]


class ReferenceInfo(_Strict):
    label: str
    n_rows: int
    sample_rows: int | None = None  # edges from a uniform random sample of at most this many rows
    seed: int | None = None


class NumericBins(_Strict):
    name: str
    kind: Literal["numeric"] = "numeric"
    edges: list[Number]
    fine_edges: list[Number]
    counts: list[int]  # the reference on the fine bins
    n_nan: int = 0
    n_posinf: int = 0
    n_neginf: int = 0

    def reference_counts(self) -> NumericCounts:
        import numpy as np

        return NumericCounts(
            np.asarray(self.counts, dtype=np.int64), self.n_nan, self.n_posinf, self.n_neginf
        )


class CategoricalBins(_Strict):
    name: str
    kind: Literal["categorical"] = "categorical"
    categories: list[str]  # display order; the comparison adds an 'unseen' bin
    counts: list[int]  # the reference per category
    n_nan: int = 0

    def reference_counts(self) -> CategoryCounts:
        return CategoryCounts(dict(zip(self.categories, self.counts, strict=True)), self.n_nan)


class SkippedColumn(_Strict):
    """A reference column that got no bins, and why (its row in every comparison): `reason` in
    English (covered by the hash, as specs were always written), `why` as message pieces to word
    in the reader's language (not hashed: wording only; empty in a spec written before)."""

    name: str
    kind: Literal["skip"] = "skip"
    column_kind: Literal["numeric", "categorical"] | None = None
    status: str
    reason: str
    why: list[Msg] = []


ColumnBins = Annotated[NumericBins | CategoricalBins | SkippedColumn, Field(discriminator="kind")]


class BinSpec(_Strict):
    format: Literal["metricwatch-bin-spec/1"] = SPEC_FORMAT
    hash: str = ""
    config: SpecConfig
    reference: ReferenceInfo
    columns: list[ColumnBins]
    target: ColumnBins | None = None
    made_by: dict[str, str] = {}

    def content_hash(self) -> str:
        body = self.model_dump(mode="json", exclude=_UNHASHED)
        return "sha256:" + hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()

    def sealed(self) -> BinSpec:
        return self.model_copy(update={"hash": self.content_hash()})

    def binned(self) -> list[NumericBins | CategoricalBins]:
        """Every column with bins, the target last."""
        cols = [*self.columns, *([self.target] if self.target is not None else [])]
        return [c for c in cols if not isinstance(c, SkippedColumn)]

    def to_json(self) -> str:
        """Readable and diff-friendly: one line per column."""
        data = self.model_dump(mode="json")
        head = {k: data[k] for k in ("format", "hash", "made_by", "config", "reference")}
        lines = ["{"] + [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
        cols = [f"  {json.dumps(c, ensure_ascii=False)}" for c in data["columns"]]
        lines += [' "columns": [', ",\n".join(cols), " ],"]
        lines += [f' "target": {json.dumps(data["target"], ensure_ascii=False)}', "}"]
        return "\n".join(lines) + "\n"


def parse_spec(text: str, source: str) -> BinSpec:
    """A spec from its JSON text; a spec whose content does not match its hash is refused."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CheckError(f"{source}: not a bin spec: invalid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != SPEC_FORMAT:
        raise CheckError(
            f'{source}: not a metricwatch bin spec (expected "format": "{SPEC_FORMAT}"); '
            "write one with `metricwatch drift --freeze FILE`"
        )
    try:
        spec = BinSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CheckError(
            f"{source}: invalid bin spec at {where}: {first['msg']}; re-freeze it with "
            "`metricwatch drift --freeze FILE`"
        ) from None
    if spec.hash != spec.content_hash():
        raise CheckError(
            f"{source}: the bin spec does not match its hash ({spec.hash or 'none'}): it was "
            "edited after it was frozen; re-freeze it with `metricwatch drift --freeze FILE`"
        )
    return spec
