"""Drive the Chromium/Chrome that metricwatch.browsers finds headless with Playwright.

Every context gets a fresh profile, hard timeouts, and request routing that aborts anything
outside the allowed origins, so a page can reach only the MLflow server we show.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from metricwatch.browsers import find_browser
from metricwatch.errors import RenderError

LAUNCH_ARGS: tuple[str, ...] = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
)


LAUNCH_MIN_S = 30.0  # starting Chromium on a busy machine may take longer than a page wait


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
