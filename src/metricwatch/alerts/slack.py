"""Slack incoming webhook payload (Block Kit): one section per breached rule."""

from __future__ import annotations

from typing import Any

from metricwatch.alerts.text import AlertContext, flag_line, headline
from metricwatch.rules import Flag

MAX_BLOCKS = 45  # Slack allows 50 blocks per message


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_payload(ctx: AlertContext, flags: list[Flag]) -> dict[str, Any]:
    title = headline(ctx, flags)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150], "emoji": True}}
    ]
    for flag in flags[:MAX_BLOCKS]:
        # cut before escaping, so a cut never leaves half an entity ("&am")
        text = _escape(flag_line(ctx, flag)[:2500])
        if flag.run_url:
            text += f"\n<{_escape(flag.run_url)}|{ctx.t('open run')}>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    if len(flags) > MAX_BLOCKS:
        more = len(flags) - MAX_BLOCKS
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"… +{more}"}})
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": _escape(ctx.footer())}],
        }
    )
    return {"text": _escape(title), "blocks": blocks}  # the notification text is mrkdwn too
