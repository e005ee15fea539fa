"""Capture every evidence image with one browser and one MLflow UI server, then the manifest.

When an earlier capture had the same inputs (`reuse_key`), its images are reused (`reuse`).

Each image is written to a temporary folder, verified (page content, not blank), and only
then moved into reports/imgs/; an image that cannot be verified becomes a failed item with
the reason, and any older file of that name is removed so stale evidence is never shown.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import tempfile
import time
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metricwatch.browsers import BrowserNotFoundError, find_browser
from metricwatch.config import Config
from metricwatch.errors import ConfigError, MetricwatchError
from metricwatch.i18n.message import msg
from metricwatch.i18n.words import Words, plain
from metricwatch.parts.evidence.browser import launch_browser
from metricwatch.parts.evidence.manifest import write_manifest
from metricwatch.parts.evidence.model import EVIDENCE_PARTS, EvidenceReport
from metricwatch.parts.evidence.session import Progress, Session
from metricwatch.parts.evidence.terminal_plan import terminal_items

if TYPE_CHECKING:
    from metricwatch.parts.evidence.reuse_key import ReuseKey
    from metricwatch.parts.evidence.terminal_plan import LiveRun


def _prepare(
    cfg: Config, runs: Any, repro: Any, parts: tuple[str, ...], say: Progress
) -> tuple[Any, list[LiveRun] | None, ReuseKey]:
    """The runs and live terminal output the capture uses, and the digest of its inputs."""
    from metricwatch.parts.evidence.reuse_key import ReuseKey, evidence_key
    from metricwatch.parts.evidence.terminal_plan import run_live

    try:
        exe = find_browser(cfg.evidence.browser)
    except BrowserNotFoundError:
        return runs, None, ReuseKey(None, msg("evidence.why.no_browser"))
    if "mlflow" in parts and runs is None:
        from metricwatch.sources.mlflow_runs import load_runs
        from metricwatch.sources.views import MlflowSource

        say("reading the MLflow runs")
        with suppress(MetricwatchError):  # the MLflow part says why, as an item
            runs = load_runs(MlflowSource.of(cfg))
    live = None
    if "terminal" in parts:
        say("running git tag -n and dvc metrics show")
        live = run_live(cfg)
    say("checking for reusable evidence")
    key = evidence_key(cfg, parts=parts, browser_exe=exe, runs=runs, repro=repro, live_runs=live)
    return runs, live, key


def _not_reusable(key: ReuseKey) -> Words:
    """Why this capture will not be reused ("These images will not be reused: …."), or []."""
    if key.why is None:
        return []
    return [msg("evidence.reuse.not_reusable"), key.why, plain(".")]


def _capture(
    cfg: Config, runs: Any, repro: Any, parts: tuple[str, ...], say: Progress, force: bool
) -> EvidenceReport:
    from metricwatch.parts.evidence import reuse
    from metricwatch.parts.evidence.mlflow_capture import mlflow_items

    images_dir = cfg.output_dir / "imgs"
    runs, live, key = _prepare(cfg, runs, repro, parts, say)
    cache_note: Words = []
    if not force:
        hit, cache_note = reuse.load(key, images_dir, parts)
        if hit is not None:
            say(f"reusing the evidence captured {hit.captured_at:%Y-%m-%d %H:%M} UTC")
            return hit
    started, t0 = datetime.now(UTC), time.monotonic()
    images_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=images_dir, prefix=".tmp-")))
        s = Session(cfg, tmp, say)
        browser_error: Words = []
        try:
            find_browser(cfg.evidence.browser)
            say("starting the browser")
            s.browser = stack.enter_context(
                launch_browser(cfg.evidence.browser, cfg.evidence.timeout_s)
            )
        except (BrowserNotFoundError, MetricwatchError) as exc:
            browser_error = [plain(str(exc))]  # the error says what to install or fix
        if "mlflow" in parts:
            mlflow_items(s, runs, browser_error)
        if "terminal" in parts:
            terminal_items(s, repro, browser_error, live)
        report = EvidenceReport(
            images_dir=str(images_dir),
            items=s.items,
            mlflow_version=s.mlflow_version,
            server_url=s.server_url,
            server_started=s.server_started,
            browser=str(s.browser.executable) if s.browser else None,
            captured_at=started,
            duration_s=round(time.monotonic() - t0, 3),
            remarks=[*s.notes, *([browser_error] if browser_error else [])],
            cache_key=key.digest,
            reuse_why=cache_note or _not_reusable(key),
        )
    manifest = write_manifest(report, images_dir, parts)
    report = report.model_copy(update={"manifest_path": str(manifest)})
    reuse.store(key, report)
    return report


def capture_evidence(
    cfg: Config,
    *,
    runs: Any = None,
    repro: Any = None,
    only: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> EvidenceReport:
    """Capture the MLflow screenshots and/or the terminal images into <output>/imgs/.

    runs: a RunSet (loaded when None); repro: a ReproReport whose transcript is rendered (the
    terminal images are skipped with the reason when it is None). The images of an earlier
    capture with the same inputs are reused (report.reused) unless force. Never raises for a missing
    browser or a page that fails: those are items with a reason. Raises ConfigError for an
    unknown `only`.
    """
    if only is not None and only not in EVIDENCE_PARTS:
        raise ConfigError(f"evidence --only {only!r}: choose one of {', '.join(EVIDENCE_PARTS)}")
    parts = (only,) if only else EVIDENCE_PARTS
    say = progress or (lambda _msg: None)
    try:  # Playwright's sync API refuses to run inside an asyncio loop (e.g. Jupyter)
        asyncio.get_running_loop()
    except RuntimeError:
        return _capture(cfg, runs, repro, parts, say, force)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_capture, cfg, runs, repro, parts, say, force).result()
