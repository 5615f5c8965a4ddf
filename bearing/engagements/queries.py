"""Reads of engagements and everything that hangs off them.

Every read goes through a function here that takes the viewer and returns only
what the confidentiality table in the product brief allows. Fetching one record
by its code goes through the access module (``access.get_for``): outsiders get
``Http404`` — nothing reveals that a record exists — and denied attempts by a
signed-in person are written to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from bearing.accounts.models import User

from .access import Relation as Relation
from .access import _sponsor_org_ids, deny, get_for, may_read
from .access import relation_to as relation_to  # callers ask here as well
from .models import (
    Action,
    Agreement,
    CoachingSession,
    Engagement,
    EngagementStatus,
    PrivateNote,
    SessionStatus,
    SharedNotesVersion,
)

# --- Engagements --------------------------------------------------------------


def engagement_get_for(
    user: User, code: UUID | str, *, allow: set[Relation] | None = None
) -> tuple[Engagement, Relation]:
    """The engagement and the viewer's relation to it, or 404.

    ``allow`` narrows who may pass (default: coach and coachee). Sponsors pass
    only where asked for explicitly, and then see only ``SponsorView``.
    """
    return get_for(
        user,
        Engagement,
        code,
        want=allow,
        queryset=Engagement.objects.select_related(
            "coach", "coachee", "sponsor", "organization", "practice"
        ),
    )


def _count_of(rows: QuerySet[Any]) -> Coalesce:
    """How many of ``rows`` belong to the outer engagement: a correlated subquery."""
    return Coalesce(
        Subquery(
            rows.filter(engagement=OuterRef("pk"))
            .order_by()
            .values("engagement")
            .annotate(n=Count("id"))
            .values("n")
        ),
        0,
    )


def engagements_coached_by(user: User) -> QuerySet[Engagement]:
    return (
        Engagement.objects.filter(coach=user)
        .select_related("coachee", "organization", "sponsor")
        .annotate(
            # A count per engagement from its index, not two joins multiplied together,
            # made distinct and grouped by every column of four tables.
            held_count=_count_of(CoachingSession.objects.filter(status=SessionStatus.HELD)),
            open_actions=_count_of(Action.objects.filter(completed_at__isnull=True)),
        )
        .order_by("status", "coachee__name", "invited_name")
    )


@dataclass(frozen=True)
class CoachEngagementRow:
    """One line of the coach's own list: whom, where, the status and two counts."""

    code: str
    coachee_display: str
    organization: str
    status: str
    status_label: str
    held_count: int
    open_actions: int


def coach_engagement_rows(user: User) -> list[CoachEngagementRow]:
    """The coach's engagements as plain values (the dashboard's table): the same
    order and counts as ``engagements_coached_by`` without building four models a row."""
    # Typed loosely: the counts are annotations, unknown to the model's own fields.
    coached: QuerySet[Any] = engagements_coached_by(user)
    rows = coached.values_list(
        "code",
        "coachee_id",
        "coachee__name",
        "coachee__email",
        "invited_name",
        "invited_email",
        "organization__name",
        "status",
        "held_count",
        "open_actions",
    )
    return [
        CoachEngagementRow(
            code=str(code),
            # As Engagement.coachee_display: the coachee's name (or email), else the invitation's.
            coachee_display=(name or email) if coachee_id else (invited_name or invited_email),
            organization=organization,
            status=status,
            status_label=EngagementStatus(status).label,
            held_count=held,
            open_actions=open_actions,
        )
        for (
            code,
            coachee_id,
            name,
            email,
            invited_name,
            invited_email,
            organization,
            status,
            held,
            open_actions,
        ) in rows
    ]


def engagements_of_coachee(user: User) -> QuerySet[Engagement]:
    return (
        Engagement.objects.filter(coachee=user)
        .select_related("coach", "organization")
        .order_by("-created_at")
    )


# --- Agreement ------------------------------------------------------------------


def agreement_in_force(engagement: Engagement) -> Agreement | None:
    """The newest version the coachee accepted; only it binds anyone."""
    return engagement.agreements.filter(accepted_at__isnull=False).order_by("-version").first()


def agreement_latest(engagement: Engagement) -> Agreement | None:
    return engagement.agreements.order_by("-version").first()


def agreements_in_force_for(engagement_ids: Iterable[int]) -> dict[int, Agreement]:
    """In-force agreements for many engagements in one query: what they let the sponsor
    see, never their text (left in the database: a sponsor's page of a hundred
    engagements decrypted three texts per agreement for nothing)."""
    result: dict[int, Agreement] = {}
    rows = (
        Agreement.objects.filter(engagement_id__in=list(engagement_ids), accepted_at__isnull=False)
        .defer("objectives", "cadence", "confidentiality_limits")
        .order_by("engagement_id", "-version")
    )
    for row in rows:
        result.setdefault(row.engagement_id, row)
    return result


# --- Coaching sessions -----------------------------------------------------------


def session_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[CoachingSession, Relation]:
    """A coaching session for its coach or coachee; everyone else gets 404."""
    return get_for(
        user,
        CoachingSession,
        code,
        want=want,
        queryset=CoachingSession.objects.select_related(
            "engagement__coach", "engagement__coachee", "engagement__organization"
        ),
    )


def sessions_of(engagement: Engagement) -> QuerySet[CoachingSession]:
    return engagement.sessions.order_by("-scheduled_for")


def shared_notes_versions(session: CoachingSession) -> QuerySet[SharedNotesVersion]:
    """Earlier (and the current) texts of a session's shared notes, newest first. The
    session comes through ``session_get_for``: the coach and the coachee only."""
    return session.shared_notes_versions.select_related("saved_by").order_by("-version")


def private_note_for(user: User, session: CoachingSession) -> PrivateNote | None:
    """Only the engagement's coach ever gets the private note, as its declaration
    says; anyone else gets 404 (audited)."""
    if not may_read(PrivateNote, relation_to(user, session.engagement)):
        raise deny(user, "engagements.privatenote", session.code)
    return PrivateNote.objects.filter(session=session, author=user).first()


def upcoming_sessions_for(user: User, *, limit: int = 10) -> QuerySet[CoachingSession]:
    return (
        CoachingSession.objects.filter(
            Q(engagement__coach=user) | Q(engagement__coachee=user),
            status=SessionStatus.SCHEDULED,
            scheduled_for__gte=timezone.now(),
        )
        .select_related("engagement", "engagement__coachee", "engagement__coach")
        .defer("agenda_outcome", "agenda_measure", "agenda_why", "shared_notes")
        .order_by("scheduled_for")[:limit]
    )


def calendar_sessions_for(user: User) -> QuerySet[CoachingSession]:
    """What a personal calendar feed may carry: times and names, never notes."""
    since = timezone.now() - timedelta(days=90)
    return (
        CoachingSession.objects.filter(
            Q(engagement__coach=user) | Q(engagement__coachee=user), scheduled_for__gte=since
        )
        .select_related("engagement", "engagement__coachee", "engagement__coach")
        .only(
            "code",
            "scheduled_for",
            "duration_minutes",
            "location",
            "status",
            "sequence",
            "created_at",
            "engagement__code",
            "engagement__coach__name",
            "engagement__coach__email",
            "engagement__coachee__name",
            "engagement__coachee__email",
            "engagement__invited_name",
            "engagement__invited_email",
        )
        .order_by("scheduled_for")
    )


# --- Actions --------------------------------------------------------------------


def action_get_for(
    user: User, code: UUID | str, *, want: Iterable[Relation] | Relation | None = None
) -> tuple[Action, Relation]:
    return get_for(user, Action, code, want=want, queryset=Action.objects.select_related("owner"))


def actions_of(engagement: Engagement) -> QuerySet[Action]:
    return engagement.actions.select_related("owner").order_by(
        "completed_at", "due_on", "created_at"
    )


def overdue_actions_for_coach(user: User, today: date | None = None) -> QuerySet[Action]:
    today = today or timezone.localdate()
    return (
        Action.objects.filter(engagement__coach=user, completed_at__isnull=True, due_on__lt=today)
        .select_related("engagement", "engagement__coachee", "owner")
        .order_by("due_on", "id")
    )


def coach_overdue_actions(user: User, *, limit: int = 20) -> list[Action]:
    """The coach's dashboard list: the oldest ``limit`` overdue actions, with only
    what the list shows (title, due date, whose engagement) and who wrote each."""
    return list(
        overdue_actions_for_coach(user)
        .select_related(None)
        .select_related("engagement__coachee")
        .only(
            "code",
            "title",
            "due_on",
            "completed_at",
            "created_by_id",
            "engagement__code",
            "engagement__coachee_id",
            "engagement__invited_name",
            "engagement__invited_email",
            "engagement__coachee__name",
            "engagement__coachee__email",
        )[:limit]
    )


def open_actions_for_coachee(user: User) -> QuerySet[Action]:
    return (
        Action.objects.filter(engagement__coachee=user, completed_at__isnull=True)
        .select_related("engagement", "owner")
        .order_by("due_on")
    )


# --- Sponsor and staff views: explicit allow-lists --------------------------------


@dataclass(frozen=True)
class SponsorEngagementRow:
    """Everything a sponsor may ever see of one engagement. Built field by field."""

    code: str
    coachee_name: str
    coach_name: str
    agreement_accepted: bool
    acknowledged: bool
    status: str | None  # None: not shared under the agreement
    sessions_held: int | None
    sessions_missed: int | None
    sessions_scheduled: int | None


class _AttendanceCounts(Protocol):
    held: int
    missed: int
    upcoming: int


def _sponsor_row(
    engagement: Engagement, agreement: Agreement | None, counts: _AttendanceCounts
) -> SponsorEngagementRow:
    signals = agreement.sponsor_signals if agreement else set()
    shares_attendance = "attendance" in signals
    return SponsorEngagementRow(
        code=str(engagement.code),
        coachee_name=engagement.coachee_display,
        coach_name=engagement.coach.name,
        agreement_accepted=agreement is not None,
        acknowledged=bool(agreement and agreement.sponsor_acknowledged_at),
        status=engagement.get_status_display() if "status" in signals else None,
        sessions_held=counts.held if shares_attendance else None,
        sessions_missed=counts.missed if shares_attendance else None,
        sessions_scheduled=counts.upcoming if shares_attendance else None,
    )


def _with_attendance_counts(qs: QuerySet[Engagement]) -> QuerySet[Any]:
    """Engagements carrying ``held``, ``missed`` and ``upcoming`` counts."""
    now = timezone.now()
    return qs.annotate(
        held=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)),
        missed=Count("sessions", filter=Q(sessions__status=SessionStatus.NO_SHOW)),
        upcoming=Count(
            "sessions",
            filter=Q(sessions__status=SessionStatus.SCHEDULED, sessions__scheduled_for__gte=now),
        ),
    )


# Engagements on one page of the sponsor's dashboard.
SPONSOR_ENGAGEMENTS_PER_PAGE = 25


def sponsor_engagements(
    user: User, *, limit: int | None = None, offset: int = 0, search: str = ""
) -> list[SponsorEngagementRow]:
    """The engagements of the sponsor's organizations, by coachee name (ties by id).

    ``limit`` and ``offset`` take one page: the ids come first, in a subquery of the
    same query, and attendance is counted for those engagements only. ``search``
    keeps the coachees whose name (or, before they join, the invitation's name or
    email: what the row shows) contains it."""
    org_ids = _sponsor_org_ids(user)
    found = Engagement.objects.filter(organization_id__in=org_ids)
    if search:
        found = found.filter(
            Q(coachee__name__icontains=search)
            | Q(coachee__isnull=True, invited_name__icontains=search)
            | Q(coachee__isnull=True, invited_email__icontains=search)
        )
    order = ("coachee__name", "invited_name", "id")
    if limit is not None:
        found = Engagement.objects.filter(
            id__in=found.order_by(*order).values("id")[offset : offset + limit]
        )
    qs = _with_attendance_counts(
        found.select_related("coach", "coachee")
        .only(
            "code",
            "status",
            "organization_id",
            "coachee_id",
            "invited_name",
            "invited_email",
            "coach__name",
            "coachee__name",
            "coachee__email",
            "created_at",
        )
        .order_by(*order)
    )
    engagements = list(qs)
    agreements = agreements_in_force_for(e.id for e in engagements)
    return [_sponsor_row(e, agreements.get(e.id), e) for e in engagements]


def sponsor_engagement_get(
    user: User, code: UUID | str
) -> tuple[SponsorEngagementRow, Agreement | None]:
    """The sponsor's row for one engagement of their organization (and the latest
    agreement version, for the terms); 404 (audited) for anyone else."""
    engagement, _ = get_for(
        user,
        Engagement,
        code,
        want=Relation.SPONSOR,
        queryset=_with_attendance_counts(Engagement.objects.select_related("coach", "coachee")),
    )
    latest = agreement_latest(engagement)
    in_force = agreement_in_force(engagement)
    return _sponsor_row(engagement, in_force, engagement), latest


@dataclass(frozen=True)
class StaffEngagementRow:
    code: str
    organization: str
    practice: str
    status: str
    sessions_held: int
    sessions_missed: int


# Engagements on one page of the staff page, newest first.
STAFF_ENGAGEMENTS_PER_PAGE = 25


def staff_engagements(
    limit: int = STAFF_ENGAGEMENTS_PER_PAGE, offset: int = 0
) -> list[StaffEngagementRow]:
    """The most recent engagements (skipping ``offset``), status and attendance only.

    The ids come first, in a subquery of the same query (from the recent-engagements
    index, newest first, ties broken by id so the list is stable); only those
    engagements' coaching sessions are counted, not every engagement's."""
    recent = Engagement.objects.order_by("-created_at", "-id").values("id")[offset : offset + limit]
    rows = (
        _with_attendance_counts(Engagement.objects.filter(id__in=recent))
        .order_by("-created_at", "-id")
        .values_list("code", "organization__name", "practice__name", "status", "held", "missed")
    )
    # Plain values, not models: a page of rows is built without their instances.
    return [
        StaffEngagementRow(
            code=str(code),
            organization=organization,
            practice=practice,
            status=EngagementStatus(status).label,
            sessions_held=held,
            sessions_missed=missed,
        )
        for code, organization, practice, status, held, missed in rows
    ]


def engagement_counts_by_status() -> dict[str, int]:
    rows = Engagement.objects.values("status").annotate(n=Count("id"))
    return {EngagementStatus(r["status"]).label: r["n"] for r in rows}


def prefetch_next_session(qs: QuerySet[Engagement]) -> QuerySet[Engagement]:
    return qs.prefetch_related(
        Prefetch(
            "sessions",
            queryset=CoachingSession.objects.filter(
                status=SessionStatus.SCHEDULED, scheduled_for__gte=timezone.now()
            )
            .defer("agenda_outcome", "agenda_measure", "agenda_why", "shared_notes")
            .order_by("scheduled_for"),
            to_attr="upcoming_sessions",
        )
    )


def agreements_awaiting(user: User) -> list[Agreement]:
    """Agreement versions waiting for this coachee's acceptance."""
    return list(
        Agreement.objects.filter(
            engagement__coachee=user,
            accepted_at__isnull=True,
            superseded_at__isnull=True,
        )
        .select_related("engagement", "engagement__coach")
        .defer("objectives")
        .order_by("created_at")
    )


# --- Sponsor pages: the agreement's terms, as an allow-list -------------------------


@dataclass(frozen=True)
class SponsorAgreementTerms:
    """The terms of the agreement in force that a sponsor may read.

    Built field by field: never the objectives, never anything said in coaching.
    """

    version: int
    cadence: str
    session_minutes: int
    session_count: int
    confidentiality_limits: str
    signals: tuple[str, ...]  # SponsorSignal values, in their fixed order
    accepted_at: datetime
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class SponsorEngagementDetail:
    row: SponsorEngagementRow
    terms: SponsorAgreementTerms | None  # None until the coachee accepts an agreement
    newer_version_waiting: bool  # a newer version awaits the coachee's acceptance
    engagement_id: int | None  # for sponsor-side queries in other apps (goal progress)


_SPONSOR_TERMS_FIELDS = (
    "id",
    "code",  # the encrypted terms (cadence, limits) are bound to it
    "engagement_id",
    "version",
    "cadence",
    "session_minutes",
    "session_count",
    "confidentiality_limits",
    "sponsor_sees_status",
    "sponsor_sees_attendance",
    "sponsor_sees_goal_progress",
    "sponsor_sees_summaries",
    "sponsor_sees_360_change",
    "accepted_at",
    "sponsor_acknowledged_at",
    "superseded_at",
)


def _sponsor_terms(agreement: Agreement) -> SponsorAgreementTerms:
    from .models import SponsorSignal

    signals = agreement.sponsor_signals
    assert agreement.accepted_at is not None  # only the agreement in force has terms
    return SponsorAgreementTerms(
        version=agreement.version,
        cadence=agreement.cadence,
        session_minutes=agreement.session_minutes,
        session_count=agreement.session_count,
        confidentiality_limits=agreement.confidentiality_limits,
        signals=tuple(s.value for s in SponsorSignal if s in signals),
        accepted_at=agreement.accepted_at,
        acknowledged_at=agreement.sponsor_acknowledged_at,
    )


def _sponsor_agreement_versions(
    user: User, code: UUID | str
) -> tuple[SponsorEngagementRow, list[Agreement]]:
    row, latest = sponsor_engagement_get(user, code)  # the door: 404 for anyone else
    if latest is None:
        return row, []
    versions = list(
        Agreement.objects.filter(engagement_id=latest.engagement_id)
        .only(*_SPONSOR_TERMS_FIELDS)
        .order_by("-version")
    )
    return row, versions


def sponsor_engagement_detail(user: User, code: UUID | str) -> SponsorEngagementDetail:
    """What the sponsor's engagement page may show: the allow-listed row and the
    non-confidential terms of the agreement in force. 404 for anyone but a
    sponsor in the engagement's organization."""
    row, versions = _sponsor_agreement_versions(user, code)
    in_force = next((a for a in versions if a.accepted_at is not None), None)
    waiting = any(
        a.accepted_at is None
        and a.superseded_at is None
        and (in_force is None or a.version > in_force.version)
        for a in versions
    )
    return SponsorEngagementDetail(
        row=row,
        terms=_sponsor_terms(in_force) if in_force else None,
        newer_version_waiting=waiting and in_force is not None,
        engagement_id=versions[0].engagement_id if versions else None,
    )


def sponsor_agreement_to_acknowledge(user: User, code: UUID | str) -> Agreement | None:
    """The agreement in force, for a sponsor to acknowledge (never rendered);
    None while the coachee has accepted none. 404 for anyone but a sponsor."""
    _row, versions = _sponsor_agreement_versions(user, code)
    return next((a for a in versions if a.accepted_at is not None), None)


# --- Added for the coach's and coachee's pages ----------------------------------------


def agreement_versions(engagement: Engagement) -> list[Agreement]:
    """Every version of the agreement, newest first, without the objectives
    (the engagement page shows terms and consent, never what was written)."""
    return list(engagement.agreements.defer("objectives").order_by("-version"))
