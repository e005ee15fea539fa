"""Keep secrets out of output: URL credentials and the values of secret environment variables."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

REDACTED = "***"

# Environment variables whose values are secrets wherever they appear.
SECRET_ENV_VARS: tuple[str, ...] = (
    "MLFLOW_TRACKING_TOKEN",
    "MLFLOW_TRACKING_PASSWORD",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SESSION_TOKEN",
    "DATABRICKS_TOKEN",
)

_URL_RE = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")


def redact_url(url: str) -> str:
    """Drop user:password from a URL and hide query strings, which often carry tokens."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    netloc = parts.netloc
    if "@" not in netloc and not parts.query and not parts.fragment:
        return url  # nothing secret in it; urlunsplit would drop sqlite:////'s empty host
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = REDACTED if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def secret_values(extra_env_vars: Iterable[str] = ()) -> list[str]:
    """Current values of the known secret variables plus the given ones (e.g. webhook URLs)."""
    names = [*SECRET_ENV_VARS, *extra_env_vars]
    values = [os.environ.get(n, "") for n in names]
    return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


def scrub(text: str, extra_env_vars: Iterable[str] = ()) -> str:
    """Replace every secret value in text, then strip credentials from any URL left in it."""
    for value in secret_values(extra_env_vars):
        text = text.replace(value, REDACTED)
    return _URL_RE.sub(lambda m: redact_url(m.group(0)) if "@" in m.group(0) else m.group(0), text)
