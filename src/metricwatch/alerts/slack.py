"""Slack incoming webhook payload (Block Kit): one section per notice (firing, still firing
since …, resolved)."""

from __future__ import annotations

from typing import Any

from metricwatch.alerts.lifecycle import Notice
from metricwatch.alerts.text import AlertContext, headline, notice_line

MAX_BLOCKS = 45  # Slack allows 50 blocks per message


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_payload(ctx: AlertContext, notices: list[Notice]) -> dict[str, Any]:
    title = headline(ctx, notices)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150], "emoji": True}}
    ]
    for notice in notices[:MAX_BLOCKS]:
        # cut before escaping, so a cut never leaves half an entity ("&am")
        text = _escape(notice_line(ctx, notice)[:2500])
        if notice.flag.run_url:
            text += f"\n<{_escape(notice.flag.run_url)}|{ctx.t('open_run')}>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    if len(notices) > MAX_BLOCKS:
        more = len(notices) - MAX_BLOCKS
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"… +{more}"}})
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": _escape(ctx.footer())}],
        }
    )
    return {"text": _escape(title), "blocks": blocks}  # the notification text is mrkdwn too
