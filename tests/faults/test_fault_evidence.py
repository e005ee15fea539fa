"""Faults in the evidence capture: an MLflow UI page that never renders.

The tracking server is real (`mlflow server` on the demo's store); a loopback HTTP front passes
its REST API through, so runs load as usual, but answers every UI page with a document that
never finishes loading: what a stuck UI looks like from the browser.
"""

from __future__ import annotations

import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from corpus import fault
from faultkit import edit_config, expect, html_text, run_mw
from support.loopback import serve

from metricwatch.mlflow_server import local_mlflow_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGE_NEVER_RENDERS = fault(
    id="evidence-page-never-renders",
    area="MLflow",
    fault="An MLflow UI page never finishes loading (the server answers, the page never renders)",
    command="metricwatch report",
    exit_code=0,
    says="⚠ evidence: mlflow_runs.png: timed out after 3 s: the MLflow page never finished loading",
    report=(
        "mlflow_runs.png — MLflow runs list of experiment 'student-performance' with the KPI "
        "columns: mlflow_runs.png: timed out after 3 s: the MLflow page never finished loading"
    ),
)

PASS_THROUGH = ("/api/", "/ajax-api/", "/version", "/health")


def _front(upstream: str, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Front(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            req = urllib.request.Request(upstream + self.path, data=body, method=self.command)
            if self.headers.get("Content-Type"):
                req.add_header("Content-Type", self.headers["Content-Type"])
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    status, ctype, data = resp.status, resp.headers.get("Content-Type"), resp.read()
            except urllib.error.HTTPError as exc:
                status, ctype, data = exc.code, exc.headers.get("Content-Type"), exc.read()
            self.send_response(status)
            self.send_header("Content-Type", ctype or "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stuck_page(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"<!doctype html><html><head><title>MLflow</title></head><body>")
            self.wfile.flush()
            stop.wait(60)  # the rest of the document never comes

        def do_GET(self) -> None:
            self._forward() if self.path.startswith(PASS_THROUGH) else self._stuck_page()

        def do_POST(self) -> None:
            self._forward()

        def log_message(self, *args: object) -> None:
            pass

    return Front


@pytest.fixture(scope="module")
def stuck_ui(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real MLflow server behind a front whose UI pages never finish loading."""
    db = tmp_path_factory.mktemp("stuck-ui") / "mlflow.db"
    shutil.copy2(demo_dir / "mlflow.db", db)  # the server may write to its store
    stop = threading.Event()
    with (
        local_mlflow_server(f"sqlite:///{db}", timeout_s=240) as srv,
        serve(_front(srv.url, stop)) as url,
    ):
        try:
            yield url
        finally:
            stop.set()  # lets the stuck page handlers end before the server shuts down


def test_page_that_never_renders_is_missing_with_url_and_timeout(
    demo_copy: Path, stuck_ui: str, tmp_path: Path
) -> None:
    cfg = edit_config(
        demo_copy / "metricwatch.yaml",
        mlflow={"tracking_uri": stuck_ui},
        evidence={"timeout_s": 3},
    )
    out = tmp_path / "reports"
    run = run_mw(
        "report", "-c", cfg, "-o", out, "--no-pdf",
        "--skip", "repro", "--skip", "kpis", "--skip", "integrity", "--skip", "drift",
        env={"XDG_CACHE_HOME": str(tmp_path / "cache")}, timeout=400,
    )  # fmt: skip
    html = out / "metrics_monitoring.html"
    expect(PAGE_NEVER_RENDERS, run, html=html)
    text = html_text(html)
    assert f"loading ({stuck_ui}/#/experiments/" in text  # the URL is named
    assert "raise evidence.timeout_s" in text
    assert not (out / "imgs" / "mlflow_runs.png").exists()  # no stale or partial image
    # an HTTP server's content cannot be fingerprinted: its pages are never reused
    assert f"These images will not be reused: the tracking store {stuck_ui} is a server" in text
