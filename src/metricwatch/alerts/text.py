"""The words of an alert, shared by the Slack and Teams payloads, in English or Spanish (the
message catalogue's `alert.*` keys).

Each notice says where its breach is in its life: firing, still firing since …, resolved.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from metricwatch.alerts.lifecycle import Notice, NoticeKind
from metricwatch.i18n import lang_of, t
from metricwatch.rules_model import Flag
from metricwatch.vocab import icon as status_icon
from metricwatch.vocab import severity_icon


@dataclass(frozen=True)
class AlertContext:
    project: str
    lang: str = "en"
    checked_at: str = ""  # ISO timestamp of the check
    tracking: str = ""  # redacted tracking URI, for the footer
    timezone: str = "UTC"  # report.timezone: how "since" times are written
    now: datetime | None = None  # the check's time (Alertmanager's endsAt is counted from it)
    valid_for_s: float = 3 * 3600.0  # alerts.alertmanager_valid_for, in seconds

    def t(self, key: str) -> str:
        """The catalogue's `alert.<key>` in the alert's language."""
        return t(f"alert.{key}", lang_of(self.lang))

    def when(self, moment: datetime) -> str:
        return moment.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M %Z")

    def footer(self) -> str:
        parts = [f"metricwatch · {self.project}"]
        if self.checked_at:
            parts.append(f"{self.t('checked_at')} {self.checked_at}")
        if self.tracking:
            parts.append(f"MLflow: {self.tracking}")
        return " · ".join(parts)


def icon(notice: Notice) -> str:
    if notice.kind == "resolved":
        return status_icon("ok")
    return severity_icon(notice.flag.severity)


def headline(ctx: AlertContext, notices: list[Notice]) -> str:
    """ "❌ demo: 2 firing · 1 still firing · 1 resolved" (only the kinds present)."""
    n = Counter(x.kind for x in notices)
    firing = [x for x in notices if x.kind != "resolved"]
    worst = "fail" if any(x.flag.severity == "fail" for x in firing) else "warn"
    mark = severity_icon(worst) if firing else status_icon("ok")
    words: dict[NoticeKind, str] = {
        "firing": "count.firing",
        "repeat": "count.still_firing",
        "resolved": "count.resolved",
    }
    counts = " · ".join(f"{n[k]} {ctx.t(w)}" for k, w in words.items() if n[k])
    return f"{mark} {ctx.project}: {counts}"


def status(ctx: AlertContext, notice: Notice) -> str:
    if notice.kind == "firing":
        return ctx.t("firing")
    if notice.kind == "repeat":
        return f"{ctx.t('still_firing_since')} {ctx.when(notice.since)}"
    return f"{ctx.t('resolved')} ({ctx.t('firing_since')} {ctx.when(notice.since)})"


def flag_facts(ctx: AlertContext, flag: Flag, *, resolved: bool = False) -> list[dict[str, str]]:
    facts = []
    lang = lang_of(ctx.lang)
    if not resolved:  # a resolved breach's last value would read as the current one
        facts += [
            {"title": ctx.t("value"), "value": flag.value_shown.text(lang)},
            {"title": ctx.t("threshold"), "value": flag.threshold_shown.text(lang)},
        ]
        if flag.baseline is not None:
            facts.append({"title": ctx.t("baseline"), "value": f"{flag.baseline:.4g}"})
    facts.append({"title": ctx.t("version"), "value": flag.version or "—"})
    facts.append({"title": ctx.t("run"), "value": flag.run_id or "—"})
    if flag.why and not resolved:
        facts.append({"title": ctx.t("reason"), "value": flag.reason_in(lang)})
    if flag.action and not resolved:
        facts.append({"title": ctx.t("action"), "value": flag.action})
    return facts


def notice_facts(ctx: AlertContext, notice: Notice) -> list[dict[str, str]]:
    return flag_facts(ctx, notice.flag, resolved=notice.kind == "resolved")


def notice_line(ctx: AlertContext, notice: Notice) -> str:
    flag = notice.flag
    facts = " · ".join(f"{f['title']}: {f['value']}" for f in notice_facts(ctx, notice))
    severity = t(f"severity.{flag.severity}", lang_of(ctx.lang))
    head = f"{icon(notice)} *{flag.rule}* ({severity}) — {status(ctx, notice)}"
    return f"{head}: {flag.message}\n{facts}"
