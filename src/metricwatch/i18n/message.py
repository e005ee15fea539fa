"""A message as a result stores it: a catalogue key and its parameters, worded only when shown.

Results never hold prose: a check's reason is a key (say `integrity.reason.missing_run`) with its
parameters (the tag, the run id), and a presenter words it in the report's language with
`.text(lang)`. `msg` checks the key and its
placeholders against the catalogue when the message is made, so a wrong key fails in the test of
the code that makes it, not in a report. Parameters are plain values (text, numbers, None), so a
message survives `metrics.json` and the history database unchanged.
"""

from __future__ import annotations

import string
from functools import cache

from pydantic import BaseModel, ConfigDict

from metricwatch.i18n import Lang, catalogue, po_path, t

Param = str | int | float | bool | None


class Msg(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    params: dict[str, Param] = {}

    def text(self, lang: Lang = "en") -> str:
        """The message in lang, its placeholders filled."""
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.text("en")


@cache
def _needed(key: str) -> frozenset[str]:
    """The placeholders of key's English text, parsed once per key (messages are made per item)."""
    try:
        template = catalogue("en")[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in {po_path('en')}") from None
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def msg(key: str, **params: Param) -> Msg:
    """A message for a result; raises KeyError naming the key when the catalogue lacks it or a
    placeholder has no parameter (a programming error, caught by the tests of its maker)."""
    missing = sorted(_needed(key) - set(params))
    if missing:
        raise KeyError(f"message {key!r} needs the parameter(s) {', '.join(missing)}")
    return Msg(key=key, params=params)
