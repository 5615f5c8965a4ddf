"""Every change to an engagement and what hangs off it.

Services are keyword-only, validate, write in one transaction and queue their
side effects (email) for after commit. Views call these; they never save.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from bearing.accounts.models import Invitation, Organization, Practice, Role, User
from bearing.accounts.queries import practice_serves
from bearing.accounts.services import invitation_create
from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.lib import ics
from bearing.lib.mail import send_after_commit

from .models import (
    ENGAGEMENT_TRANSITIONS,
    Action,
    Agreement,
    CoachingSession,
    Engagement,
    EngagementStatus,
    PrivateNote,
    SessionStatus,
    SharedNotesVersion,
)

MAX_TEXT = 20_000


def _check_length(field: str, value: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: f"Please keep this under {limit:,} characters."})
    return value


# --- Engagements ------------------------------------------------------------------


@transaction.atomic
def engagement_create(
    *,
    coach: User,
    practice: Practice,
    organization: Organization,
    title: str,
    coachee: User | None = None,
    invited_email: str = "",
    invited_name: str = "",
    sponsor: User | None = None,
    objectives: str = "",
    cadence: str = "Every two weeks",
    session_minutes: int = 60,
    session_count: int = 12,
    sponsor_sees_status: bool = True,
    sponsor_sees_attendance: bool = True,
    sponsor_sees_goal_progress: bool = False,
    sponsor_sees_summaries: bool = False,
    sponsor_sees_360_change: bool = False,
    companion_offered: bool = True,
    confidentiality_limits: str | None = None,
    records_kept_months: int = 24,
) -> Engagement:
    if not coach.memberships.filter(role=Role.COACH, practice=practice).exists():
        raise ValidationError("You are not a coach in that practice.")
    if not practice_serves(practice, organization):
        raise ValidationError(
            {"organization": "Your practice does not work with this organization."}
        )
    if (
        sponsor is not None
        and not sponsor.memberships.filter(role=Role.SPONSOR, organization=organization).exists()
    ):
        raise ValidationError({"sponsor": "That person is not a sponsor in this organization."})
    if coachee is None and not invited_email:
        raise ValidationError({"coachee_email": "Who is the coachee?"})
    if coachee is not None and coachee == coach:
        raise ValidationError({"coachee_email": "A coach cannot coach themselves."})
    engagement = Engagement(
        practice=practice,
        organization=organization,
        coach=coach,
        coachee=coachee,
        invited_email=(invited_email or "").lower(),
        invited_name=invited_name,
        sponsor=sponsor,
        title=_check_length("title", title, 200),
    )
    engagement.full_clean()
    engagement.save()
    agreement_propose(
        engagement=engagement,
        by=coach,
        objectives=objectives,
        cadence=cadence,
        session_minutes=session_minutes,
        session_count=session_count,
        sponsor_sees_status=sponsor_sees_status,
        sponsor_sees_attendance=sponsor_sees_attendance,
        sponsor_sees_goal_progress=sponsor_sees_goal_progress,
        sponsor_sees_summaries=sponsor_sees_summaries,
        sponsor_sees_360_change=sponsor_sees_360_change,
        confidentiality_limits=confidentiality_limits,
        companion_offered=companion_offered,
        records_kept_months=records_kept_months,
    )
    return engagement


@transaction.atomic
def engagement_set_status(
    *, engagement: Engagement, by: User, status: str, reason: str = ""
) -> Engagement:
    """Move the engagement along its lifecycle. Ending it (completed or ended early)
    cancels the coaching sessions still ahead, and both people are emailed; the views
    ask for confirmation first, and for the reason when it ends early."""
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if by.id != engagement.coach_id:
        raise ValidationError("Only the engagement's coach can change its status.")
    current = EngagementStatus(engagement.status)
    target = EngagementStatus(status)
    if target not in ENGAGEMENT_TRANSITIONS[current]:
        raise ValidationError(
            f"An engagement that is {current.label.lower()} cannot become {target.label.lower()}."
        )
    if target == EngagementStatus.ACTIVE and current == EngagementStatus.PROPOSED:
        if engagement.coachee_id is None:
            raise ValidationError("The coachee has not accepted their invitation yet.")
        if not engagement.agreements.filter(accepted_at__isnull=False).exists():
            raise ValidationError("The coachee has not accepted the coaching agreement yet.")
    reason = _check_length("reason", reason, 1000)
    now = timezone.now()
    if target in {EngagementStatus.COMPLETED, EngagementStatus.ENDED_EARLY}:
        engagement.closed_from = current
    engagement.status = target
    engagement.status_changed_at = now
    if target == EngagementStatus.ACTIVE and engagement.started_at is None:
        engagement.started_at = now
    if target == EngagementStatus.ENDED_EARLY:
        engagement.end_reason = reason
    if target in {EngagementStatus.COMPLETED, EngagementStatus.ENDED_EARLY}:
        engagement.ended_at = now
        ending = (
            "The engagement is complete."
            if target == EngagementStatus.COMPLETED
            else "The engagement ended early."
        )
        for session in engagement.sessions.filter(
            status=SessionStatus.SCHEDULED, scheduled_for__gte=now
        ):
            session_cancel(session=session, by=by, reason=ending)
    engagement.full_clean()
    engagement.save()
    return engagement


@transaction.atomic
def engagement_reopen(*, engagement: Engagement, by: User) -> Engagement:
    """Undo closing an engagement shortly after: it takes back the status it had, and
    the coaching sessions that closing cancelled are scheduled again (both people get
    calendar updates that put them back)."""
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if by.id != engagement.coach_id:
        raise ValidationError("Only the engagement's coach can reopen it.")
    if engagement.reopenable_until() is None:
        raise ValidationError("It is too late to undo this; the engagement stays closed.")
    ended_at = engagement.ended_at
    engagement.status = engagement.closed_from
    engagement.closed_from = ""
    engagement.ended_at = None
    engagement.end_reason = ""
    engagement.status_changed_at = timezone.now()
    engagement.full_clean()
    engagement.save()
    cancelled_by_closing = CoachingSession.objects.select_for_update(of=("self",)).filter(
        engagement=engagement,
        status=SessionStatus.CANCELLED,
        cancelled_at__gte=ended_at,
        scheduled_for__gt=timezone.now(),
    )
    for session in cancelled_by_closing.select_related(
        "engagement", "engagement__coach", "engagement__coachee"
    ):
        _restore_session(session)
    return engagement


# --- The agreement ------------------------------------------------------------------


@transaction.atomic
def agreement_propose(
    *,
    engagement: Engagement,
    by: User,
    objectives: str,
    cadence: str,
    session_minutes: int,
    session_count: int,
    sponsor_sees_status: bool,
    sponsor_sees_attendance: bool,
    sponsor_sees_goal_progress: bool,
    sponsor_sees_summaries: bool,
    sponsor_sees_360_change: bool = False,
    confidentiality_limits: str | None = None,
    companion_offered: bool = True,
    records_kept_months: int = 24,
) -> Agreement:
    """Write a new version. It takes effect only when the coachee accepts it."""
    if by.id != engagement.coach_id:
        raise ValidationError("Only the engagement's coach can propose the agreement.")
    if not engagement.is_open:
        raise ValidationError("This engagement has ended; its agreement cannot change.")
    latest = engagement.agreements.select_for_update().order_by("-version").first()
    now = timezone.now()
    if latest is not None and latest.accepted_at is None:
        # An unaccepted draft is replaced, not stacked.
        latest.superseded_at = now
        latest.save(update_fields=["superseded_at"])
    agreement = Agreement(
        engagement=engagement,
        version=(latest.version + 1) if latest else 1,
        objectives=_check_length("objectives", objectives),
        cadence=_check_length("cadence", cadence, 100),
        session_minutes=session_minutes,
        session_count=session_count,
        sponsor_sees_status=sponsor_sees_status,
        sponsor_sees_attendance=sponsor_sees_attendance,
        sponsor_sees_goal_progress=sponsor_sees_goal_progress,
        sponsor_sees_summaries=sponsor_sees_summaries,
        sponsor_sees_360_change=sponsor_sees_360_change,
        companion_offered=companion_offered,
        records_kept_months=records_kept_months,
        created_by=by,
    )
    if confidentiality_limits is not None:
        agreement.confidentiality_limits = _check_length(
            "confidentiality_limits", confidentiality_limits, 5000
        )
    agreement.full_clean()
    agreement.save()
    if engagement.coachee is not None:
        send_after_commit(
            to=[engagement.coachee.email],
            template="agreement_proposed",
            context={"engagement": engagement, "agreement": agreement, "coach": by},
        )
    return agreement


@transaction.atomic
def agreement_accept(
    *, agreement: Agreement, by: User, request: HttpRequest | None = None
) -> Agreement:
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=agreement.pk)
    )
    engagement = agreement.engagement
    if by.id != engagement.coachee_id:
        raise ValidationError("Only the coachee can accept the coaching agreement.")
    if agreement.accepted_at is not None:
        raise ValidationError("You have already accepted this version.")
    if agreement.superseded_at is not None:
        raise ValidationError("This version was replaced by a newer one; please read that one.")
    newer = engagement.agreements.filter(version__gt=agreement.version).exists()
    if newer:
        raise ValidationError("A newer version exists; please read that one.")
    now = timezone.now()
    agreement.accepted_at = now
    agreement.accepted_by = by
    agreement.save(update_fields=["accepted_at", "accepted_by"])
    engagement.agreements.filter(version__lt=agreement.version, superseded_at__isnull=True).update(
        superseded_at=now
    )
    audit_record(
        action=AuditAction.CONSENT,
        actor=by,
        target=agreement,
        request=request,
        version=agreement.version,
        kind="accepted",
    )
    return agreement


@transaction.atomic
def agreement_acknowledge(
    *, agreement: Agreement, by: User, request: HttpRequest | None = None
) -> Agreement:
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=agreement.pk)
    )
    engagement = agreement.engagement
    if not by.memberships.filter(
        role=Role.SPONSOR, organization_id=engagement.organization_id
    ).exists():
        raise ValidationError("Only a sponsor in this organization can acknowledge it.")
    if agreement.accepted_at is None:
        raise ValidationError("The coachee has not accepted this version yet.")
    if agreement.sponsor_acknowledged_at is None:
        agreement.sponsor_acknowledged_at = timezone.now()
        agreement.save(update_fields=["sponsor_acknowledged_at"])
        audit_record(
            action=AuditAction.CONSENT,
            actor=by,
            target=agreement,
            request=request,
            version=agreement.version,
            kind="sponsor_acknowledged",
        )
    return agreement


# --- Coaching sessions --------------------------------------------------------------


def _session_event(session: CoachingSession, *, cancelled: bool = False) -> ics.Event:
    engagement = session.engagement
    coachee_name = engagement.coachee_display
    attendees = []
    if engagement.coachee is not None:
        attendees.append((engagement.coachee.name, engagement.coachee.email))
    return ics.Event(
        uid=f"session-{session.code}@bearing",
        start=session.scheduled_for,
        end=session.ends_at,
        summary=f"Coaching session: {engagement.coach.name} and {coachee_name}",
        sequence=session.sequence,
        status="CANCELLED" if cancelled else "CONFIRMED",
        location=session.location,
        url=f"{settings.SITE_URL}/sessions/{session.code}/",
        organizer=(engagement.coach.name, engagement.coach.email),
        attendees=tuple(attendees),
    )


def _notify_session(session: CoachingSession, template: str, *, cancelled: bool = False) -> None:
    engagement = session.engagement
    recipients = [engagement.coach]
    if engagement.coachee is not None:
        recipients.append(engagement.coachee)
    method = "CANCEL" if cancelled else "REQUEST"
    body = ics.calendar([_session_event(session, cancelled=cancelled)], method=method)
    for person in recipients:
        send_after_commit(
            to=[person.email],
            template=template,
            context={"session": session, "engagement": engagement, "recipient": person},
            attachments=[("coaching-session.ics", body, f"text/calendar; method={method}")],
        )


def _check_when(when: datetime, duration_minutes: int) -> None:
    if timezone.is_naive(when):
        raise ValidationError({"scheduled_for": "A time zone is needed."})
    if when < timezone.now() - timedelta(minutes=5):
        raise ValidationError({"scheduled_for": "Choose a time in the future."})
    if not 15 <= duration_minutes <= 480:
        raise ValidationError({"duration_minutes": "Between 15 and 480 minutes, please."})


@transaction.atomic
def session_schedule(
    *,
    engagement: Engagement,
    by: User,
    scheduled_for: datetime,
    duration_minutes: int | None = None,
    location: str = "",
) -> CoachingSession:
    if by.id not in {engagement.coach_id, engagement.coachee_id}:
        raise ValidationError("Only the coach or the coachee can schedule a coaching session.")
    if engagement.status not in {EngagementStatus.PROPOSED, EngagementStatus.ACTIVE}:
        raise ValidationError("Sessions can be scheduled only in a proposed or active engagement.")
    if duration_minutes is None:
        agreement = engagement.agreements.order_by("-version").first()
        duration_minutes = agreement.session_minutes if agreement else 60
    _check_when(scheduled_for, duration_minutes)
    session = CoachingSession(
        engagement=engagement,
        scheduled_for=scheduled_for,
        duration_minutes=duration_minutes,
        location=_check_length("location", location, 300),
    )
    session.full_clean()
    session.save()
    _notify_session(session, "session_scheduled")
    return session


def _locked_session(session: CoachingSession) -> CoachingSession:
    return (
        CoachingSession.objects.select_for_update(of=("self",))
        .select_related("engagement", "engagement__coach", "engagement__coachee")
        .get(pk=session.pk)
    )


@transaction.atomic
def session_reschedule(
    *,
    session: CoachingSession,
    by: User,
    scheduled_for: datetime,
    duration_minutes: int | None = None,
    location: str | None = None,
) -> CoachingSession:
    session = _locked_session(session)
    if by.id not in {session.engagement.coach_id, session.engagement.coachee_id}:
        raise ValidationError("Only the coach or the coachee can reschedule.")
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError("Only a scheduled session can be moved.")
    duration_minutes = duration_minutes or session.duration_minutes
    _check_when(scheduled_for, duration_minutes)
    session.scheduled_for = scheduled_for
    session.duration_minutes = duration_minutes
    if location is not None:
        session.location = _check_length("location", location, 300)
    session.sequence += 1
    session.full_clean()
    session.save()
    _notify_session(session, "session_rescheduled")
    return session


@transaction.atomic
def session_cancel(*, session: CoachingSession, by: User, reason: str = "") -> CoachingSession:
    """Cancel and tell both people (with a calendar cancellation). Whoever cancelled
    may restore it for SESSION_RESTORE_WINDOW (``session_restore``)."""
    session = _locked_session(session)
    if by.id not in {session.engagement.coach_id, session.engagement.coachee_id}:
        raise ValidationError("Only the coach or the coachee can cancel.")
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError("Only a scheduled session can be cancelled.")
    session.cancel_reason = _check_length("reason", reason, 1000)
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = timezone.now()
    session.cancelled_by = by
    session.sequence += 1
    session.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "sequence"]
    )
    _notify_session(session, "session_cancelled", cancelled=True)
    return session


@transaction.atomic
def session_restore(*, session: CoachingSession, by: User) -> CoachingSession:
    """Undo a cancellation shortly after it was made: the session is scheduled again
    and both people get a calendar update that puts it back (a higher SEQUENCE)."""
    session = _locked_session(session)
    if by.id not in {session.engagement.coach_id, session.engagement.coachee_id}:
        raise ValidationError("Only the coach or the coachee can restore a session.")
    if session.status != SessionStatus.CANCELLED:
        raise ValidationError("This coaching session is not cancelled.")
    if session.cancelled_by_id != by.id:
        raise ValidationError("Only the person who cancelled it can undo the cancellation.")
    if session.restorable_until() is None:
        raise ValidationError(
            "It is too late to undo this cancellation; schedule a new coaching session instead."
        )
    return _restore_session(session)


def _restore_session(session: CoachingSession) -> CoachingSession:
    session.status = SessionStatus.SCHEDULED
    session.cancelled_at = None
    session.cancelled_by = None
    session.cancel_reason = ""
    session.sequence += 1
    session.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "sequence"]
    )
    _notify_session(session, "session_restored")
    return session


@transaction.atomic
def session_mark_attendance(*, session: CoachingSession, by: User, status: str) -> CoachingSession:
    session = _locked_session(session)
    if by.id != session.engagement.coach_id:
        raise ValidationError("Only the coach records attendance.")
    if status not in {SessionStatus.HELD, SessionStatus.NO_SHOW}:
        raise ValidationError("Attendance is either held or no-show.")
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError("A cancelled session cannot be marked.")
    if session.scheduled_for > timezone.now():
        raise ValidationError("Attendance can be recorded once the session has started.")
    session.status = status
    session.attendance_marked_at = timezone.now()
    session.save(update_fields=["status", "attendance_marked_at"])
    return session


@transaction.atomic
def agenda_update(
    *, session: CoachingSession, by: User, outcome: str, measure: str, why: str
) -> CoachingSession:
    session = _locked_session(session)
    if by.id != session.engagement.coachee_id:
        raise ValidationError("The coachee sets the agenda.")
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError("This session was cancelled.")
    session.agenda_outcome = _check_length("outcome", outcome, 2000)
    session.agenda_measure = _check_length("measure", measure, 2000)
    session.agenda_why = _check_length("why", why, 2000)
    if not session.agenda_outcome:
        raise ValidationError({"outcome": "What would you like to leave this session with?"})
    session.agenda_updated_at = timezone.now()
    session.save(
        update_fields=["agenda_outcome", "agenda_measure", "agenda_why", "agenda_updated_at"]
    )
    return session


class SharedNotesConflict(ValidationError):
    """The shared notes changed since the editor started: their save is refused and
    ``session`` carries the newer text, so both can be shown and nothing is lost."""

    def __init__(self, session: CoachingSession):
        super().__init__({"body": "These notes changed while you were writing. Nothing was saved."})
        self.session = session


@transaction.atomic
def shared_notes_update(
    *, session: CoachingSession, by: User, body: str, base_version: int | None = None
) -> CoachingSession:
    """Save the shared notes. ``base_version`` is the version the editor started
    from: if someone saved since, the save is refused (SharedNotesConflict) rather
    than wiping their words. Every saved text is kept as a SharedNotesVersion."""
    session = _locked_session(session)
    if by.id not in {session.engagement.coach_id, session.engagement.coachee_id}:
        raise ValidationError("Only the coach and the coachee keep shared notes.")
    body = _check_length("body", body)
    if body == session.shared_notes:
        return session  # nothing changed (whatever version the editor started from)
    if base_version is not None and base_version != session.shared_notes_version:
        raise SharedNotesConflict(session)
    now = timezone.now()
    if session.shared_notes and not session.shared_notes_versions.exists():
        # Text written before versions were kept becomes the first one.
        SharedNotesVersion.objects.create(
            session=session,
            version=session.shared_notes_version,
            body=session.shared_notes,
            saved_by_id=session.shared_notes_updated_by_id,
            saved_at=session.shared_notes_updated_at or now,
        )
    session.shared_notes = body
    session.shared_notes_version += 1
    session.shared_notes_updated_at = now
    session.shared_notes_updated_by = by
    session.save(
        update_fields=[
            "shared_notes",
            "shared_notes_version",
            "shared_notes_updated_at",
            "shared_notes_updated_by",
        ]
    )
    SharedNotesVersion.objects.create(
        session=session, version=session.shared_notes_version, body=body, saved_by=by, saved_at=now
    )
    return session


@transaction.atomic
def private_note_update(*, session: CoachingSession, by: User, body: str) -> PrivateNote:
    if by.id != session.engagement.coach_id:
        raise ValidationError("Only the coach keeps private notes.")
    note = PrivateNote.objects.select_for_update().filter(session=session).first()
    if note is None:
        note = PrivateNote(session=session, author=by)
    note.body = _check_length("body", body)
    note.updated_at = timezone.now()
    note.full_clean()
    note.save()
    return note


# --- Actions ----------------------------------------------------------------------


def _check_due(due_on: date) -> None:
    if due_on < timezone.localdate() - timedelta(days=365):
        raise ValidationError({"due_on": "That date is too far in the past."})


@transaction.atomic
def commitments_add(
    *, session: CoachingSession, by: User, commitments: list[tuple[str, date]]
) -> list[Action]:
    """The coachee's commitments at the close of a session, each an action they own."""
    engagement = session.engagement
    if by.id != engagement.coachee_id:
        raise ValidationError("The coachee writes their own commitments.")
    if not commitments:
        raise ValidationError({"title": "Write at least one commitment."})
    actions = []
    for title, due_on in commitments:
        actions.append(
            action_create(engagement=engagement, by=by, title=title, due_on=due_on, session=session)
        )
    return actions


@transaction.atomic
def action_create(
    *,
    engagement: Engagement,
    by: User,
    title: str,
    due_on: date,
    session: CoachingSession | None = None,
    owner: User | None = None,
) -> Action:
    if by.id not in {engagement.coach_id, engagement.coachee_id}:
        raise ValidationError("Only the coach or the coachee can add actions.")
    owner = owner or engagement.coachee or by
    if owner.id not in {engagement.coach_id, engagement.coachee_id}:
        raise ValidationError({"owner": "The owner is the coach or the coachee."})
    title = _check_length("title", title, 500)
    if not title:
        raise ValidationError({"title": "What will be done?"})
    _check_due(due_on)
    action = Action(
        engagement=engagement,
        session=session,
        owner=owner,
        title=title,
        due_on=due_on,
        created_by=by,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(*, action: Action, by: User, title: str, due_on: date) -> Action:
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=action.pk)
    )
    if by.id not in {action.engagement.coach_id, action.engagement.coachee_id}:
        raise ValidationError("Only the coach or the coachee can change actions.")
    title = _check_length("title", title, 500)
    if not title:
        raise ValidationError({"title": "What will be done?"})
    _check_due(due_on)
    action.title = title
    action.due_on = due_on
    action.save(update_fields=["title", "due_on"])
    return action


@transaction.atomic
def action_set_done(*, action: Action, by: User, done: bool) -> Action:
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=action.pk)
    )
    if by.id not in {action.engagement.coach_id, action.engagement.coachee_id}:
        raise ValidationError("Only the coach or the coachee can complete actions.")
    action.completed_at = timezone.now() if done else None
    action.save(update_fields=["completed_at"])
    return action


# --- Added for the coach's pages ------------------------------------------------------


@transaction.atomic
def engagement_create_for_email(
    *,
    coach: User,
    practice: Practice,
    organization: Organization,
    title: str,
    coachee_email: str,
    coachee_name: str,
    sponsor: User | None = None,
    **agreement: Any,
) -> Engagement:
    """Propose an engagement to the person at ``coachee_email`` and invite them.

    Whether or not the email belongs to an account, the same happens: the
    engagement waits as proposed and the address gets an invitation to it. Someone
    who has an account signs in and accepts; nobody is attached to an engagement
    they have not accepted, and the coach learns nothing about who has an account.
    All or nothing: if the invitation cannot be made, no engagement is left behind.
    """
    email = (coachee_email or "").strip().lower()
    if email and email == coach.email:
        raise ValidationError({"coachee_email": "A coach cannot coach themselves."})
    name = (coachee_name or "").strip()
    # A resubmitted form makes no second proposal: the coach's row is locked so two
    # submissions at once are taken one after the other, and the same proposal to the
    # same address, still waiting, is refused.
    User.objects.select_for_update().filter(pk=coach.pk).first()
    waiting = Engagement.objects.filter(
        coach=coach,
        organization=organization,
        invited_email=email,
        coachee__isnull=True,
        status=EngagementStatus.PROPOSED,
    )
    if any(e.title == title.strip() for e in waiting):  # titles are encrypted: compared here
        raise ValidationError(
            {
                "coachee_email": "You have already proposed this engagement to this "
                "address; it is waiting for them to accept."
            }
        )
    engagement = engagement_create(
        coach=coach,
        practice=practice,
        organization=organization,
        title=title,
        invited_email=email,
        invited_name=name,
        sponsor=sponsor,
        **agreement,
    )
    invitation, _ = invitation_create(
        invited_by=coach, email=email, name=name, role=Role.COACHEE, organization=organization
    )
    engagement.invitation = invitation
    engagement.save(update_fields=["invitation"])
    return engagement


def engagement_attach_coachee(*, invitation: Invitation, user: User, **kwargs: object) -> None:
    """The coachee accepted the invitation to an engagement: they join that one
    engagement (connected to ``invitation_accepted``; runs in its transaction)."""
    Engagement.objects.filter(invitation=invitation, coachee__isnull=True).exclude(
        coach=user
    ).update(coachee=user)
