"""Frozen bin specs in a drift run: read one, check it fits the config and the data, write one.

A spec given by drift.bin_spec must be intact (its hash), made with the drift keys now in the
config (else the numbers would not mean what the config says), and fit the data: every column it
bins present in the current data with the same kind of values, and, when drift.reference is also
set, the reference recounted on the spec's bins must give the spec's own counts (else the spec
was made from another reference). Each mismatch is an error naming the file and the column.
"""

from __future__ import annotations

from pathlib import Path

from metricwatch.atomic import atomic_write_bytes
from metricwatch.config import Config
from metricwatch.errors import CheckError, ConfigError
from metricwatch.i18n.words import text as words_text
from metricwatch.sources.drift_engines.counted import Counted
from metricwatch.stats.bin_spec import BinSpec, SpecConfig, parse_spec


def spec_path(cfg: Config) -> Path | None:
    return cfg.resolve(cfg.drift.bin_spec) if cfg.drift.bin_spec else None


def load_spec(cfg: Config) -> BinSpec | None:
    """drift.bin_spec read, its hash checked, its config compared with drift.*; None when unset."""
    path = spec_path(cfg)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{cfg.source}: drift.bin_spec: {path} does not exist; write it with "
            f"`metricwatch drift --freeze {cfg.drift.bin_spec}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{cfg.source}: drift.bin_spec: cannot read {path}: {exc}") from None
    spec = parse_spec(text, str(path))
    differ = SpecConfig.of(cfg.drift).differences(spec.config)
    if differ:
        now, then = SpecConfig.of(cfg.drift).model_dump(), spec.config.model_dump()
        detail = "; ".join(f"drift.{k} is {now[k]!r}, the spec has {then[k]!r}" for k in differ)
        raise ConfigError(
            f"{cfg.source}: drift settings differ from bin spec {path} ({detail}); re-freeze "
            f"it (`metricwatch drift --freeze {cfg.drift.bin_spec}`) or set them back"
        )
    return spec


def check_current(spec: BinSpec, path: Path, counted: Counted, label: str) -> None:
    """Every column the spec bins is in the current data, with the kind of values it binned."""
    for col in spec.binned():
        if col.name == spec.config.target and col.name not in counted.columns:
            continue  # no labels in the current data: no label drift, said in the report
        if col.name not in counted.columns:
            raise CheckError(
                f"{label}: column {col.name!r} of bin spec {path} is not in the current data; "
                "restore the column, or exclude it (drift.exclude) and re-freeze the spec"
            )
        if col.name in counted.errors:
            reason = words_text(counted.errors[col.name][1])
            raise CheckError(
                f"{label}: {reason.replace('numeric in the reference', f'numeric in bin spec {path}')}"
                "; fix the data or re-freeze the spec"
            )


def check_reference(spec: BinSpec, path: Path, counted: Counted, label: str) -> None:
    """The reference recounted on the spec's bins gives the spec's counts."""
    if counted.n_rows != spec.reference.n_rows:
        raise CheckError(
            f"bin spec {path} was made from another reference ({spec.reference.label}, "
            f"{spec.reference.n_rows} rows) than {label} ({counted.n_rows} rows); re-freeze "
            "it (`metricwatch drift --freeze FILE`) or set drift.reference to its data"
        )
    for col in spec.binned():
        mine = counted.overall.get(col.name)
        if col.name in counted.errors or mine is None or not mine.same_as(col.reference_counts()):  # type: ignore[arg-type]
            raise CheckError(
                f"bin spec {path} was made from another reference ({spec.reference.label}) than "
                f"{label}: column {col.name!r} counts differently on its bins; re-freeze it "
                "(`metricwatch drift --freeze FILE`) or set drift.reference to its data"
            )


def write_spec(spec: BinSpec, path: Path) -> Path:
    atomic_write_bytes(path, spec.to_json().encode("utf-8"))
    return path
