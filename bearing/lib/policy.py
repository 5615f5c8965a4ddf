"""One declaration per record kind: who may read it, who writes its confidential
fields, whether a read by anyone else is audited, and how it leaves Bearing.

Each app declares its kinds in its own ``policy.py``, next to its models, and
registers them when it is ready::

    register(
        RecordKind(
            model="engagements.PrivateNote",
            title="Private notes",
            owner="author",
            owner_is=Reader.COACH,
            readers={Reader.COACH},
            authors={"body": Author.COACH},
            audit_non_author_reads=True,
            export=("session__scheduled_for", "body", "updated_at"),
            engagement="session__engagement",
            erase=Erase.DELETE,
            coach_notes=("session__scheduled_for", "body", "updated_at"),
        )
    )

The confidential fields are the encrypted ones (``bearing.lib.fields``); every
other text column is listed with its reason in ``schema_policy``. A model that
holds personal or confidential data and has no declaration fails
``bearing/tests/test_policy_coverage.py``; so does an encrypted field with no
declared author. Exports (``bearing.exports``) are built from these declarations
only: a kind declared later appears in them by being declared.

This module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from django.db import models


class Reader(StrEnum):
    """Who may read a record kind, in the words of the confidentiality table."""

    SELF = "self"  # the person an account row belongs to
    COACHEE = "coachee"
    COACH = "coach"  # the engagement's coach
    COACH_IF_SHARED = "coach_if_shared"  # the coach, only what the coachee shares
    SPONSOR_ALLOW_LIST = "sponsor_allow_list"  # through an allow-list row, never the model
    STAFF_META = "staff_meta"  # dates, states and counts; never a confidential field


class Author(StrEnum):
    """Who writes a confidential field."""

    SELF = "self"  # the person the account row belongs to
    COACHEE = "coachee"  # the coachee (and the companion's replies made for them)
    COACH = "coach"
    COACH_AND_COACHEE = "coach_and_coachee"  # both write it (shared notes, actions)
    RATER = "rater"  # a 360 rater, who has no account: no reader is ever its author


# Which readers count as an author of a field written by ``Author``.
_AUTHOR_READERS: dict[Author, frozenset[Reader]] = {
    Author.SELF: frozenset({Reader.SELF}),
    Author.COACHEE: frozenset({Reader.COACHEE}),
    Author.COACH: frozenset({Reader.COACH}),
    Author.COACH_AND_COACHEE: frozenset({Reader.COACH, Reader.COACHEE}),
    Author.RATER: frozenset(),
}


class Erase(StrEnum):
    """What a person's erasure (and an engagement's disposal at the end of the period
    its agreement keeps records) does to a row of the kind."""

    DELETE = "delete"  # the row goes
    # The row stays without personal content (its encrypted fields emptied, and the
    # plain columns named in ``erase_plain``), because others rely on it: a coaching
    # session's date and attendance, an engagement's status for its sponsor.
    SCRUB = "scrub"
    KEEP = "keep"  # ids only, kept on purpose (the audit log; the erasure's own record)
    ACCOUNT = "account"  # the person's account: anonymised and closed, never deleted


@dataclass(frozen=True)
class RecordKind:
    model: str  # "app_label.ModelName"
    title: str  # how an export names the kind
    owner: str  # ORM path from a row to the person it belongs to ("engagement__coachee")
    readers: AbstractSet[Reader]  # a set; kept as a frozenset
    authors: Mapping[str, Author]  # every encrypted field -> who writes it
    audit_non_author_reads: bool
    # What the owner's personal export holds of each row: field names or
    # ``a__b`` paths, or a function of the row returning a dict. () keeps the
    # kind out of exports (a credential, say) — say why in the declaration.
    export: tuple[str, ...] | Callable[[models.Model], dict[str, Any]] = ()
    owner_is: Reader = Reader.COACHEE  # the owner's relation to the row
    # ORM path to the engagement it hangs off ("" for the engagement itself), if any.
    engagement: str | None = None
    # Rows of the owner's that stay out of the export (Q or filter kwargs), e.g.
    # agreement versions the coachee never accepted.
    export_only: Mapping[str, Any] = field(default_factory=dict)
    # What the engagement's coach takes in their notes export (() for nothing).
    coach_notes: tuple[str, ...] = ()
    # For a kind the coach reads only when the coachee shares it: the ORM path to
    # the moment it was shared (None while it is not).
    shared_with_coach: str = ""
    # How an erasure or a disposal treats its rows (see Erase).
    erase: Erase = Erase.DELETE
    # Plain (unencrypted) personal columns that a SCRUB empties too.
    erase_plain: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "readers", frozenset(Reader(r) for r in self.readers))
        object.__setattr__(
            self, "authors", MappingProxyType({k: Author(v) for k, v in self.authors.items()})
        )
        object.__setattr__(self, "export_only", MappingProxyType(dict(self.export_only)))
        object.__setattr__(self, "erase", Erase(self.erase))
        if self.erase_plain and self.erase != Erase.SCRUB:
            raise ValueError(f"{self.model}: erase_plain is for a kind that is scrubbed")
        if self.export and self.owner_is not in self.readers:
            raise ValueError(f"{self.model}: exported to its owner, who may not read it")
        if self.coach_notes and not ({Reader.COACH, Reader.COACH_IF_SHARED} & self.readers):
            raise ValueError(
                f"{self.model}: in the coach's notes export, but the coach may not read it"
            )
        if (Reader.COACH_IF_SHARED in self.readers) != bool(self.shared_with_coach):
            raise ValueError(
                f"{self.model}: the coach reads it if shared exactly when it says where"
                " sharing is recorded (shared_with_coach)"
            )
        if self.coach_notes and self.engagement is None:
            raise ValueError(f"{self.model}: the coach's notes export needs the engagement path")

    @property
    def label(self) -> str:
        return self.model.lower()

    def engagement_path(self, leaf: str) -> str:
        """The ORM path from a row to ``leaf`` of its engagement ("coach", "code")."""
        if self.engagement is None:
            raise ValueError(f"{self.model} does not hang off an engagement")
        return f"{self.engagement}__{leaf}" if self.engagement else leaf

    def erasure_filter(self, person_id: int) -> dict[str, Any] | None:
        """The rows of this kind that a person's erasure reaches: those of the engagements
        in which they are the coachee (whoever wrote them: a coach's private notes about
        them too), or else those they own. None for a kind kept as it is."""
        if self.erase == Erase.KEEP:
            return None
        if self.engagement is not None:
            return {self.engagement_path("coachee_id"): person_id}
        return {self.owner: person_id}

    def model_class(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model)

    def is_author(self, relation: Reader | str, field_name: str) -> bool:
        author = self.authors.get(field_name)
        return author is not None and Reader(relation) in _AUTHOR_READERS[author]

    def read_is_audited(self, relation: Reader | str, fields: Iterable[str] | None = None) -> bool:
        """Is a read of these confidential fields (all, by default) by someone in
        ``relation`` to be written to the audit log?"""
        if not self.audit_non_author_reads:
            return False
        names = list(self.authors) if fields is None else list(fields)
        return any(not self.is_author(relation, name) for name in names if name in self.authors)


_REGISTRY: dict[str, RecordKind] = {}


def register(*kinds: RecordKind) -> None:
    """Declare record kinds (from an AppConfig.ready()). Declaring the same kind
    again replaces it only if nothing changed; a second, different declaration of
    one model is an error."""
    for kind in kinds:
        existing = _REGISTRY.get(kind.label)
        if existing is not None and existing != kind:
            raise ValueError(f"{kind.model} is declared twice, differently")
        _REGISTRY[kind.label] = kind


def record_kinds() -> list[RecordKind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.label)


def kind_of(model: type[models.Model] | str) -> RecordKind | None:
    label = model if isinstance(model, str) else model._meta.label
    return _REGISTRY.get(label.lower())
