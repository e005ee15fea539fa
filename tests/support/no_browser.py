"""A machine without Chromium, for tests of the browser search and of what happens without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from metricwatch import browsers


def hide_browsers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No Chromium anywhere for this test: empty PATH, no system paths, no Playwright browsers,
    no $METRICWATCH_BROWSER. Returns the empty folder that stands in for them."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(empty))
    monkeypatch.delenv(browsers.ENV_VAR, raising=False)
    monkeypatch.setattr(browsers, "DEBIAN_CHROMIUM", str(empty / "chromium"))
    monkeypatch.setattr(browsers, "CHROME_PATHS", ())
    return empty
