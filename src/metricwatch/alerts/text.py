"""The words of an alert, shared by the Slack and Teams payloads, in English or Spanish."""

from __future__ import annotations

from dataclasses import dataclass

from metricwatch.rules import Flag

_ES = {
    "open run": "abrir run",
    "value": "valor",
    "threshold": "umbral",
    "baseline": "baseline",
    "version": "versión",
    "run": "run",
    "action": "acción",
    "reason": "motivo",
    "rules breached": "reglas incumplidas",
    "all rules pass": "todas las reglas se cumplen",
    "checked at": "revisado el",
}


@dataclass(frozen=True)
class AlertContext:
    project: str
    lang: str = "en"
    checked_at: str = ""  # ISO timestamp of the check
    tracking: str = ""  # redacted tracking URI, for the footer

    def t(self, words: str) -> str:
        return _ES.get(words, words) if self.lang == "es" else words

    def footer(self) -> str:
        parts = [f"metricwatch · {self.project}"]
        if self.checked_at:
            parts.append(f"{self.t('checked at')} {self.checked_at}")
        if self.tracking:
            parts.append(f"MLflow: {self.tracking}")
        return " · ".join(parts)


def headline(ctx: AlertContext, flags: list[Flag]) -> str:
    breached = [f for f in flags if f.breached]
    icon = "❌" if any(f.severity == "fail" for f in breached) else "⚠️"
    if not breached:
        return f"✅ {ctx.project}: {ctx.t('all rules pass')}"
    return f"{icon} {ctx.project}: {len(breached)} {ctx.t('rules breached')}"


def flag_facts(ctx: AlertContext, flag: Flag) -> list[dict[str, str]]:
    facts = [
        {"title": ctx.t("value"), "value": flag.value_display},
        {"title": ctx.t("threshold"), "value": flag.threshold_display},
    ]
    if flag.baseline is not None:
        facts.append({"title": ctx.t("baseline"), "value": f"{flag.baseline:.4g}"})
    facts.append({"title": ctx.t("version"), "value": flag.version or "—"})
    facts.append({"title": ctx.t("run"), "value": flag.run_id or "—"})
    if flag.reason:
        facts.append({"title": ctx.t("reason"), "value": flag.reason})
    if flag.action:
        facts.append({"title": ctx.t("action"), "value": flag.action})
    return facts


def flag_line(ctx: AlertContext, flag: Flag) -> str:
    icon = "❌" if flag.severity == "fail" else "⚠️"
    facts = " · ".join(f"{f['title']}: {f['value']}" for f in flag_facts(ctx, flag))
    return f"{icon} *{flag.rule}* ({flag.severity}): {flag.message}\n{facts}"
