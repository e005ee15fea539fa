"""The exception hierarchy. Library code raises these; only the CLI maps them to exit codes.

Every message names the file, key, URL or tag involved and says what to do next.
"""

from __future__ import annotations


class MetricwatchError(Exception):
    """Base of every error metricwatch raises on purpose (CLI exit code 1)."""


class ConfigError(MetricwatchError):
    """Raised when metricwatch.yaml is missing, unreadable or invalid."""


class SourceError(MetricwatchError):
    """Raised when a source (MLflow, git, DVC, a data file) cannot be read."""


class GitError(SourceError):
    """Raised when a git command fails or times out (the message names the repository)."""


class SourceUnavailableError(SourceError):
    """Raised when a source cannot be reached at all (server down, timeout): no verdict possible."""


class AuthError(SourceUnavailableError):
    """Raised when a source refuses our credentials (HTTP 401/403)."""


class CheckError(MetricwatchError):
    """Raised when a check cannot run on the inputs it was given."""


class RenderError(MetricwatchError):
    """Raised when the report cannot be rendered (notebook cell, kernel, browser, Quarto)."""


class AlertError(MetricwatchError):
    """Raised when an alert cannot be delivered or is misconfigured."""


class LockedError(MetricwatchError):
    """Raised when another metricwatch process holds the output folder's lock (exit 2)."""


class HistoryError(MetricwatchError):
    """Raised when the history database cannot be used; `kind` says why in one word (locked,
    corrupt, newer, older, unopenable) so a report can word it in its own language."""

    def __init__(self, message: str, kind: str = "unopenable") -> None:
        super().__init__(message)
        self.kind = kind
