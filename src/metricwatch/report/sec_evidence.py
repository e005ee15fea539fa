"""Section 5: evidence — the screenshots with captions and the manifest's hashes."""

from __future__ import annotations

import base64
from datetime import UTC
from pathlib import Path

from metricwatch.evidence.model import EvidenceReport
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


_CAPTURED = {
    "en": "Images captured now ({when} UTC, {secs:.0f} s).",
    "es": "Capturas tomadas ahora ({when} UTC, {secs:.0f} s).",
}
_REUSED = {
    "en": "Images reused from the capture of {when} UTC: the tracking store, the pages, the "
    "terminal output, the config and the tool and browser versions are unchanged since "
    "(`metricwatch report --force` captures them again).",
    "es": "Capturas reutilizadas de la toma del {when} UTC: el tracking store, las páginas, la "
    "salida de terminal, la configuración y las versiones de las herramientas y del navegador "
    "no han cambiado desde entonces (`metricwatch report --force` las vuelve a tomar).",
}


def provenance(rep: EvidenceReport, lang: Lang) -> str:
    """Whether the images were captured by this report or reused from an earlier one, and when."""
    when = rep.captured_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if rep.reused:
        return _REUSED[lang].format(when=when)
    text = _CAPTURED[lang].format(when=when, secs=rep.duration_s)
    return f"{text} {rep.reuse_note}" if rep.reuse_note else text


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.evidence
    if rep is None:
        return part_missing(result, "evidence", lang)
    blocks: list[Block] = [Html(h.heading(t("screens", lang)) + h.para(provenance(rep, lang)))]
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
