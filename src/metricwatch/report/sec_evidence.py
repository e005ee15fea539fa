"""Section 5: evidence — the screenshots with captions and the manifest's hashes."""

from __future__ import annotations

import base64
from pathlib import Path

from metricwatch.report import html as h
from metricwatch.report.blocks import Block, Html, part_missing
from metricwatch.report.i18n import Lang, t
from metricwatch.result import MonitoringResult

_MAX_INLINE = 8 * 1024 * 1024


def _img(path: str, alt: str) -> str:
    """The PNG inlined as a data URI, so the HTML report is one self-contained file."""
    data = Path(path).read_bytes()
    if len(data) > _MAX_INLINE:
        return h.notice(f"{Path(path).name}: image over 8 MB, see {path}", "warn")
    b64 = base64.b64encode(data).decode("ascii")
    return f'<img class="mw-evidence" alt="{h.esc(alt)}" src="data:image/png;base64,{b64}">'


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.evidence
    if rep is None:
        return part_missing(result, "evidence", lang)
    blocks: list[Block] = [Html(h.heading(t("screens", lang)))]
    blocks += [Html(h.notice(n, "warn")) for n in rep.notes]
    for item in rep.items:
        caption = f"{item.name} — {item.shows}"
        if item.status == "ok" and item.path and Path(item.path).is_file():
            figure = _img(item.path, item.shows)
            blocks.append(
                Html(
                    f'<figure class="mw-figure-evidence">{figure}'
                    f"<figcaption>{h.esc(caption)}</figcaption></figure>"
                )
            )
        else:
            why = item.reason or "image file missing"
            blocks.append(Html(h.notice(f"{caption}: {why}", "unknown")))
    rows = [
        [
            i.name,
            i.status,
            (i.sha256 or "—")[:16],
            i.source or "—",
            i.captured_at.strftime("%Y-%m-%d %H:%M:%S") if i.captured_at else "—",
        ]
        for i in rep.items
    ]
    cols = ["Image", "Status", "SHA-256", "URL / command", "Captured"]
    blocks.append(Html(h.heading(t("manifest", lang)) + h.table(cols, rows, "mw-table mw-small")))
    if rep.manifest_path:
        blocks.append(
            Html(
                h.para(
                    f"manifest: {rep.manifest_path}; MLflow {rep.mlflow_version or '—'}", "mw-small"
                )
            )
        )
    return blocks
