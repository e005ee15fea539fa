"""`/metrics` over HTTP: prometheus_client's server on a snapshot refreshed on an interval.

A failed refresh keeps the last good numbers (and their last-success timestamp) and marks every
part down, so an alert on `metricwatch_part_up == 0` or on a stale timestamp fires.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from prometheus_client import start_http_server

from metricwatch.alerts.prometheus import Snapshot, registry_for


class Exporter:
    def __init__(
        self,
        refresh: Callable[[], Snapshot],
        *,
        host: str = "127.0.0.1",
        port: int,
        refresh_s: float,
        on_error: Callable[[BaseException], None] = lambda _exc: None,
        on_refresh: Callable[[Snapshot], None] = lambda _snap: None,
    ) -> None:
        self._refresh = refresh
        self.host, self.port, self.refresh_s = host, port, refresh_s
        self._on_error, self._on_refresh = on_error, on_refresh
        self.registry, self.collector = registry_for(Snapshot())
        self._stop = threading.Event()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.refreshes = 0

    def refresh_once(self) -> bool:
        try:
            snap = self._refresh()
        except Exception as exc:  # keep serving the last good numbers
            old = self.collector.snapshot
            parts = dict.fromkeys(old.parts or ("kpis",), False)
            self.collector.update(old.model_copy(update={"parts": parts}))
            self._on_error(exc)
            return False
        self.collector.update(snap)
        self.refreshes += 1
        self._on_refresh(snap)
        return True

    def _loop(self) -> None:
        while not self._stop.wait(self.refresh_s):
            self.refresh_once()

    def start(self) -> None:
        """First refresh, then serve; raises OSError when the port is taken."""
        self.refresh_once()
        self._server, _ = start_http_server(self.port, addr=self.host, registry=self.registry)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._loop, name="metricwatch-refresh", daemon=True)
        self._thread.start()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until stop() (or timeout); True when stopped."""
        return self._stop.wait(timeout_s)

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
