"""How the history database writes times: UTC ISO text with microseconds, one fixed width, so
text order is time order; read back as aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def ts(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def ts_or_none(when: datetime | None) -> str | None:
    return None if when is None else ts(when)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_or_none(text: str | None) -> datetime | None:
    return None if text is None else parse(text)
