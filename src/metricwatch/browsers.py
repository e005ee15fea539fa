"""Find a Chromium/Chrome executable on this machine (ground floor: evidence and render use it).

Search order: the configured path (`evidence.browser`), $METRICWATCH_BROWSER, Debian's
/usr/bin/chromium, Google Chrome, then a browser Playwright already installed (never a
download).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from metricwatch.errors import RenderError

NO_BROWSER = (
    "no Chromium/Chrome found; install with `apt-get install chromium` or set `evidence.browser`"
)
ENV_VAR = "METRICWATCH_BROWSER"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROME_PATHS: tuple[str, ...] = (
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
)
CHROME_NAMES: tuple[str, ...] = ("google-chrome", "google-chrome-stable", "chromium-browser")


class BrowserNotFoundError(RenderError):
    """Raised when no usable Chromium/Chrome executable is found (message: NO_BROWSER)."""


def _executable(path: str | Path) -> Path | None:
    p = Path(path).expanduser()
    return p if p.is_file() and os.access(p, os.X_OK) else None


def playwright_browsers() -> list[Path]:
    """Chromium executables Playwright installed earlier (respects PLAYWRIGHT_BROWSERS_PATH)."""
    root = Path(
        os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright"
    )
    if not root.is_dir():
        return []
    patterns = ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/*/headless_shell")
    found = [p for pat in patterns for p in sorted(root.glob(pat), reverse=True)]
    return [p for p in found if _executable(p)]


def find_browser(configured: str | None = None, *, system: Iterable[str] | None = None) -> Path:
    """The browser executable to use, in the documented order; BrowserNotFoundError if none.

    An explicitly configured path (config or environment) that is not an executable is an
    error naming it: falling back silently would hide a typo.
    """
    for origin, explicit in (("evidence.browser", configured), (ENV_VAR, os.environ.get(ENV_VAR))):
        if explicit:
            hit = _executable(explicit) or (
                _executable(w) if (w := shutil.which(explicit)) else None
            )
            if hit is None:
                raise BrowserNotFoundError(
                    f"{origin} is {explicit!r}, which is not an executable file. {NO_BROWSER}"
                )
            return hit
    candidates = list(system) if system is not None else [DEBIAN_CHROMIUM, *CHROME_PATHS]
    for cand in candidates:
        if hit := _executable(cand):
            return hit
    if system is None:
        for name in CHROME_NAMES:
            if (w := shutil.which(name)) and (hit := _executable(w)):
                return hit
    managed = playwright_browsers()
    if managed:
        return managed[0]
    raise BrowserNotFoundError(NO_BROWSER)
