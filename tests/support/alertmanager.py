"""A real Alertmanager (Debian's `prometheus-alertmanager`) on 127.0.0.1 for tests.

Its own storage folder and config, clustering off (`--cluster.listen-address=`), a free port;
its notifications go to a webhook receiver URL the test gives (`send_resolved: true`, group wait
and interval of 1 s, so a test sees a notification within seconds). Stopped (SIGTERM, then
SIGKILL) with its process group when the block ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from metricwatch.procs import free_port

BINARY = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
GROUP_INTERVAL_S = 1.0
START_TIMEOUT_S = 60.0


def available() -> bool:
    return Path(BINARY).is_file() and os.access(BINARY, os.X_OK)


def config(webhook_url: str) -> dict[str, Any]:
    return {
        "route": {
            "receiver": "hook",
            "group_by": ["alertname", "project"],
            "group_wait": "1s",
            "group_interval": f"{GROUP_INTERVAL_S:g}s",
            "repeat_interval": "4h",
        },
        "receivers": [
            {"name": "hook", "webhook_configs": [{"url": webhook_url, "send_resolved": True}]}
        ],
    }


@contextmanager
def alertmanager(folder: Path, webhook_url: str) -> Iterator[str]:
    """Start Alertmanager; yield its base URL (http://127.0.0.1:PORT)."""
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "alertmanager.yml"
    cfg.write_text(yaml.safe_dump(config(webhook_url)), encoding="utf-8")
    port = free_port()
    log = (folder / "alertmanager.log").open("wb")
    proc = subprocess.Popen(
        [BINARY, f"--config.file={cfg}", f"--storage.path={folder / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
         "--log.level=debug"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, base, folder / "alertmanager.log")
        yield base
    finally:
        _stop(proc)
        log.close()


def _wait_ready(proc: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"alertmanager exited {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/-/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"alertmanager not ready after {START_TIMEOUT_S:g} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


def alerts(base: str) -> list[dict[str, Any]]:
    """The alerts Alertmanager holds (active, silenced, inhibited and unprocessed)."""
    resp = httpx.get(f"{base}/api/v2/alerts", timeout=5)
    resp.raise_for_status()
    return list(resp.json())
