""" "Since the last render" in words, in the report's language: the History section's bullets and
the page-1 summary's one line. The values come from diff.py (SinceLast); every word comes
from the catalogue (rule names, versions, tags and features are the project's own)."""

from __future__ import annotations

from datetime import datetime

from metricwatch.i18n import Lang, label, t
from metricwatch.parts.history.diff import ReproChange, SinceLast
from metricwatch.rules_model import Flag
from metricwatch.vocab import VERDICT_STATUS, icon, severity_icon


def when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M %Z")


def counted(key: str, n: int, lang: Lang, **params: object) -> str:
    """`key.one` for one, `key.other` for any other count."""
    return t(f"{key}.{'one' if n == 1 else 'other'}", lang, n=n, **params)


def breach_name(f: Flag) -> str:
    """A breach as the project names it: rule, version or run, and the feature of a per-feature rule."""
    feature = getattr(f, "feature", None)
    parts = [f.rule, f.version or (f.run_id or "")[:8], feature or ""]
    return " ".join(p for p in parts if p)


def _new_breach(f: Flag, lang: Lang) -> str:
    """A bound rule with its value and bound; a status rule (integrity, repro) by its glyph."""
    head = f"{severity_icon(f.severity)} {breach_name(f)}"
    if f.kind == "breach_on":
        return head
    return f"{head}: {f.value_shown.text(lang)} vs {f.threshold_shown.text(lang)}"


def verdict(value: str | None, lang: Lang) -> str:
    if value is None:
        return t("history.verdict.none", lang)
    return f"{icon(VERDICT_STATUS.get(value, 'unknown'))} {label(f'history.verdict.{value}', lang, value)}"


def _repro(change: ReproChange, lang: Lang) -> str:
    before = verdict(change.before, lang) + (f" ({change.rev_before})" if change.rev_before else "")
    after = verdict(change.after, lang) + (f" ({change.rev_after})" if change.rev_after else "")
    return t("history.repro", lang, before=before, after=after)


def since_bullets(diff: SinceLast, lang: Lang) -> list[str]:
    """One bullet per kind of change (none when nothing changed)."""
    out = []
    if diff.new_breaches:
        items = "; ".join(_new_breach(f, lang) for f in diff.new_breaches)
        out.append(t("history.new_breaches", lang, n=len(diff.new_breaches), items=items))
    if diff.resolved_breaches:
        items = "; ".join(f"{icon('ok')} {breach_name(f)}" for f in diff.resolved_breaches)
        out.append(t("history.resolved", lang, n=len(diff.resolved_breaches), items=items))
    if diff.integrity_changed:
        items = "; ".join(
            f"{c.tag} {icon(c.before)} → {icon(c.after)}" for c in diff.integrity_changed
        )
        out.append(t("history.tags_changed", lang, n=len(diff.integrity_changed), items=items))
    if diff.new_tags:
        out.append(
            t("history.new_tags", lang, n=len(diff.new_tags), items=", ".join(diff.new_tags))
        )
    if diff.repro is not None:
        out.append(_repro(diff.repro, lang))
    return out


def since_summary(diff: SinceLast, lang: Lang) -> str:
    """The page-1 line: what changed since the last render, counted and named briefly."""
    parts = []
    if diff.new_breaches:
        parts.append(counted("history.sum.new", len(diff.new_breaches), lang))
    if diff.resolved_breaches:
        parts.append(counted("history.sum.resolved", len(diff.resolved_breaches), lang))
    if diff.integrity_changed:
        tags = ", ".join(c.tag for c in diff.integrity_changed)
        parts.append(t("history.sum.tags_changed", lang, items=tags))
    if diff.new_tags:
        tags = ", ".join(diff.new_tags)
        parts.append(counted("history.sum.new_tags", len(diff.new_tags), lang, items=tags))
    if diff.repro is not None:
        parts.append(t("history.sum.repro", lang, before=verdict(diff.repro.before, lang),
                       after=verdict(diff.repro.after, lang)))  # fmt: skip
    changes = ", ".join(parts) or t("history.sum.nothing", lang)
    return t("history.sum.line", lang, date=when(diff.previous_at), changes=changes)
