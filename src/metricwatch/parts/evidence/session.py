"""The shared state of one evidence capture: where images go, the browser, the items so far.

Its own module so that the capture and the MLflow / terminal planners all import it from here
(no import cycle through `capture`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from metricwatch.config import Config
from metricwatch.hashing import file_sha256
from metricwatch.i18n.words import Words
from metricwatch.parts.evidence.browser import Browser
from metricwatch.parts.evidence.model import Caption, EvidenceItem

Progress = Callable[[str], None]


class Session:
    """Shared state of one capture: where images go, the browser, the items so far."""

    def __init__(self, cfg: Config, tmp: Path, say: Progress) -> None:
        self.cfg = cfg
        self.images_dir = cfg.output_dir / "imgs"
        self.tmp = tmp
        self.say = say
        self.browser: Browser | None = None
        self.items: list[EvidenceItem] = []
        self.notes: list[Words] = []
        self.mlflow_version: str | None = None
        self.server_url: str | None = None
        self.server_started = False

    def publish(
        self, name: str, kind: Any, src: Path, shows: Caption, source: str, **kw: Any
    ) -> None:
        from metricwatch.parts.evidence.images import png_stats

        width, height, _ = png_stats(src)
        dest = self.images_dir / name
        src.replace(dest)
        self.items.append(
            EvidenceItem(
                name=name, kind=kind, status="ok", shows=shows, source=source, path=str(dest),
                sha256=file_sha256(dest), width=width, height=height,
                captured_at=datetime.now(UTC), **kw,
            )
        )  # fmt: skip

    def miss(
        self, name: str, kind: Any, status: Any, shows: Caption, why: Words, source: str = ""
    ) -> None:
        (self.images_dir / name).unlink(missing_ok=True)  # never leave stale evidence behind
        self.items.append(
            EvidenceItem(name=name, kind=kind, status=status, shows=shows, why=why, source=source)
        )
