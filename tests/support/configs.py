"""One config builder for the tests: a Config from sections, as metricwatch.yaml would hold them.

The sections go through the real parser and validation (`parse_config`), so a test's config is
one a user could write; relative paths resolve against root, like a file in root would. A test
module keeps its common sections in a `base` mapping; keyword sections update base's sections
key by key (`make_config(root, BASE, drift={"engine": "spark"})` keeps BASE's other drift keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from metricwatch.config import Config, parse_config


def sections_of(base: Mapping[str, Any] | None, **sections: Any) -> dict[str, Any]:
    """base's sections with the given ones merged in (a mapping updates base's section)."""
    data = {name: dict(v) if isinstance(v, Mapping) else v for name, v in (base or {}).items()}
    for name, value in sections.items():
        if isinstance(value, Mapping) and isinstance(data.get(name), dict):
            data[name].update(value)
        else:
            data[name] = value
    return data


def make_config(
    root: Path = Path("."),
    base: Mapping[str, Any] | None = None,
    /,
    *,
    source: str | None = None,
    **sections: Any,
) -> Config:
    """The Config of a metricwatch.yaml in root holding base's sections updated by sections.

    source is what error messages name (default: root/metricwatch.yaml; no file is written).
    """
    root = Path(root)
    return parse_config(
        sections_of(base, **sections), source or str(root / "metricwatch.yaml"), root
    )


def write_config(path: Path, base: Mapping[str, Any] | None = None, /, **sections: Any) -> Path:
    """Write the sections as a metricwatch.yaml at path (for the CLI); returns path."""
    text = yaml.safe_dump(sections_of(base, **sections), sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path
