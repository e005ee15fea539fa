"""The summary box on page 1 (with one line of the History section: what changed since the last
render) and the closing line (owner, date), as in the seed's header/footer."""

from __future__ import annotations

from metricwatch.doc import html as h
from metricwatch.doc.blocks import Block, Bullets, Heading, Notice, Paragraph, Title
from metricwatch.i18n import Lang, t
from metricwatch.i18n.words import text as words_text
from metricwatch.parts.history.section import summary_line
from metricwatch.result import MonitoringResult
from metricwatch.rules_model import Flag

SUMMARY_LINE_MAX = 400


def overall_status(result: MonitoringResult) -> str:
    """fail: a breached `fail` rule; warn: a breached `warn` rule or a part without data; else ok."""
    breached = [f for f in result.flags if f.breached]
    if any(f.severity == "fail" for f in breached):
        return "fail"
    if breached or result.errors:
        return "warn"
    return "ok" if result.flags else "unknown"


def _breach_line(f: Flag, lang: Lang = "en") -> str:
    """A breached rule in one line: value vs bound, or for a status rule, why it failed."""
    common = {"rule": f.rule, "severity": t(f"severity.{f.severity}", lang), "version": f.version or "",
              "value": f.value_shown.text(lang), "action": f.action}  # fmt: skip
    if f.kind == "breach_on":
        reason = f.reason_in(lang)
        why = f" ({reason})" if reason else ""
        return t("summary.breach_status", lang, why=why, **common)
    return t("summary.breach_bound", lang, bound=f.threshold_shown.text(lang), **common)


def _error(result: MonitoringResult, part: str, lang: Lang) -> str:
    """Why a part is missing, in lang when the part said it in messages, else its error."""
    return words_text(result.error_said(part) or [], lang)  # called for parts in result.errors


def build(result: MonitoringResult, lang: Lang) -> list[Block]:
    meta = result.meta
    title = meta.title or t("report.title", lang)
    status = overall_status(result)
    breached = [f for f in result.flags if f.breached]
    lines = [
        f"{t('report.project', lang)}: {meta.project}",
        f"{t('report.commit', lang)}: {(meta.commit or '—')[:12]} ({meta.describe or '—'})",
        f"{t('report.date', lang)}: {meta.generated_at.strftime('%Y-%m-%d %H:%M %Z')}",
    ]
    since = summary_line(result, lang)
    if since:
        lines.append(h.clip(since, SUMMARY_LINE_MAX))
    # one line per rule on page 1: long user text (a 6,000-character param) is cut here
    rules = [h.clip(_breach_line(f, lang), SUMMARY_LINE_MAX) for f in breached]
    missing = [
        h.clip(f"{part}: {_error(result, part, lang)}", SUMMARY_LINE_MAX) for part in result.errors
    ]
    blocks: list[Block] = [
        Title(title),
        Paragraph(t("report.purpose", lang), "mw-purpose"),
        Heading(f"{t('report.summary', lang)} — {t('report.overall', lang)}", 2),
        Notice(t("report.overall", lang), status),
        Bullets(tuple(lines)),
        Heading(f"{t('report.breached', lang)} ({len(rules)})", 4),
        Bullets(tuple(rules)) if rules else Paragraph(t("report.none", lang)),
    ]
    if missing:
        blocks += [Heading(t("report.unavailable", lang), 4), Bullets(tuple(missing))]
    return blocks


def footer(result: MonitoringResult, lang: Lang) -> list[Block]:
    meta = result.meta
    text = (
        f"{t('report.owner', lang)} {meta.project} · {t('report.updated', lang)}: "
        f"{meta.generated_at.strftime('%Y-%m-%d %H:%M:%S %Z')} · metricwatch {meta.metricwatch_version}"
    )
    return [Paragraph(text, "mw-footer")]
