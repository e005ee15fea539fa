"""GTO (DVC's model registry) git tags, read with the `gto` package's own parser.

GTO writes annotated git tags in a fixed grammar (`gto.constants.tag_re`):
`NAME@vX.Y.Z` registers a version, `NAME@vX.Y.Z!` deregisters it, `NAME#STAGE#N` (or
`NAME#STAGE`) assigns a stage to the version registered at the same commit, `NAME#STAGE!#N`
unassigns it, `NAME@deprecated#N` deprecates the artifact. Only version registrations are
releases: a stage, deregistration or deprecation tag is never a release tag. A tag that looks
like GTO's (a `#`, or `@v` and a digit) but that GTO cannot parse is kept apart with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from metricwatch.i18n.message import Msg, msg

GtoAction = Literal["register", "deregister", "assign", "unassign", "deprecate"]
# A `#` (GTO's stage delimiter) or `@v<digit>` (a version) marks a tag meant for GTO.
_VERSION_LIKE = re.compile(r"@v?\d")


class GtoTag(BaseModel):
    """One git tag GTO understands."""

    model_config = ConfigDict(frozen=True)

    tag: str
    artifact: str
    action: GtoAction
    version: str | None = None  # register / deregister
    stage: str | None = None  # assign / unassign
    counter: int | None = None  # the `#N` suffix
    commit: str
    created: datetime | None = None  # tagger date (GTO orders events by it)
    annotated: bool = True


class MalformedTag(BaseModel):
    model_config = ConfigDict(frozen=True)

    tag: str
    why: Msg  # which grammar it breaks (worded when shown)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str:
        return self.why.text("en")


class GtoTags(BaseModel):
    model_config = ConfigDict(frozen=True)

    tags: list[GtoTag] = Field(default_factory=list)
    malformed: list[MalformedTag] = Field(default_factory=list)


def parse_name(name: str) -> dict[str, Any] | None:
    """GTO's own parse of a tag name (`gto.tag.parse_name`), None when it is not GTO's grammar."""
    from gto.tag import parse_name as gto_parse

    parsed = gto_parse(name, raise_on_fail=False)
    return parsed or None


def looks_like_gto(name: str) -> bool:
    return "#" in name or bool(_VERSION_LIKE.search(name))


def is_release_name(name: str) -> bool:
    """False for GTO stage, deregistration and deprecation tags (and `#` tags GTO rejects)."""
    if "#" not in name and "@" not in name:
        return True
    parsed = parse_name(name)
    if parsed is None:
        return "#" not in name  # a broken stage tag is still no release
    return _action(parsed) == "register"


def malformed_reason(name: str) -> Msg | None:
    """Why a tag meant for GTO breaks its grammar; None when it parses or is not GTO-like."""
    if not looks_like_gto(name) or parse_name(name) is not None:
        return None
    return msg(f"gto.note.malformed.{'stage' if '#' in name else 'version'}", name=name)


def _action(parsed: dict[str, Any]) -> GtoAction | None:
    """gto.constants.Action's value (our literals); None for GTO's unused `@created` form."""
    action = parsed.get("action")
    return None if action is None or action.value == "create" else action.value


def gto_tag(name: str, commit: str, created: datetime | None, annotated: bool) -> GtoTag | None:
    parsed = parse_name(name)
    action = _action(parsed) if parsed else None
    if parsed is None or action is None:
        return None
    return GtoTag(
        tag=name,
        artifact=parsed["name"],
        action=action,
        version=parsed.get("version"),
        stage=parsed.get("stage"),
        counter=parsed.get("counter"),
        commit=commit,
        created=created,
        annotated=annotated,
    )


def classify(tags: Sequence[Any]) -> GtoTags:
    """GTO tags and malformed GTO-like tags among git tags (objects with name, commit, date,
    annotated, e.g. `git_dvc.GitTag`); other tags are left out."""
    found: list[GtoTag] = []
    malformed: list[MalformedTag] = []
    for t in tags:
        parsed = gto_tag(t.name, t.commit, t.date, t.annotated)
        if parsed is not None:
            found.append(parsed)
        elif (reason := malformed_reason(t.name)) is not None:
            malformed.append(MalformedTag(tag=t.name, why=reason))
    return GtoTags(tags=found, malformed=malformed)
