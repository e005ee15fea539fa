"""Faults of the alert lifecycle and the Alertmanager sink: two `check --notify` at once, and an
Alertmanager that is down or answers 400 / 500.

Every run is a real `metricwatch check --notify` process on the demo (which exits 1: it breaches
`fail` rules); a delivery failure is reported and never changes that exit code. The receivers are
real HTTP servers on 127.0.0.1. Alertmanager is retried with backoff within `alerts.timeout_s`,
and its URL is never printed.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from corpus import fault
from faultkit import Run, edit_config, expect, run_mw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.loopback import serve
from support.webhook_receiver import Receiver, Reply

from metricwatch.procs import free_port

pytestmark = pytest.mark.slow

TWO_AT_ONCE = fault(
    id="check-notify-twice-at-once",
    area="Alerts",
    fault="Two `metricwatch check --notify` start together (cron overlap); the first is still "
    "posting when the second is ready to",
    command="metricwatch check --notify (twice)",
    exit_code=1,
    says="– slack: nothing to send: 6 breach(es) still firing, already sent",
)
AM_DOWN = fault(
    id="alertmanager-down",
    area="Alerts",
    fault="`alerts.alertmanager_url` points at a port where nothing listens",
    command="metricwatch check --notify",
    exit_code=1,
    says="✗ alertmanager: alertmanager (from $MW_FAULT_AM): not delivered after 3 attempt(s) "
    "within 10 s: connection failed (ConnectError)",
)
AM_400 = fault(
    id="alertmanager-400",
    area="Alerts",
    fault="Alertmanager answers 400 Bad Request (it rejects the alerts)",
    command="metricwatch check --notify",
    exit_code=1,
    says="✗ alertmanager: alertmanager (from $MW_FAULT_AM): not delivered after 1 attempt(s) "
    'within 10 s: HTTP 400: "start time must be before end time"',
)
AM_500 = fault(
    id="alertmanager-500",
    area="Alerts",
    fault="Alertmanager answers 500 Internal Server Error, every time",
    command="metricwatch check --notify",
    exit_code=1,
    says="✗ alertmanager: alertmanager (from $MW_FAULT_AM): not delivered after 3 attempt(s) "
    "within 10 s: HTTP 500: internal error",
)
SECRET = "am-secret-token"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def am_config(demo: Path) -> Path:
    return edit_config(
        demo / "metricwatch.yaml",
        alerts={"alertmanager_url_env": "MW_FAULT_AM", "timeout_s": 10, "max_retries": 2},
    )


def check_notify(cfg: Path, url: str) -> Run:
    return run_mw("check", "-c", cfg, "--notify", env={"MW_FAULT_AM": url}, timeout=300)


def test_alertmanager_down(demo_copy: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/?token={SECRET}"  # nothing listens there
    run = check_notify(am_config(demo_copy), url)
    expect(AM_DOWN, run)
    assert SECRET not in run.text


@pytest.mark.parametrize(
    ("case", "reply"),
    [
        (AM_400, Reply(400, body='"start time must be before end time"')),
        (AM_500, Reply(500, body="internal error")),
    ],
)
def test_alertmanager_errors(demo_copy: Path, receiver: Receiver, case, reply: Reply) -> None:
    receiver.reset(*[reply] * 5)
    run = check_notify(am_config(demo_copy), receiver.url(f"/am/{SECRET}"))
    expect(case, run)
    assert SECRET not in run.text and str(receiver.port) not in run.text
    times = [r.at for r in receiver.requests]
    assert times[-1] - times[0] < 10  # retried with backoff, all within alerts.timeout_s
    assert {r.path for r in receiver.requests} == {f"/am/{SECRET}/api/v2/alerts"}


class GatedHook:
    """A webhook that holds its first answer until the second check has recorded its snapshot
    (so that check is ready to notify while the first still holds the alert lock)."""

    def __init__(self, db: Path, hold_s: float) -> None:
        self.db, self.hold_s = db, hold_s
        self.bodies: list[bytes] = []
        self.overlapped = False
        self.lock = threading.Lock()

    def snapshots(self) -> int:
        try:
            with sqlite3.connect(f"{self.db.as_uri()}?mode=ro", uri=True, timeout=5) as c:
                return int(c.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0])
        except sqlite3.Error:
            return 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with hook.lock:
                    first = not hook.bodies
                    hook.bodies.append(body)
                if first:
                    deadline = time.monotonic() + hook.hold_s
                    while time.monotonic() < deadline and hook.snapshots() < 2:
                        time.sleep(0.2)
                    hook.overlapped = hook.snapshots() >= 2
                    time.sleep(1.0)  # the second check is now waiting for the alert lock
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    full = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **env}
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=full)  # fmt: skip


def test_two_checks_at_once_send_one_message_and_both_record(demo_copy: Path) -> None:
    cfg = edit_config(demo_copy / "metricwatch.yaml",
                      alerts={"slack_webhook_env": "MW_FAULT_SLACK", "timeout_s": 240,
                              "max_retries": 0})  # fmt: skip
    hook = GatedHook(demo_copy / "reports" / "history.sqlite", hold_s=200)
    with serve(hook.handler()) as base:
        env = {"MW_FAULT_SLACK": f"{base}/services/T0/B0/{SECRET}"}
        argv = [sys.executable, "-m", "metricwatch", "check", "-c", str(cfg), "--notify"]
        procs = [start(argv, env) for _ in range(2)]
        outs = [p.communicate(timeout=600) for p in procs]
    runs = [Run(argv[3:], p.returncode, o, e) for p, (o, e) in zip(procs, outs, strict=True)]
    both = Run(["check", "--notify"] * 2, max(r.code for r in runs),
               "\n".join(r.out for r in runs), "\n".join(r.err for r in runs))  # fmt: skip
    assert [r.code for r in runs] == [1, 1], both.show()
    expect(TWO_AT_ONCE, both)
    assert hook.overlapped, "the second check never recorded while the first was posting"
    assert len(hook.bodies) == 1, both.show()  # one message, not two
    assert "✓ slack: 6 firing sent" in both.text
    with sqlite3.connect(f"{hook.db.as_uri()}?mode=ro", uri=True) as c:
        assert c.execute("SELECT command FROM snapshots").fetchall() == [("check",), ("check",)]
    assert SECRET not in both.text
