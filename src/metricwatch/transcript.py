"""A transcript of commands run for a check: what ran, what it printed, how it ended.

Written by the reproducibility check; read by the evidence capture (terminal images) and the
report. Output keeps its ANSI colour codes so the terminal images look like the terminal.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class TranscriptEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    command: list[str]
    cwd: str = ""
    started_at: datetime
    duration_s: float
    exit_code: int | None  # None: killed on timeout
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False

    @property
    def display_command(self) -> str:
        """The command as a person would type it (for captions and terminal images)."""
        import shlex

        return shlex.join(self.command)


class Transcript(BaseModel):
    model_config = ConfigDict(frozen=True)

    entries: list[TranscriptEntry] = Field(default_factory=list)

    def find(self, *prefix: str) -> TranscriptEntry | None:
        """The last entry whose command starts with prefix, e.g. find("dvc", "status")."""
        for entry in reversed(self.entries):
            if tuple(entry.command[: len(prefix)]) == prefix:
                return entry
        return None
