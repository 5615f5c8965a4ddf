"""The one door to engagements and every record that hangs off them.

A record kind's declaration (``bearing.lib.policy``, in each app's ``policy.py``)
says who may read it; this module applies it, in one place:

- ``get_for(viewer, kind, code, want=...)`` fetches a record by its code and
  returns it with the viewer's relation, or raises ``Http404`` — the same answer
  for a record that does not exist and for one the viewer may not see — and
  writes the denial to the audit log (rate-limited by ``audit_record``).
- ``audit_read(request, record, relation, ...)`` writes a read of confidential
  fields by someone other than their author to the audit log, when the kind's
  declaration says such reads are audited. Never the content.

A sponsor passes ``get_for`` only where a caller asks for it explicitly and the
kind declares an allow-list for sponsors; what the sponsor then sees is built
as an allow-list row by a query that takes the viewer, never the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, cast
from uuid import UUID

from django.db import models
from django.http import Http404, HttpRequest

from bearing.accounts.models import User
from bearing.accounts.queries import roles_of
from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.lib.policy import Reader, RecordKind, kind_of

from .models import Engagement

__all__ = [
    "Relation",
    "audit_read",
    "deny",
    "get_for",
    "kind_for",
    "may_read",
    "reader_of",
    "relation_to",
]


class Relation(StrEnum):
    COACH = "coach"
    COACHEE = "coachee"
    SPONSOR = "sponsor"


# How each relation reads, in the declarations' words.
_READER = {
    Relation.COACH: Reader.COACH,
    Relation.COACHEE: Reader.COACHEE,
    Relation.SPONSOR: Reader.SPONSOR_ALLOW_LIST,
}


def reader_of(relation: Relation | str) -> Reader:
    return _READER[Relation(relation)]


def kind_for(kind_or_model: RecordKind | type[models.Model] | str) -> RecordKind:
    """The declaration for a kind, a model class or an "app.Model" label."""
    if isinstance(kind_or_model, RecordKind):
        return kind_or_model
    kind = kind_of(kind_or_model)
    if kind is None:
        raise LookupError(f"{kind_or_model} has no declaration in bearing.lib.policy")
    return kind


def deny(viewer: User, what: str, code: object) -> Http404:
    """The 404 every outsider gets; a signed-in person's attempt is audited
    (``audit_record`` caps denials per person a minute)."""
    if getattr(viewer, "is_authenticated", False):
        audit_record(
            action=AuditAction.DENIED, actor=viewer, target_type=what, target_code=str(code)
        )
    return Http404("Not found")


def _sponsor_org_ids(viewer: User) -> list[int]:
    return [o.id for o in roles_of(viewer).sponsor_organizations]


def relation_to(viewer: User, engagement: Engagement) -> Relation | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    if engagement.coach_id == viewer.id:
        return Relation.COACH
    if engagement.coachee_id is not None and engagement.coachee_id == viewer.id:
        return Relation.COACHEE
    if engagement.organization_id in _sponsor_org_ids(viewer):
        return Relation.SPONSOR
    return None


def _engagement_of(kind: RecordKind, record: models.Model) -> Engagement:
    if not kind.engagement:
        return cast(Engagement, record)  # the engagement itself
    obj: object = record
    for part in kind.engagement.split("__"):
        obj = getattr(obj, part)
    return cast(Engagement, obj)


def _shared_with_coach(kind: RecordKind, record: models.Model) -> bool:
    """For kinds the coach reads only when the coachee shares them: is this one shared?"""
    obj = record
    for part in kind.shared_with_coach.split("__"):
        obj = getattr(obj, part)
    return obj is not None


def _allowed(kind: RecordKind, record: models.Model, relation: Relation | None) -> bool:
    if relation is None:
        return False
    readers = kind.readers
    if relation == Relation.COACH and Reader.COACH_IF_SHARED in readers:
        return Reader.COACH in readers or _shared_with_coach(kind, record)
    return reader_of(relation) in readers


def may_read(
    kind_or_model: RecordKind | type[models.Model] | str,
    relation: Relation | None,
    record: models.Model | None = None,
) -> bool:
    """Does the kind's declaration let someone in ``relation`` read it (``record``:
    the row, for kinds the coach reads only once shared)? The check ``get_for``
    makes, for a read that is not a fetch by code (a session's private note)."""
    kind = kind_for(kind_or_model)
    if record is None and Reader.COACH_IF_SHARED in kind.readers:
        raise ValueError(f"{kind.model}: whether the coach may read it depends on the row")
    return _allowed(kind, cast(models.Model, record), relation)


def get_for(
    viewer: User,
    kind_or_model: RecordKind | type[models.Model] | str,
    code: UUID | str,
    *,
    want: Iterable[Relation] | Relation | None = None,
    queryset: models.QuerySet[Any] | None = None,
) -> tuple[Any, Relation]:
    """The record with this code and the viewer's relation to it, or 404.

    The viewer passes if the kind's declaration lets their relation read it and,
    when ``want`` is given, their relation is one of those wanted (a step only
    the coach, or only the coachee, may take). A sponsor passes only when wanted
    explicitly. ``queryset`` narrows or shapes the fetch (``select_related``).
    The record is of the kind's model (``Any``: the kind is looked up at run time).
    """
    kind = kind_for(kind_or_model)
    if want is None:
        wanted = {Relation.COACH, Relation.COACHEE}
    elif isinstance(want, (Relation, str)):
        wanted = {Relation(want)}
    else:
        wanted = {Relation(w) for w in want}
    model = kind.model_class()
    qs = queryset if queryset is not None else model.objects.all()  # type: ignore[attr-defined]
    if kind.engagement:
        qs = qs.select_related(kind.engagement)
    record = qs.filter(code=code).first()
    relation = relation_to(viewer, _engagement_of(kind, record)) if record is not None else None
    if (
        record is None
        or relation is None
        or relation not in wanted
        or not _allowed(kind, record, relation)
    ):
        raise deny(viewer, kind.label, code)
    return record, relation


def audit_read(
    request: HttpRequest | User,
    record: Any,
    relation: Relation | str,
    *,
    fields: Iterable[str] | None = None,
    written_by: Iterable[int | None] = (),
    kind: RecordKind | type[models.Model] | str | None = None,
    label: str = "",
    target: models.Model | str | None = None,
) -> bool:
    """Write the read of ``record``'s confidential ``fields`` (all, by default) by
    the viewer to the audit log, if its kind's declaration audits reads by
    someone other than their author; returns whether it did.

    A field both the coach and the coachee write (shared notes, actions) is
    authored by whoever wrote it: ``written_by`` gives the ids of the people who
    wrote what is shown, and a read of text someone else wrote is audited.
    ``label`` names what was read in the entry (default: the kind); ``target``
    the row the entry names (default: ``record``, which may be an allow-list row
    with a ``code``; then ``kind`` is required), or a code naming a list of rows
    of ``kind`` read at once (``record`` then None). Never the content.
    """
    kind = kind_for(kind if kind is not None else type(record))
    viewer = cast(User, getattr(request, "user", request))
    names = list(kind.authors) if fields is None else list(fields)
    someone_else_wrote = any(w not in (None, viewer.pk) for w in written_by)
    audited = kind.audit_non_author_reads and (
        kind.read_is_audited(reader_of(relation), names) or someone_else_wrote
    )
    if audited:
        target = target if target is not None else record
        named = (
            {"target": target}
            if isinstance(target, models.Model)  # else a list's or an allow-list row's code
            else {
                "target_type": kind.label,
                "target_code": target if isinstance(target, str) else str(target.code),
            }
        )
        audit_record(
            action=AuditAction.READ,
            actor=viewer,
            request=cast(HttpRequest, request) if request is not viewer else None,
            field=label or kind.label.split(".")[1],
            **named,
        )
    return audited
