"""POST a JSON payload to a webhook: https only (loopback http for tests), timeouts, bounded
retries honouring Retry-After. The URL is a secret: it never appears in a message or log."""

from __future__ import annotations

import email.utils
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from metricwatch.errors import AlertError

MAX_RETRY_AFTER_S = 60.0
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Delivery:
    ok: bool
    status: int | None
    attempts: int
    detail: str  # safe to print: never holds the URL


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, label: str) -> None:
    """Refuse anything but https, and http only to a loopback host. label names the URL's origin."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise AlertError(f"{label}: not a valid URL") from None
    if not host:
        raise AlertError(f"{label}: not a valid URL (no host)")
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host)):
        return
    raise AlertError(
        f"{label}: refused a {parts.scheme or 'schemeless'} webhook URL; webhooks must use "
        "https (plain http is allowed only to 127.0.0.1/localhost for testing)"
    )


def retry_after_s(value: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), capped."""
    if not value:
        return default
    value = value.strip()
    try:
        wait = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = (when - datetime.now(UTC)).total_seconds()
    return min(max(wait, 0.0), MAX_RETRY_AFTER_S)


def post_json(
    url: str,
    payload: Any,
    *,
    label: str,
    timeout_s: float,
    max_retries: int,
    backoff_s: float = 0.5,
    deadline_s: float | None = None,
    check: Callable[[str, str], None] = check_url,
) -> Delivery:
    """Deliver payload; retries on 408/425/429/5xx, timeouts and connection errors.

    With deadline_s, every attempt and wait fits in that many seconds from the first request.
    Returns a Delivery (never raises for a delivery failure); raises AlertError for a refused URL.
    """
    import httpx

    check(url, label)
    detail = ""
    status: int | None = None
    attempts = 0
    end = None if deadline_s is None else time.monotonic() + deadline_s
    with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
        for attempt in range(max_retries + 1):
            per_try = timeout_s if end is None else min(timeout_s, end - time.monotonic())
            if per_try <= 0:
                break
            attempts = attempt + 1
            wait = backoff_s * (2**attempt)
            try:
                resp = client.post(url, json=payload, timeout=per_try)
            except httpx.TimeoutException:
                status, detail = None, f"timed out after {per_try:.3g} s"
            except httpx.TransportError as exc:
                status, detail = None, f"connection failed ({type(exc).__name__})"
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # messages may hold the URL
                return Delivery(False, None, attempts, f"{label}: {type(exc).__name__}")
            else:
                status = resp.status_code
                if 200 <= status < 300:
                    return Delivery(True, status, attempts, f"delivered (HTTP {status})")
                detail = f"HTTP {status}: {resp.text[:200].strip()}"
                if status not in RETRY_STATUSES:
                    break
                wait = retry_after_s(resp.headers.get("Retry-After"), wait)
            if attempt < max_retries:
                if end is not None and time.monotonic() + wait >= end:
                    break  # after that wait no time would be left for another attempt
                time.sleep(wait)
    within = f" within {deadline_s:g} s" if deadline_s is not None else ""
    return Delivery(
        False,
        status,
        attempts,
        f"{label}: not delivered after {attempts} attempt(s){within}: {detail}",
    )
