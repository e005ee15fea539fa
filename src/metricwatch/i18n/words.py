"""A reason as a result stores it: message pieces read one after the other, worded when shown.

A check's reason is often made of parts ("7 param(s) equal to dvc.lock; 8 data/model hash(es)
equal to dvc.lock", "2 dataset(s) = the tag's data: a; b"): it is kept as a list of `Msg`, each
worded in the reader's language and concatenated (`text`). `joined` puts the catalogue's
separator between parts; `plain` keeps a value that is no prose (a path and its digest, a
source's own error message) as it is. A message with a list of messages inside it, at a
`{items}` placeholder anywhere in its text ("the committed dvc.lock is stale ({items}): run …"),
is a `Said` (`said`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from metricwatch.i18n import Lang, t
from metricwatch.i18n.message import Msg, Param, msg

Words = list[Msg]
# "—", nothing to show (a model's default: made without reading the catalogue at import)
DASH = Msg(key="words.plain", params={"text": "—"})


def text(words: Sequence[Msg], lang: Lang = "en") -> str:
    """The pieces worded in lang, one after the other."""
    return "".join(m.text(lang) for m in words)


def plain(value: str) -> Msg:
    """A value shown as it is, in every language (a path, a hash, a source's own message)."""
    return msg("words.plain", text=value)


def from_text(data: Any, **fields: str) -> Any:
    """Model input saved before its words were messages (an older metrics.json, history
    database or alert state): each `old=new` field's English text becomes `new` as it was."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for old, new in fields.items():
        if new not in data and isinstance(data.get(old), str):
            data[new] = [plain(data[old])] if data[old] else []
    return data


def list_from_text(data: Any, **fields: str) -> Any:
    """Like `from_text`, for a list of texts (notes): each `old=new` field's English texts
    become `new`, one list of pieces per text."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for old, new in fields.items():
        if new not in data and isinstance(data.get(old), list):
            data[new] = [[plain(n)] for n in data[old] if isinstance(n, str) and n]
    return data


def msgs_from_text(data: Any, **fields: str) -> Any:
    """Like `list_from_text`, for a list of single messages: each `old=new` field's English
    texts become `new`, one plain message per text."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for old, new in fields.items():
        if new not in data and isinstance(data.get(old), list):
            data[new] = [plain(n) for n in data[old] if isinstance(n, str) and n]
    return data


def joined(parts: Sequence[Words], sep: str = "words.sep") -> Words:
    """The parts with the separator (by default "; ") between them."""
    out: Words = []
    for n, part in enumerate(parts):
        if n:
            out.append(msg(sep))
        out += part
    return out


class Said(BaseModel):
    """A message with other messages inside it: its `{items}`, joined by sep when worded."""

    model_config = ConfigDict(frozen=True)

    head: Msg
    items: list[Msg] = Field(default_factory=list)
    sep: str = "; "

    def text(self, lang: Lang = "en") -> str:
        inner = self.sep.join(i.text(lang) for i in self.items)
        return t(self.head.key, lang, **self.head.params, items=inner)


def said(key: str, items: list[Msg] | None = None, sep: str = "; ", **params: Param) -> Said:
    """A message for a result (see `msg`); a key whose text has `{items}` takes items."""
    head = msg(key, items="", **params)
    kept = {k: v for k, v in head.params.items() if k != "items"}
    return Said(head=Msg(key=key, params=kept), items=items or [], sep=sep)


def wording(parts: list[Said], lang: Lang) -> list[str]:
    """Each message worded in lang."""
    return [p.text(lang) for p in parts]
