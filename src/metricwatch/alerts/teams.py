"""Microsoft Teams through a Workflows webhook: an Adaptive Card inside a message attachment.

Office 365 connector URLs (`*.webhook.office.com/webhookb2/…`, `outlook.office.com/webhook/…`)
are retired by Microsoft; we warn and still try, since some tenants keep them for a while.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from metricwatch.alerts.lifecycle import Notice
from metricwatch.alerts.text import AlertContext, headline, notice_facts, status

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
LEGACY_WARNING = (
    "this Teams URL is a legacy Office 365 connector webhook, which Microsoft has retired; "
    "create a Workflows webhook ('Post to a channel when a webhook request is received') "
    "and put its URL in the variable instead"
)


def is_legacy_connector(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    if host.endswith(".webhook.office.com") or host == "webhook.office.com":
        return "/webhookb2/" in path or path.startswith("/webhook")
    return host == "outlook.office.com" and path.startswith("/webhook")


def plain(text: str) -> str:
    """Text for an Adaptive Card TextBlock/Fact, which reads Markdown: a run name or tag like
    `[open](https://…)` must not become a link, so "](" gets a zero-width space between."""
    return text.replace("](", "]\u200b(")


def _color(notice: Notice) -> str:
    if notice.kind == "resolved":
        return "Good"
    return "Attention" if notice.flag.severity == "fail" else "Warning"


def build_payload(ctx: AlertContext, notices: list[Notice]) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": plain(headline(ctx, notices)),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    actions: list[dict[str, Any]] = []
    for notice in notices:
        flag = notice.flag
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    {
                        "type": "TextBlock",
                        "text": plain(f"{flag.rule}: {flag.message}"),
                        "weight": "Bolder",
                        "color": _color(notice),
                        "wrap": True,
                    },
                    {"type": "TextBlock", "text": plain(status(ctx, notice)), "wrap": True},
                    {
                        "type": "FactSet",
                        "facts": [
                            {"title": f["title"], "value": plain(f["value"])}
                            for f in notice_facts(ctx, notice)
                        ],
                    },
                ],
            }
        )
        if flag.run_url and len(actions) < 5:
            label = f"{ctx.t('open_run')} {flag.version or flag.run_id or ''}".strip()
            actions.append({"type": "Action.OpenUrl", "title": label, "url": flag.run_url})
    body.append({"type": "TextBlock", "text": plain(ctx.footer()), "isSubtle": True, "wrap": True})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }
