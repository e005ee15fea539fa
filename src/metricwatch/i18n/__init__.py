"""The message catalogue: every sentence a user reads, in English (`en.po`) and Spanish (`es.po`).

The catalogue is two gettext `.po` files beside this module, the format translators know; they
are the source (no compiled `.mo` is kept) and are read once, on first use, with Babel's `.po`
reader. A message id is a dotted key (`report.s1`, `drift.definition`), never English prose, so
`en.po` is a translation like any other. Placeholders are `str.format` fields (`{n}`), filled by
`t(key, lang, **params)`: results store numbers, names and reason codes with their parameters,
and presenters word them here in the report's language. An unknown key or a missing parameter is
a programming error that names the key (a test keeps both files complete and consistent).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["en", "es"]
LANGS: tuple[Lang, ...] = ("en", "es")
_HERE = Path(__file__).resolve().parent


def lang_of(value: object) -> Lang:
    """A language code as the catalogue knows it ("es" or else "en")."""
    return "es" if value == "es" else "en"


def po_path(lang: Lang) -> Path:
    return _HERE / f"{lang}.po"


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    """key → text of one language, read from its `.po` file (untranslated entries left out)."""
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fh:
        messages = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in messages if m.id and m.string}


def t(key: str, lang: Lang = "en", **params: object) -> str:
    """The text of key in lang with its `{placeholders}` filled from params."""
    try:
        text = catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in {po_path(lang)}") from None
    try:
        return text.format(**params)
    except (KeyError, IndexError) as exc:
        raise KeyError(f"message {key!r} ({lang}) needs the parameter {exc}") from None


def label(key: str, lang: Lang, default: str) -> str:
    """The text of key, or default when the catalogue has none: for labels of open sets (a
    metric the config adds, an item name from a newer result)."""
    return catalogue(lang).get(key, default)


def tl(key: str, lang: Lang, **params: object) -> list[str]:
    """A multi-line message as its lines (bullet lists kept as one catalogue entry)."""
    return [line for line in t(key, lang, **params).split("\n") if line]
