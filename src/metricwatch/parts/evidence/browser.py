"""Find a Chromium/Chrome on this machine and drive it headless with Playwright.

Search order: the configured path (`evidence.browser`), $METRICWATCH_BROWSER, Debian's
/usr/bin/chromium, Google Chrome, then a browser Playwright already installed (never a
download). Every context gets a fresh profile, hard timeouts, and request routing that aborts
anything outside the allowed origins, so a page can reach only the MLflow server we show.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
LAUNCH_ARGS: tuple[str, ...] = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
)


LAUNCH_MIN_S = 30.0  # starting Chromium on a busy machine may take longer than a page wait


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


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class Browser:
    """One launched browser; new_page() gives an isolated, routed, time-limited page."""

    executable: Path
    timeout_s: float
    _browser: Any
    blocked: list[str] = field(default_factory=list)

    def new_page(
        self,
        *,
        allowed_origins: Iterable[str] = (),
        viewport: tuple[int, int] = (1600, 1000),
        storage_state: dict[str, Any] | None = None,
    ) -> Any:
        allowed = {origin_of(o) for o in allowed_origins}
        context = self._browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            storage_state=storage_state,
            service_workers="block",
            accept_downloads=False,
        )
        ms = self.timeout_s * 1000
        context.set_default_timeout(ms)
        context.set_default_navigation_timeout(ms)

        def _route(route: Any) -> None:
            url = route.request.url
            if url.startswith(("data:", "blob:", "about:")) or origin_of(url) in allowed:
                route.continue_()
            else:
                self.blocked.append(url)
                route.abort("blockedbyclient")

        context.route("**/*", _route)
        return context.new_page()


@contextmanager
def launch_browser(configured: str | None, timeout_s: float) -> Iterator[Browser]:
    """Find and launch the browser headless; it is closed when the block ends, also on errors.

    timeout_s bounds every page wait; the launch itself gets at least LAUNCH_MIN_S.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    exe = find_browser(configured)
    with sync_playwright() as pw:
        try:
            raw = pw.chromium.launch(
                executable_path=str(exe),
                headless=True,
                args=list(LAUNCH_ARGS),
                # the sandbox needs user namespaces that root in a container rarely has
                chromium_sandbox=os.geteuid() != 0,
                timeout=max(timeout_s, LAUNCH_MIN_S) * 1000,
            )
        except PlaywrightError as exc:
            raise RenderError(
                f"could not launch {exe} headless: {str(exc).splitlines()[0]}. "
                f"Check that it runs (`{exe} --headless --version`) or set evidence.browser."
            ) from exc
        try:
            yield Browser(executable=exe, timeout_s=timeout_s, _browser=raw)
        finally:
            raw.close()
