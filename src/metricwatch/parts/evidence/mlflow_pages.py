"""The MLflow UI pages we photograph, and how: wait for content, verify it, then save.

Selectors use visible text, ARIA roles and the document's landmarks (`main`), never generated
class names, so a 2.x server works as well as the installed 3.x UI. The UI's own saved view
state (metric columns, the "Model training" workflow, the assistant panel closed) is given to
the browser as local storage before the page loads; a stylesheet hides floating assistant
buttons, and release runs are highlighted in the runs list the same way. No script is ever
injected into MLflow's pages.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metricwatch.i18n.message import msg
from metricwatch.i18n.words import plain
from metricwatch.parts.evidence.browser import Browser
from metricwatch.parts.evidence.images import (
    EvidenceCheckError,
    ImageCheckError,
    check_png,
    stack_pngs,
)
from metricwatch.parts.evidence.model import Caption
from metricwatch.redact import redact_url

VIEW_WIDTH = 1600
# Hides floating assistant/promo widgets that may cover content (CSS only).
HIDE_CSS = (
    '[data-assistant-ui], [aria-label*="assistant" i], [data-testid*="assistant" i], '
    '[aria-label*="promo" i] { display: none !important; }'
)
MAX_MATCHES = 12
SKELETON = '[class*="skeleton" i]'


class PageCheckError(EvidenceCheckError):
    """A page did not show what it should (`why` names the page and what was missing)."""


@dataclass(frozen=True)
class PageSpec:
    name: str  # the PNG's file name
    route: str  # path after the server URL, e.g. "/#/experiments/1/runs"
    shows: Caption
    texts: list[str]  # must be visible text in the content (run names, metric names)
    run_ids: list[str]  # must be on the page as text or in a link
    height: int = 1400
    collapse: list[str] = field(default_factory=list)  # section buttons to collapse by name
    tab: str | None = None  # a tab to photograph as well (e.g. "Artifacts")
    tab_texts: list[str] = field(default_factory=list)  # must be visible on that tab
    highlight: list[str] = field(default_factory=list)  # run ids whose rows are highlighted


def highlight_css(run_ids: list[str]) -> str:
    """CSS (no script) that marks the rows of these runs in the runs list. MLflow 3's grid
    gives each row its run id (`row-id`), in the pinned and the scrolled half alike; on a UI
    without it nothing matches and the list is shown as it is."""
    rows = [f'[role="row"][row-id="{rid}"]' for rid in run_ids if rid.isalnum()]
    if not rows:
        return ""
    targets = [*rows, *(f'{row} [role="gridcell"]' for row in rows)]
    return f"{', '.join(targets)} {{ background: #fff1b8 !important; }}"


def storage_state(
    url: str, experiment_ids: list[str], metric_keys: list[str], version_tag: str
) -> dict[str, Any]:
    """Local storage the MLflow UI reads at start: our column choice, ML workflow, no assistant."""
    columns = [f"metrics.`{k}`" for k in metric_keys] + [f"tags.`{version_tag}`"]
    items = [
        {"name": "mlflow.workflowType_v1", "value": json.dumps("machine_learning")},
        {"name": "mlflow.assistant.panelOpen_v1", "value": "false"},
        {"name": "mlflow.assistant.fab.autoOpenedOnFirstLoad_v1", "value": "true"},
    ]
    for exp in experiment_ids:
        key = f"MLflowLocalStorage-1.1-ExperimentPage-{json.dumps([exp])}-ReactComponentState"
        items.append({"name": key, "value": json.dumps({"selectedColumns": columns})})
    return {"cookies": [], "origins": [{"origin": url, "localStorage": items}]}


def _content(page: Any) -> Any:
    main = page.get_by_role("main")
    return main.first if main.count() else page.locator("body")


def _wait_texts(page: Any, spec: PageSpec, texts: list[str], timeout_ms: float, where: str) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    for text in texts:
        left = max(1.0, (deadline - time.monotonic()) * 1000)
        try:
            page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=left)
        except Exception as exc:  # playwright TimeoutError; message names what was missing
            secs = f"{timeout_ms / 1000:.0f}"
            why = msg("evidence.page.text_timeout", name=spec.name, secs=secs, text=repr(text),
                      where=where)  # fmt: skip
            raise PageCheckError([why]) from exc
    page.locator(SKELETON).first.wait_for(state="hidden", timeout=timeout_ms)


def _inside(box: dict[str, float] | None, frame: dict[str, float]) -> bool:
    """True when box lies within the photographed frame (not scrolled away or clipped)."""
    if not box or box["width"] <= 0 or box["height"] <= 0:
        return False
    return bool(
        box["y"] >= frame["y"] - 1 and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
    )


def _on_screen(locator: Any, frame: dict[str, float]) -> bool:
    return any(_inside(m.bounding_box(), frame) for m in locator.all()[:MAX_MATCHES])


def _verify(
    content: Any, spec: PageSpec, texts: list[str], ids: list[str], where: str
) -> list[str]:
    """Every expected text and run id must be visible inside the frame we photograph."""
    frame = content.bounding_box()
    if not frame:
        raise PageCheckError([msg("evidence.page.no_content", name=spec.name, where=where)])
    missing = [t for t in texts if not _on_screen(content.get_by_text(t, exact=False), frame)]
    for rid in ids:
        links = content.locator(f'a[href*="{rid}"]')
        if not (_on_screen(links, frame) or _on_screen(content.get_by_text(rid), frame)):
            missing.append(rid)
    if missing:
        shown = ", ".join(map(repr, missing))
        why = msg("evidence.page.not_shown", name=spec.name, where=where, missing=shown)
        raise PageCheckError([why])
    if content.locator(SKELETON).count():
        raise PageCheckError([msg("evidence.page.loading", name=spec.name, where=where)])
    return [*texts, *ids]


def _shoot(
    page: Any, spec: PageSpec, texts: list[str], ids: list[str], where: str, out: Path, ms: float
) -> list[str]:
    _wait_texts(page, spec, texts, ms, where)
    content = _content(page)
    verified = _verify(content, spec, texts, ids, where)
    content.screenshot(path=str(out), animations="disabled", timeout=ms)
    return verified


def _load(page: Any, url: str, spec: PageSpec, where: str, timeout_s: float) -> None:
    """Open the page; one that never finishes loading is a PageCheckError naming its URL."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.goto(url, wait_until="domcontentloaded")
    except PlaywrightTimeout as exc:
        secs = f"{timeout_s:.0f}"
        why = msg("evidence.page.load_timeout", name=spec.name, secs=secs, where=where)
        raise PageCheckError([why]) from exc


def capture_page(
    browser: Browser, base_url: str, spec: PageSpec, state: dict[str, Any], tmp: Path
) -> tuple[Path, list[str]]:
    """Load, wait, verify and photograph one page; return (png path in tmp, verified texts).

    Raises PageCheckError naming the page and what was missing; nothing is saved then.
    """
    ms = browser.timeout_s * 1000
    where = redact_url(base_url) + spec.route.split("?")[0]
    page = browser.new_page(
        allowed_origins=[base_url], viewport=(VIEW_WIDTH, spec.height), storage_state=state
    )
    try:
        _load(page, base_url + spec.route, spec, where, browser.timeout_s)
        page.add_style_tag(content=HIDE_CSS + highlight_css(spec.highlight))
        _wait_texts(page, spec, spec.texts, ms, where)
        for section in spec.collapse:
            button = page.get_by_role("button", name=section)
            if button.count():
                button.first.click()
        shots = [tmp / f"{spec.name}.part0.png"]
        verified = _shoot(page, spec, spec.texts, spec.run_ids, where, shots[0], ms)
        if spec.tab:
            page.get_by_role("tab", name=spec.tab).first.click()
            shots.append(tmp / f"{spec.name}.part1.png")
            verified += _shoot(
                page, spec, spec.tab_texts, [], f"{where} ({spec.tab})", shots[1], ms
            )
        final = tmp / spec.name
        try:
            stack_pngs(shots, final) if len(shots) > 1 else shots[0].replace(final)
            check_png(final)
        except ImageCheckError as exc:
            raise PageCheckError([plain(f"{spec.name}: "), *exc.why]) from exc
        return final, verified
    finally:
        page.context.close()
