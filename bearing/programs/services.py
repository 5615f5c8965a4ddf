"""Every change to programs, rosters, matches, coaching themes and pulses.

Keyword-only, validated, one transaction each. The engagement and its agreement
that follow a match are made by ``engagements.services.engagement_create``, with
the program's sessions and its default sponsor signals proposed in the agreement
(the coachee still accepts their own).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bearing.accounts.models import Invitation, Organization, Practice, Role, User
from bearing.accounts.queries import practice_serves, roles_of
from bearing.accounts.services import invitation_create
from bearing.engagements.models import CoachingSession, Engagement, EngagementStatus, SessionStatus
from bearing.engagements.services import engagement_create
from bearing.lib import ics
from bearing.lib.mail import send_after_commit
from bearing.lib.zones import is_place_zone

from . import matching
from .models import (
    ChemistryCall,
    CoachProfile,
    CoachStyle,
    Language,
    MatchingProfile,
    Program,
    ProgramEstimate,
    Proposal,
    ProposalStatus,
    PulseAnswer,
    PulseMoment,
    PulseRequest,
    Seat,
    SessionTheme,
    Theme,
)

OPEN_STATUSES = (EngagementStatus.PROPOSED, EngagementStatus.ACTIVE, EngagementStatus.PAUSED)
MONTH_THREE = timedelta(days=91)


def _may_run(by: User, organization_id: int) -> bool:
    roles = roles_of(by)
    return roles.is_staff or any(o.id == organization_id for o in roles.sponsor_organizations)


def _sponsors(by: User, organization_id: int) -> bool:
    return any(o.id == organization_id for o in roles_of(by).sponsor_organizations)


def _choices(field: str, values: Iterable[str], allowed: Iterable[str], *, most: int) -> list[str]:
    allowed = list(allowed)
    chosen: list[str] = []
    for value in values:
        if value not in allowed:
            raise ValidationError({field: "Choose from the list."})
        if value not in chosen:
            chosen.append(value)
    if len(chosen) > most:
        raise ValidationError({field: f"Choose at most {most}."})
    return chosen


def _zone(field: str, zone: str) -> str:
    zone = (zone or "").strip()
    if not is_place_zone(zone):
        raise ValidationError({field: "Choose a time zone from the list."})
    return zone


# --- Programs --------------------------------------------------------------------------


@transaction.atomic
def program_create(
    *,
    by: User,
    organization: Organization,
    practice: Practice,
    name: str,
    starts_on: date,
    ends_on: date,
    seats: int,
    sessions_per_engagement: int,
    focus_themes: Iterable[str] = (),
    sponsor_sees_status: bool = True,
    sponsor_sees_attendance: bool = True,
    sponsor_sees_goal_progress: bool = False,
    sponsor_sees_summaries: bool = False,
    sponsor_sees_360_change: bool = False,
) -> Program:
    if not _may_run(by, organization.id):
        raise ValidationError("Only a sponsor of this organization, or staff, sets up a program.")
    if not practice_serves(practice, organization):
        raise ValidationError({"practice": "This practice does not work with the organization."})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "What is the program called?"})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The program ends after it starts."})
    if not 1 <= seats <= 500:
        raise ValidationError({"seats": "Between 1 and 500 seats."})
    if not 1 <= sessions_per_engagement <= 100:
        raise ValidationError({"sessions_per_engagement": "Between 1 and 100 coaching sessions."})
    program = Program(
        organization=organization,
        practice=practice,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        seats=seats,
        sessions_per_engagement=sessions_per_engagement,
        focus_themes=_choices("focus_themes", focus_themes, Theme.values, most=5),
        sponsor_sees_status=sponsor_sees_status,
        sponsor_sees_attendance=sponsor_sees_attendance,
        sponsor_sees_goal_progress=sponsor_sees_goal_progress,
        sponsor_sees_summaries=sponsor_sees_summaries,
        sponsor_sees_360_change=sponsor_sees_360_change,
        created_by=by,
    )
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def seat_invite(*, program: Program, by: User, email: str, name: str = "") -> Seat:
    """Give a leader a seat: their address gets an invitation to join as a coachee of
    the organization; accepting it attaches them to the seat (``seat_attach_leader``)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not _may_run(by, program.organization_id):
        raise ValidationError("Only a sponsor of this organization, or staff, invites leaders.")
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "Whose seat is it?"})
    if program.seat_rows.count() >= program.seats:
        raise ValidationError({"email": "Every seat in this program is taken."})
    if program.seat_rows.filter(invited_email=email).exists():
        raise ValidationError({"email": "This address already has a seat in the program."})
    invitation, _ = invitation_create(
        invited_by=by,
        email=email,
        name=name,
        role=Role.COACHEE,
        organization=program.organization,
    )
    seat = Seat(program=program, invited_email=email, invited_name=name.strip()[:150])
    seat.invitation = invitation
    seat.full_clean()
    seat.save()
    return seat


def seat_attach_leader(*, invitation: Invitation, user: User, **kwargs: object) -> None:
    """The leader accepted the invitation to a seat: it is theirs (connected to
    ``invitation_accepted``; runs in its transaction)."""
    Seat.objects.filter(invitation=invitation, leader__isnull=True).update(leader=user)


@transaction.atomic
def estimate_add(
    *, program: Program, by: User, label: str, value: Decimal, unit: str = ""
) -> ProgramEstimate:
    """A behaviour or results figure the sponsor enters, labelled as their estimate."""
    if not _sponsors(by, program.organization_id):
        raise ValidationError("Only a sponsor of this organization adds estimates.")
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": "What is the figure?"})
    if program.estimates.count() >= 20:
        raise ValidationError({"label": "A program holds up to 20 estimates."})
    estimate = ProgramEstimate(
        program=program, label=label, value=value, unit=(unit or "").strip(), created_by=by
    )
    estimate.full_clean()
    estimate.save()
    return estimate


@transaction.atomic
def estimate_remove(*, estimate: ProgramEstimate, by: User) -> None:
    if not _sponsors(by, estimate.program.organization_id):
        raise ValidationError("Only a sponsor of this organization removes estimates.")
    estimate.delete()


# --- The roster -----------------------------------------------------------------------


@transaction.atomic
def coach_profile_save(
    *,
    coach: User,
    practice: Practice,
    bio: str,
    focus_areas: Iterable[str],
    languages: Iterable[str],
    time_zone: str,
    years_experience: int,
    capacity: int,
) -> CoachProfile:
    if not coach.memberships.filter(role=Role.COACH, practice=practice).exists():
        raise ValidationError("You are not a coach in that practice.")
    bio = (bio or "").strip()
    if len(bio) > 2000:
        raise ValidationError({"bio": "Please keep this under 2,000 characters."})
    langs = _choices("languages", languages, Language.values, most=6)
    if not langs:
        raise ValidationError({"languages": "In which languages do you coach?"})
    if not 0 <= capacity <= 100:
        raise ValidationError({"capacity": "Between 0 and 100 coachees."})
    if not 0 <= years_experience <= 70:
        raise ValidationError({"years_experience": "Between 0 and 70 years."})
    profile = (
        CoachProfile.objects.select_for_update().filter(coach=coach, practice=practice).first()
    )
    if profile is None:
        profile = CoachProfile(coach=coach, practice=practice)
    profile.bio = bio
    profile.focus_areas = _choices("focus_areas", focus_areas, Theme.values, most=6)
    profile.languages = langs
    profile.time_zone = _zone("time_zone", time_zone)
    profile.years_experience = years_experience
    profile.capacity = capacity
    profile.updated_at = timezone.now()
    profile.full_clean()
    profile.save()
    return profile


def coach_load(coach_ids: Iterable[int], practice: Practice) -> dict[int, int]:
    """How many coachees each coach has now in the practice: open engagements, and
    leaders who chose them and wait for their answer."""
    ids = list(coach_ids)
    load = dict.fromkeys(ids, 0)
    for coach_id in Engagement.objects.filter(
        coach_id__in=ids, practice=practice, status__in=OPEN_STATUSES
    ).values_list("coach_id", flat=True):
        load[coach_id] += 1
    for coach_id in Proposal.objects.filter(
        coach_id__in=ids, status=ProposalStatus.CHOSEN, seat__program__practice=practice
    ).values_list("coach_id", flat=True):
        load[coach_id] += 1
    return load


# --- Matching ---------------------------------------------------------------------------


def _check_leader(seat: Seat, by: User) -> None:
    if seat.leader_id is None or seat.leader_id != by.id:
        raise ValidationError("Only the leader in this seat can do this.")


@transaction.atomic
def matching_profile_save(
    *,
    seat: Seat,
    by: User,
    themes: Iterable[str],
    hopes: str,
    languages: Iterable[str],
    time_zone: str,
    coach_style: str = CoachStyle.ANY,
    at: datetime | None = None,
) -> MatchingProfile:
    """Save the leader's matching profile; the first time, three coaches are proposed."""
    seat = Seat.objects.select_for_update(of=("self",)).select_related("program").get(pk=seat.pk)
    _check_leader(seat, by)
    if seat.engagement_id is not None:
        raise ValidationError("You already have your coach in this program.")
    chosen_themes = _choices("themes", themes, Theme.values, most=3)
    if not chosen_themes:
        raise ValidationError({"themes": "Choose up to three things you want to work on."})
    langs = _choices("languages", languages, Language.values, most=4)
    if not langs:
        raise ValidationError({"languages": "In which languages would you like to be coached?"})
    if coach_style not in CoachStyle.values:
        raise ValidationError({"coach_style": "Choose from the list."})
    hopes = (hopes or "").strip()
    if len(hopes) > 1000:
        raise ValidationError({"hopes": "Please keep this under 1,000 characters."})
    profile = MatchingProfile.objects.filter(seat=seat).first() or MatchingProfile(seat=seat)
    profile.themes = chosen_themes
    profile.hopes = hopes
    profile.languages = langs
    profile.time_zone = _zone("time_zone", time_zone)
    profile.coach_style = coach_style
    profile.updated_at = timezone.now()
    profile.full_clean()
    profile.save()
    if not seat.proposals.exists():
        proposals_make(seat=seat, by=by, at=at)
    return profile


@transaction.atomic
def proposals_make(*, seat: Seat, by: User, at: datetime | None = None) -> list[Proposal]:
    """A new round of up to three coaches, none proposed to this leader before. The
    proposals of the round before that were not chosen are closed as not chosen."""
    seat = Seat.objects.select_for_update(of=("self",)).select_related("program").get(pk=seat.pk)
    _check_leader(seat, by)
    if seat.engagement_id is not None:
        raise ValidationError("You already have your coach in this program.")
    if seat.proposals.filter(status__in=[ProposalStatus.CHOSEN, ProposalStatus.ACCEPTED]).exists():
        raise ValidationError("You have chosen a coach; they have not answered yet.")
    profile = MatchingProfile.objects.filter(seat=seat).first()
    if profile is None:
        raise ValidationError("Fill in your matching profile first.")
    program = seat.program
    earlier = list(seat.proposals.values_list("coach_id", flat=True))
    last_round = max(seat.proposals.values_list("round", flat=True), default=0)
    seat.proposals.filter(status=ProposalStatus.PROPOSED).update(
        status=ProposalStatus.PASSED, decided_at=timezone.now()
    )
    roster = list(
        CoachProfile.objects.filter(
            practice=program.practice,
            coach__is_active=True,
            coach__memberships__role=Role.COACH,
            coach__memberships__practice=program.practice,
        ).exclude(coach=by)
    )
    load = coach_load([p.coach_id for p in roster], program.practice)
    candidates = [
        matching.Candidate(
            coach_id=p.coach_id,
            focus_areas=tuple(p.focus_areas),
            languages=tuple(p.languages),
            time_zone=p.time_zone,
            years_experience=p.years_experience,
            capacity=p.capacity,
            load=load.get(p.coach_id, 0),
        )
        for p in roster
    ]
    wish = matching.Wish(
        themes=tuple(profile.themes),
        languages=tuple(profile.languages),
        time_zone=profile.time_zone,
    )
    matches = matching.propose(
        wish,
        candidates,
        at=at or timezone.now(),
        theme_labels=dict(Theme.choices),
        language_labels=dict(Language.choices),
        exclude=earlier,
    )
    if not matches:
        raise ValidationError(
            "No other coach on the roster has room and speaks your language just now."
        )
    made = []
    for rank, match in enumerate(matches, start=1):
        proposal = Proposal(
            seat=seat,
            coach_id=match.coach_id,
            round=last_round + 1,
            rank=rank,
            score=match.score,
            reasons=list(match.reasons),
        )
        proposal.full_clean()
        proposal.save()
        made.append(proposal)
    return made


def _locked_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("seat", "seat__program", "seat__leader", "coach")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_choose(*, proposal: Proposal, by: User) -> Proposal:
    """The leader chooses one of the coaches proposed; the coach is asked to accept."""
    proposal = _locked_proposal(proposal)
    seat = Seat.objects.select_for_update().get(pk=proposal.seat_id)
    _check_leader(seat, by)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("This coach can no longer be chosen.")
    if seat.proposals.filter(status__in=[ProposalStatus.CHOSEN, ProposalStatus.ACCEPTED]).exists():
        raise ValidationError("You have already chosen a coach.")
    proposal.status = ProposalStatus.CHOSEN
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    return proposal


@transaction.atomic
def proposal_decide(*, proposal: Proposal, by: User, accept: bool) -> Proposal:
    """The chosen coach answers. Accepting makes the engagement and proposes its
    agreement (the program's sessions and default sponsor signals); declining lets
    the leader choose another of the coaches proposed, or ask for others."""
    proposal = _locked_proposal(proposal)
    if proposal.coach_id != by.id:
        raise ValidationError("Only the coach chosen answers.")
    if proposal.status != ProposalStatus.CHOSEN:
        raise ValidationError("There is nothing to answer: the leader has not chosen you.")
    seat = (
        Seat.objects.select_for_update(of=("self",))
        .select_related("program", "leader")
        .get(pk=proposal.seat_id)
    )
    program = seat.program
    now = timezone.now()
    if not accept:
        proposal.status = ProposalStatus.DECLINED
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_at"])
        return proposal
    profile = (
        CoachProfile.objects.select_for_update().filter(coach=by, practice=program.practice).first()
    )
    if profile is None:
        raise ValidationError("You are no longer on this practice's roster.")
    # Taken in turn (the profile row is locked): the leader's choice counts in the
    # load, so the room left must include it.
    if coach_load([by.id], program.practice)[by.id] > profile.capacity:
        raise ValidationError("You have no room for another coachee; decline instead.")
    if seat.leader is None:
        raise ValidationError("The leader has not joined yet.")
    engagement = engagement_create(
        coach=by,
        practice=program.practice,
        organization=program.organization,
        title=program.name,
        coachee=seat.leader,
        session_count=program.sessions_per_engagement,
        sponsor_sees_status=program.sponsor_sees_status,
        sponsor_sees_attendance=program.sponsor_sees_attendance,
        sponsor_sees_goal_progress=program.sponsor_sees_goal_progress,
        sponsor_sees_summaries=program.sponsor_sees_summaries,
        sponsor_sees_360_change=program.sponsor_sees_360_change,
    )
    seat.engagement = engagement
    seat.save(update_fields=["engagement"])
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_at = now
    proposal.save(update_fields=["status", "decided_at"])
    seat.proposals.filter(status=ProposalStatus.PROPOSED).update(
        status=ProposalStatus.PASSED, decided_at=now
    )
    return proposal


CHEMISTRY_MINUTES = 20


def _chemistry_event(call: ChemistryCall, proposal: Proposal) -> ics.Event:
    leader = proposal.seat.leader
    assert leader is not None
    return ics.Event(
        uid=f"chemistry-{call.code}@bearing",
        start=call.scheduled_for,
        end=call.scheduled_for + timedelta(minutes=call.duration_minutes),
        summary=f"Getting to know each other: {proposal.coach.name} and {leader.name}",
        sequence=call.sequence,
        url=f"{settings.SITE_URL}/programs/seats/{proposal.seat.code}/",
        organizer=(leader.name, leader.email),
        attendees=((proposal.coach.name, proposal.coach.email),),
    )


@transaction.atomic
def chemistry_call_book(*, proposal: Proposal, by: User, scheduled_for: datetime) -> ChemistryCall:
    """The leader books a short call with a coach proposed to them, before choosing;
    booking again moves it. Both get a calendar invitation."""
    proposal = _locked_proposal(proposal)
    _check_leader(proposal.seat, by)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError("A call is booked with a coach proposed to you, before choosing.")
    now = timezone.now()
    if timezone.is_naive(scheduled_for):
        raise ValidationError({"scheduled_for": "A time zone is needed."})
    if scheduled_for < now + timedelta(hours=1):
        raise ValidationError({"scheduled_for": "Choose a time at least an hour from now."})
    if scheduled_for > now + timedelta(days=60):
        raise ValidationError({"scheduled_for": "Choose a time within the next two months."})
    call = ChemistryCall.objects.filter(proposal=proposal).first()
    if call is None:
        call = ChemistryCall(proposal=proposal, duration_minutes=CHEMISTRY_MINUTES)
    else:
        call.sequence += 1
    call.scheduled_for = scheduled_for
    call.full_clean()
    call.save()
    body = ics.calendar([_chemistry_event(call, proposal)], method="REQUEST")
    for person in (proposal.seat.leader, proposal.coach):
        assert person is not None
        send_after_commit(
            to=[person.email],
            template="chemistry_call",
            context={"call": call, "proposal": proposal, "recipient": person},
            attachments=[("chemistry-call.ics", body, "text/calendar; method=REQUEST")],
        )
    return call


# --- Coaching themes -----------------------------------------------------------------


@transaction.atomic
def session_themes_set(
    *, session: CoachingSession, by: User, themes: Iterable[str]
) -> list[SessionTheme]:
    """The coach tags a held coaching session with one to three themes (no text)."""
    session = (
        CoachingSession.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=session.pk)
    )
    if by.id != session.engagement.coach_id:
        raise ValidationError("Only the coach tags a coaching session's themes.")
    if session.status != SessionStatus.HELD:
        raise ValidationError("Themes are tagged on a coaching session that was held.")
    chosen = _choices("themes", themes, Theme.values, most=3)
    if not chosen:
        raise ValidationError({"themes": "Choose one to three themes."})
    SessionTheme.objects.filter(session=session).exclude(theme__in=chosen).delete()
    have = set(SessionTheme.objects.filter(session=session).values_list("theme", flat=True))
    for theme in chosen:
        if theme not in have:
            SessionTheme.objects.create(session=session, theme=theme, tagged_by=by)
    return list(SessionTheme.objects.filter(session=session))


# --- The satisfaction pulse ----------------------------------------------------------


@transaction.atomic
def pulses_due(*, engagement: Engagement, now: datetime | None = None) -> list[PulseRequest]:
    """The pulses the coachee of a program engagement is asked for now: at three
    months after it started and once it is complete. Unanswered ones are returned."""
    now = now or timezone.now()
    if not Seat.objects.filter(engagement=engagement).exists():
        return []
    due = []
    if engagement.started_at is not None and engagement.started_at + MONTH_THREE <= now:
        due.append(PulseMoment.MONTH_THREE)
    if engagement.status == EngagementStatus.COMPLETED:
        due.append(PulseMoment.END)
    for moment in due:
        PulseRequest.objects.get_or_create(engagement=engagement, moment=moment)
    return list(
        PulseRequest.objects.filter(engagement=engagement, answered=False).order_by("created_at")
    )


@transaction.atomic
def pulse_answer(
    *,
    request: PulseRequest,
    by: User,
    usefulness: int,
    recommend: bool,
    coach_fit: int,
    today: date | None = None,
) -> None:
    """Record the answer apart from who gave it: the request is only marked answered
    (no time), and the answer keeps the program, the moment and the month."""
    request = (
        PulseRequest.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=request.pk)
    )
    if by.id != request.engagement.coachee_id:
        raise ValidationError("Only the coachee answers their pulse.")
    if request.answered:
        raise ValidationError("You have answered this pulse already. Thank you.")
    if not 1 <= usefulness <= 5:
        raise ValidationError({"usefulness": "Choose 1 to 5."})
    if not 1 <= coach_fit <= 5:
        raise ValidationError({"coach_fit": "Choose 1 to 5."})
    seat = Seat.objects.select_related("program").filter(engagement=request.engagement).first()
    if seat is None:
        raise ValidationError("This engagement is not part of a program.")
    request.answered = True
    request.save(update_fields=["answered"])
    day = today or timezone.localdate()
    answer = PulseAnswer(
        program=seat.program,
        moment=request.moment,
        month=day.replace(day=1),
        usefulness=usefulness,
        recommend=bool(recommend),
        coach_fit=coach_fit,
    )
    answer.full_clean()
    answer.save()
