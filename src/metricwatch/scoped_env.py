"""Set environment variables for the duration of a block, then restore the previous values."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def scoped_env(values: Mapping[str, str]) -> Iterator[None]:
    """os.environ updated with values inside the block; variables unset before are unset after."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
