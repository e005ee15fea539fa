"""Section 3: reproducibility — verdict, output hashes vs dvc.lock, the log line, transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from metricwatch.doc.blocks import Block, Code, Heading, Image, Notice, Paragraph
from metricwatch.doc.table import Table, status_badge
from metricwatch.i18n import Lang, t
from metricwatch.parts.evidence.model import EVIDENCE
from metricwatch.parts.missing import part_missing
from metricwatch.parts.repro.model import REPRO
from metricwatch.vocab import VERDICT_STATUS

if TYPE_CHECKING:
    from metricwatch.result import MonitoringResult

_COLS = ("repro.col.output", "repro.col.stage", "repro.col.kind", "dvc.lock", "repro.col.fresh",
         "repro.col.match")  # fmt: skip
_VOL_COLS = ("repro.col.file", "repro.col.volatile_key", "repro.col.committed", "repro.col.fresh")


def _cols(keys: tuple[str, ...], lang: Lang) -> list[str]:
    """Column headings: catalogue keys, or a file name (dvc.lock) kept as it is."""
    return [t(k, lang) if k.startswith("repro.") else k for k in keys]


def _status(verdict: str) -> str:
    """❌ for a verdict against the commit; ❓ when no verdict was possible (as `repro` exits 2)."""
    return VERDICT_STATUS.get(verdict, "fail")


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    rep = result.get(REPRO)
    if rep is None:
        return part_missing(result, "repro", lang)
    cached = t("repro.cached", lang)
    head = f"{rep.said(lang)} — {rep.rev} @ {rep.commit[:10]}" + (cached if rep.cached else "")
    blocks: list[Block] = [
        Paragraph(t("repro.goal", lang)),
        Heading(t("report.verdict", lang)),
        Notice(head, _status(rep.verdict)),
    ]
    if rep.second_run:
        blocks.append(Notice(rep.second_run.why.text(lang), "warn"))
    rows = [
        [
            o.path,
            o.stage,
            o.kind,
            (o.expected or "—")[:16],
            (o.actual or "—")[:16],
            status_badge(
                "ok" if o.match else "fail", t("repro.volatile", lang) if o.volatile else ""
            ),
        ]
        for o in rep.outputs
    ]
    if rows:
        blocks += [Heading(t("report.hashes", lang)), Table(_cols(_COLS, lang), rows)]
    if rep.volatile_diffs:
        vol = [[v.path, v.key, v.expected or "—", v.actual or "—"] for v in rep.volatile_diffs]
        blocks.append(Table(_cols(_VOL_COLS, lang), vol))
    for note in rep.remarks:
        blocks.append(Paragraph(note.text(lang)))
    if rep.log_path:
        blocks += [Heading(t("report.log", lang)), Code(_log_tail(rep.log_path))]
    blocks += _terminal_images(result, lang)
    status = rep.transcript.find("dvc", "status")
    if status is not None:
        blocks.append(Code(f"$ {status.display_command}\n{_plain(status.stdout)}", "bash"))
    return blocks


def _log_tail(path: str, lines: int = 5) -> str:
    from pathlib import Path

    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"({path}: {exc.strerror})"
    return "\n".join(text.splitlines()[-lines:])


def _plain(text: str) -> str:
    from rich.text import Text

    return Text.from_ansi(text).plain


def _terminal_images(result: MonitoringResult, lang: Lang) -> list[Block]:
    """The terminal captures of `dvc repro` (named for what they show) from the evidence part."""
    from pathlib import Path

    ev = result.get(EVIDENCE)
    if ev is None:
        return []
    out: list[Block] = []
    for item in ev.items:
        shown = item.kind == "terminal" and item.name.startswith("dvc_repro")
        if shown and item.status == "ok" and item.path and Path(item.path).is_file():
            shows = item.shows.text(lang)
            out.append(Image(item.path, alt=shows, caption=f"{item.name} — {shows}", lang=lang))
    return out
