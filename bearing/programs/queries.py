"""Reads of programs, rosters, matches and the cohort dashboard. Every function
takes the viewer and returns only what they may see; a sponsor gets frozen
allow-list rows, never a model.

Programs, seats and proposals hang off no engagement, so their fetches by code
cannot use ``access.get_for`` (which decides by the viewer's relation to an
engagement); they apply the declarations here and answer outsiders with the
access module's ``deny`` (404, audited). What hangs off an engagement (a
coaching session's themes, a pulse request) goes through ``get_for``.
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from bearing.accounts.models import Practice, User
from bearing.accounts.queries import roles_of
from bearing.engagements.access import Relation, deny, get_for
from bearing.engagements.models import (
    Agreement,
    CoachingSession,
    Engagement,
    EngagementStatus,
    SessionStatus,
)
from bearing.engagements.queries import session_get_for
from bearing.growth.queries import goal_progress_where_shared
from bearing.insight.queries import others_changes, rater_focus_areas

from . import cohort as c
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

THEME_LABELS = dict(Theme.choices)
LANGUAGE_LABELS = dict(Language.choices)
SIGNAL_LABELS = {
    "sponsor_sees_status": "Engagement status",
    "sponsor_sees_attendance": "Session attendance",
    "sponsor_sees_goal_progress": "Progress on goals the coachee marks as shared",
    "sponsor_sees_summaries": "Progress summaries the coachee has approved",
    "sponsor_sees_360_change": "360 change, only as a program average over three or more coachees",
}
# The statuses a cohort is split by (a proposed engagement has not started).
COHORT_STATUSES = [
    EngagementStatus.ACTIVE,
    EngagementStatus.PAUSED,
    EngagementStatus.COMPLETED,
    EngagementStatus.ENDED_EARLY,
]


def _labels(values: list[str], labels: dict[str, str]) -> tuple[str, ...]:
    return tuple(str(labels[v]) for v in values if v in labels)


def runs_programs(viewer: User) -> bool:
    roles = roles_of(viewer)
    return roles.is_staff or roles.is_sponsor


def _runs(viewer: User, organization_id: int) -> bool:
    roles = roles_of(viewer)
    return roles.is_staff or any(o.id == organization_id for o in roles.sponsor_organizations)


# --- Programs, for their sponsors and staff ---------------------------------------------


@dataclass(frozen=True)
class ProgramRow:
    """What a sponsor (or staff) reads of a program."""

    code: str
    name: str
    organization: str
    practice: str
    starts_on: date
    ends_on: date
    seats: int
    seats_taken: int
    seats_filled: int  # leaders with a coach
    sessions_per_engagement: int
    focus: tuple[str, ...]
    proposed_signals: tuple[str, ...]


def _program_row(program: Program, taken: int, filled: int) -> ProgramRow:
    return ProgramRow(
        code=str(program.code),
        name=program.name,
        organization=program.organization.name,
        practice=program.practice.name,
        starts_on=program.starts_on,
        ends_on=program.ends_on,
        seats=program.seats,
        seats_taken=taken,
        seats_filled=filled,
        sessions_per_engagement=program.sessions_per_engagement,
        focus=_labels(program.focus_themes, THEME_LABELS),
        proposed_signals=tuple(
            label for name, label in SIGNAL_LABELS.items() if getattr(program, name)
        ),
    )


def _with_counts(qs: QuerySet[Program]) -> QuerySet[Program]:
    return qs.select_related("organization", "practice").annotate(
        taken=Count("seat_rows", distinct=True),
        filled=Count("seat_rows", filter=Q(seat_rows__engagement__isnull=False), distinct=True),
    )


def _counts(program: Program) -> tuple[int, int]:
    """Seats taken and filled, as ``_with_counts`` annotated them."""
    return program.taken, program.filled  # type: ignore[attr-defined]


def programs_run_by(viewer: User) -> list[ProgramRow]:
    roles = roles_of(viewer)
    qs = Program.objects.all()
    if not roles.is_staff:
        qs = qs.filter(organization__in=[o.id for o in roles.sponsor_organizations])
    return [_program_row(p, *_counts(p)) for p in _with_counts(qs)]


def program_for(
    viewer: User, code: UUID | str, *, sponsor_only: bool = False
) -> tuple[Program, ProgramRow]:
    """The program for a sponsor of its organization or staff (``sponsor_only``: not
    staff), with its row; 404 (audited) for anyone else."""
    program = _with_counts(Program.objects.filter(code=code)).first()
    allowed = program is not None and (
        any(o.id == program.organization_id for o in roles_of(viewer).sponsor_organizations)
        if sponsor_only
        else _runs(viewer, program.organization_id)
    )
    if program is None or not allowed:
        raise deny(viewer, "programs.program", code)
    return program, _program_row(program, *_counts(program))


@dataclass(frozen=True)
class SeatRow:
    name: str
    email: str
    stage: str


def program_seats(viewer: User, program: Program) -> list[SeatRow]:
    """The leaders invited, and how far they are: invited, joined, has a coach."""
    if not _runs(viewer, program.organization_id):
        raise deny(viewer, "programs.program", program.code)
    rows = []
    for seat in program.seat_rows.select_related("leader").order_by("created_at"):
        if seat.engagement_id is not None:
            stage = "Has a coach"
        elif seat.leader_id is not None:
            stage = "Joined; choosing a coach"
        else:
            stage = "Invitation sent"
        rows.append(SeatRow(name=seat.leader_display, email=seat.invited_email, stage=stage))
    return rows


# --- Leaders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderSeatRow:
    code: str
    program: str
    organization: str
    starts_on: date
    ends_on: date
    has_profile: bool
    engagement_code: str | None


def seats_of_leader(viewer: User) -> list[LeaderSeatRow]:
    seats = Seat.objects.filter(leader=viewer).select_related(
        "program__organization", "engagement", "profile"
    )
    return [
        LeaderSeatRow(
            code=str(s.code),
            program=s.program.name,
            organization=s.program.organization.name,
            starts_on=s.program.starts_on,
            ends_on=s.program.ends_on,
            has_profile=hasattr(s, "profile"),
            engagement_code=str(s.engagement.code) if s.engagement else None,
        )
        for s in seats
    ]


def seat_for_leader(viewer: User, code: UUID | str) -> Seat:
    """The leader's own seat; 404 (audited) for anyone else, its sponsor included."""
    seat = Seat.objects.select_related("program", "engagement").filter(code=code).first()
    if seat is None or seat.leader_id is None or seat.leader_id != viewer.id:
        raise deny(viewer, "programs.seat", code)
    return seat


def matching_profile_of(seat: Seat) -> MatchingProfile | None:
    """The seat's profile, for its leader (the seat came through ``seat_for_leader``)."""
    return MatchingProfile.objects.filter(seat=seat).first()


@dataclass(frozen=True)
class ProposalRow:
    """A coach proposed to a leader, as the leader reads it."""

    code: str
    coach_name: str
    bio: str
    years_experience: int
    languages: tuple[str, ...]
    focus: tuple[str, ...]
    reasons: tuple[str, ...]
    status: str
    status_label: str
    call_at: datetime | None = None  # a chemistry call booked with this coach


def proposals_for_seat(seat: Seat) -> list[ProposalRow]:
    """The latest round of proposals, and the coach chosen (if any), for the seat's
    leader (the seat came through ``seat_for_leader``)."""
    proposals = list(
        seat.proposals.select_related("coach", "chemistry_call").order_by("-round", "rank")
    )
    if not proposals:
        return []
    latest = proposals[0].round
    shown = [
        p
        for p in proposals
        if p.round == latest or p.status in {ProposalStatus.CHOSEN, ProposalStatus.ACCEPTED}
    ]
    profiles = {
        p.coach_id: p
        for p in CoachProfile.objects.filter(
            practice_id=seat.program.practice_id, coach_id__in=[p.coach_id for p in shown]
        )
    }
    rows = []
    for p in shown:
        profile = profiles.get(p.coach_id)
        rows.append(
            ProposalRow(
                code=str(p.code),
                coach_name=p.coach.name,
                bio=profile.bio if profile else "",
                years_experience=profile.years_experience if profile else 0,
                languages=_labels(profile.languages, LANGUAGE_LABELS) if profile else (),
                focus=_labels(profile.focus_areas, THEME_LABELS) if profile else (),
                reasons=tuple(p.reasons),
                status=p.status,
                status_label=ProposalStatus(p.status).label,
                call_at=_call_of(p),
            )
        )
    return rows


def _call_of(proposal: Proposal) -> datetime | None:
    try:
        return proposal.chemistry_call.scheduled_for
    except ChemistryCall.DoesNotExist:
        return None


def proposal_for(viewer: User, code: UUID | str, *, as_coach: bool) -> Proposal:
    """A proposal for its leader (``as_coach=False``) or for the coach proposed;
    404 (audited) for anyone else."""
    proposal = (
        Proposal.objects.select_related("seat", "seat__program", "seat__leader", "coach")
        .filter(code=code)
        .first()
    )
    allowed = proposal is not None and (
        proposal.coach_id == viewer.id if as_coach else proposal.seat.leader_id == viewer.id
    )
    if not allowed:
        raise deny(viewer, "programs.proposal", code)
    assert proposal is not None
    return proposal


# --- Coaches --------------------------------------------------------------------------


def coach_practices(viewer: User) -> list[Practice]:
    return list(roles_of(viewer).coach_practices)


def roster_profile_of(viewer: User, practice: Practice) -> CoachProfile | None:
    """The viewer's own roster profile in a practice they coach in."""
    if practice.id not in {p.id for p in roles_of(viewer).coach_practices}:
        raise deny(viewer, "programs.coachprofile", practice.code)
    return CoachProfile.objects.filter(coach=viewer, practice=practice).first()


@dataclass(frozen=True)
class RosterRow:
    """A roster entry as staff see it: no biography (the coach's words), only the
    lists, capacity and how many coachees the coach has now."""

    practice: str
    coach_name: str
    focus: tuple[str, ...]
    languages: tuple[str, ...]
    time_zone: str
    years_experience: int
    capacity: int
    load: int


def roster_for_staff(viewer: User) -> list[RosterRow]:
    """Every practice's roster, for staff only (404 for anyone else)."""
    if not roles_of(viewer).is_staff:
        raise deny(viewer, "programs.coachprofile", "roster")
    profiles = list(
        CoachProfile.objects.select_related("coach", "practice")
        .defer("bio")
        .order_by("practice__name", "coach__name")[:500]
    )
    open_load = Counter(
        Engagement.objects.filter(
            coach_id__in=[p.coach_id for p in profiles],
            status__in=[
                EngagementStatus.PROPOSED,
                EngagementStatus.ACTIVE,
                EngagementStatus.PAUSED,
            ],
        ).values_list("coach_id", "practice_id")
    )
    waiting = Counter(
        Proposal.objects.filter(
            coach_id__in=[p.coach_id for p in profiles], status=ProposalStatus.CHOSEN
        ).values_list("coach_id", "seat__program__practice_id")
    )
    return [
        RosterRow(
            practice=p.practice.name,
            coach_name=p.coach.name,
            focus=_labels(p.focus_areas, THEME_LABELS),
            languages=_labels(p.languages, LANGUAGE_LABELS),
            time_zone=p.time_zone,
            years_experience=p.years_experience,
            capacity=p.capacity,
            load=open_load[(p.coach_id, p.practice_id)] + waiting[(p.coach_id, p.practice_id)],
        )
        for p in profiles
    ]


@dataclass(frozen=True)
class CoachProposalRow:
    code: str
    leader_name: str
    program: str
    organization: str
    status: str
    status_label: str
    call_at: datetime | None = None


def proposals_for_coach(viewer: User) -> list[CoachProposalRow]:
    """Leaders who chose the viewer and wait for their answer, recent answers, and
    leaders who booked a call to meet them."""
    answered = [ProposalStatus.CHOSEN, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED]
    proposals = (
        Proposal.objects.filter(coach=viewer)
        .filter(Q(status__in=answered) | Q(chemistry_call__isnull=False))
        .select_related("seat__leader", "seat__program__organization", "chemistry_call")
        .order_by("status", "-decided_at")[:50]
    )
    return [
        CoachProposalRow(
            code=str(p.code),
            leader_name=p.seat.leader_display,
            program=p.seat.program.name,
            organization=p.seat.program.organization.name,
            status=p.status,
            status_label=ProposalStatus(p.status).label,
            call_at=_call_of(p),
        )
        for p in proposals
    ]


@dataclass(frozen=True)
class MatchingRow:
    """A leader's matching profile as a coach proposed to them reads it."""

    code: str
    themes: tuple[str, ...]
    hopes: str
    languages: tuple[str, ...]
    time_zone: str
    coach_style: str


def matching_profile_for_coach(viewer: User, proposal: Proposal) -> MatchingRow | None:
    """The leader's profile, for a coach proposed to them (the proposal came
    through ``proposal_for(..., as_coach=True)``); 404 for anyone else."""
    if proposal.coach_id != viewer.id:
        raise deny(viewer, "programs.matchingprofile", proposal.code)
    profile = MatchingProfile.objects.filter(seat_id=proposal.seat_id).first()
    if profile is None:
        return None
    return MatchingRow(
        code=str(profile.code),
        themes=_labels(profile.themes, THEME_LABELS),
        hopes=profile.hopes,
        languages=_labels(profile.languages, LANGUAGE_LABELS),
        time_zone=profile.time_zone,
        coach_style=str(CoachStyle(profile.coach_style).label),
    )


def session_for_themes(viewer: User, code: UUID | str) -> tuple[CoachingSession, list[str]]:
    """A coaching session and its themes, for its coach only (through the door)."""
    session, _ = session_get_for(viewer, code, want=Relation.COACH)
    tags = SessionTheme.objects.filter(session=session).values_list("theme", flat=True)
    return session, list(tags)


@dataclass(frozen=True)
class UntaggedSessionRow:
    code: str
    coachee_name: str
    scheduled_for: datetime


def sessions_to_tag(viewer: User, *, days: int = 60) -> list[UntaggedSessionRow]:
    """The viewer's held coaching sessions in program engagements, of the last
    ``days``, that have no theme yet: for the coach, whose tags they are."""
    since = timezone.now() - timedelta(days=days)
    sessions = (
        CoachingSession.objects.filter(
            engagement__coach=viewer,
            engagement__seat__isnull=False,
            status=SessionStatus.HELD,
            scheduled_for__gte=since,
            themes__isnull=True,
        )
        .select_related("engagement__coachee")
        .only("code", "scheduled_for", "engagement__coachee__name")
        .order_by("-scheduled_for")[:20]
    )
    return [
        UntaggedSessionRow(
            code=str(x.code),
            coachee_name=x.engagement.coachee.name if x.engagement.coachee else "",
            scheduled_for=x.scheduled_for,
        )
        for x in sessions
    ]


def pulse_request_get_for(viewer: User, code: UUID | str) -> PulseRequest:
    """A pulse request for its coachee only (through the door)."""
    request, _ = get_for(
        viewer,
        PulseRequest,
        code,
        want=Relation.COACHEE,
        queryset=PulseRequest.objects.select_related("engagement"),
    )
    return cast(PulseRequest, request)


def program_engagements_of_coachee(viewer: User) -> list[Engagement]:
    """The coachee's engagements that belong to a program (for their pulses)."""
    seats = Seat.objects.filter(leader=viewer, engagement__coachee=viewer).select_related(
        "engagement"
    )
    return [s.engagement for s in seats if s.engagement is not None]


# --- The cohort dashboard ------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def program_windows(program: Program) -> list[c.Window]:
    return _windows(program.starts_on, program.ends_on, "Whole program")


def _windows(starts_on: date, ends_on: date, whole: str) -> list[c.Window]:
    """The whole date range, then each of its quarters (at most twelve)."""
    fmt = "%-d %b %Y"
    windows = [
        c.Window("all", starts_on, ends_on, f"{whole} ({starts_on:{fmt}} – {ends_on:{fmt}})")
    ]
    start, n = starts_on, 1
    while start <= ends_on and n <= 12:
        end = min(_add_months(start, 3) - timedelta(days=1), ends_on)
        first = 3 * (n - 1) + 1
        windows.append(
            c.Window(
                f"q{n}", start, end, f"Months {first}–{first + 2} ({start:{fmt}} – {end:{fmt}})"
            )
        )
        start, n = end + timedelta(days=1), n + 1
    return windows


@dataclass(frozen=True)
class _Terms:
    status: bool
    attendance: bool
    session_count: int
    change360: bool = False
    goal_progress: bool = False


def _terms_in_force(engagement_ids: list[int]) -> dict[int, _Terms]:
    """What the agreement in force (the newest version the coachee accepted) of each
    engagement shares with the sponsor: flags and a count only, no text decrypted."""
    found: dict[int, _Terms] = {}
    rows = (
        Agreement.objects.filter(engagement_id__in=engagement_ids, accepted_at__isnull=False)
        .order_by("engagement_id", "-version")
        .values_list(
            "engagement_id",
            "sponsor_sees_status",
            "sponsor_sees_attendance",
            "session_count",
            "sponsor_sees_360_change",
            "sponsor_sees_goal_progress",
        )
    )
    for engagement_id, status, attendance, count, change360, goals in rows:
        found.setdefault(engagement_id, _Terms(status, attendance, count, change360, goals))
    return found


def _changes_of(engagement_ids: list[int]) -> dict[int, tuple[tuple[str, float], ...]]:
    """The 360 change per focus area of the engagements given (those whose agreement
    in force shares it), only for those released to the cohort in batches of three
    or more (``cohort.released_in_batches``): focus area key and change, nothing more."""
    changes = others_changes(engagement_ids)
    released = c.released_in_batches((eid, x.released_at) for eid, x in changes.items())
    return {
        eid: tuple((key, value) for key, _title, value in x.areas)
        for eid, x in changes.items()
        if eid in released
    }


def cohort_members(program: Program) -> list[c.Member]:
    """The program's coachees as the sponsor may count them: only engagements whose
    coachee accepted an agreement, each signal only where that agreement shares it.
    A fixed number of queries, however large the cohort."""
    seats = (
        Seat.objects.filter(program=program, engagement__isnull=False)
        .order_by()
        .select_related("engagement")
        .only(
            "engagement__id",
            "engagement__status",
            "engagement__started_at",
            "engagement__ended_at",
        )
    )
    engagements = [s.engagement for s in seats if s.engagement is not None]
    agreements = _terms_in_force([e.id for e in engagements])
    engagements = [e for e in engagements if e.id in agreements]
    attending = [e.id for e in engagements if agreements[e.id].attendance]
    sessions = _sessions_of(attending)
    themes = _themes_of([e.id for e in engagements])
    goals = goal_progress_where_shared(e.id for e in engagements if agreements[e.id].goal_progress)
    changes = _changes_of([e.id for e in engagements if agreements[e.id].change360])
    members = []
    for e in engagements:
        terms = agreements[e.id]
        progress = [g["progress"] for g in goals.get(e.id, [])]
        members.append(
            c.Member(
                id=e.id,
                started_on=e.started_at.date() if e.started_at else None,
                ended_on=e.ended_at.date() if e.ended_at else None,
                status=e.status if terms.status else None,
                attendance=terms.attendance,
                contracted=terms.session_count,
                sessions=tuple(sessions.get(e.id, ())),
                themes=tuple(themes.get(e.id, ())),
                goal_progress=sum(progress) / len(progress) if progress else None,
                changes360=changes.get(e.id, ()),
            )
        )
    return members


def program_cohort(
    program: Program, areas: list[tuple[str, str]] | None = None
) -> tuple[c.Cohort, list[c.Window]]:
    windows = program_windows(program)
    areas = rater_focus_areas() if areas is None else areas
    cohort = c.Cohort(
        cohort_members(program),
        windows,
        themes=list(Theme.values),
        statuses=[str(s) for s in COHORT_STATUSES],
        areas=[key for key, _ in areas],
        change_window=windows[0].key,
    )
    return cohort, windows


@dataclass(frozen=True)
class EstimateRow:
    """A figure the sponsor entered, always shown as their estimate."""

    code: str
    label: str
    value: str
    unit: str


def program_estimates(viewer: User, program: Program) -> list[EstimateRow]:
    if not _runs(viewer, program.organization_id):
        raise deny(viewer, "programs.program", program.code)
    return [
        EstimateRow(code=str(e.code), label=e.label, value=f"{e.value.normalize():f}", unit=e.unit)
        for e in program.estimates.order_by("created_at")
    ]


def estimate_for(viewer: User, code: UUID | str) -> ProgramEstimate:
    """An estimate for a sponsor of its program's organization (who may remove it);
    404 for anyone else, staff included: the figures are the sponsor's."""
    estimate = ProgramEstimate.objects.select_related("program").filter(code=code).first()
    sponsored = [o.id for o in roles_of(viewer).sponsor_organizations]
    if estimate is None or estimate.program.organization_id not in sponsored:
        raise deny(viewer, "programs.programestimate", code)
    return estimate


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    value: int | None  # None: hidden (fewer than three, or derivable from what is shown)


@dataclass(frozen=True)
class AttendanceFigure:
    n: int | None
    held: int | None
    missed: int | None
    contracted: int | None
    rate: int | None  # % of sessions held out of held and missed


@dataclass(frozen=True)
class GoalsFigure:
    n: int | None
    median: int | None
    lower: int | None
    upper: int | None


@dataclass(frozen=True)
class ChangeRow:
    """One focus area's 360 change across the cohort: others' average rating, after
    minus before, averaged over the coachees counted (n)."""

    key: str
    label: str
    n: int | None  # None: hidden
    change: float | None  # None: hidden, or nobody (n = 0)

    @property
    def signed(self) -> str:
        return "" if self.change is None else f"{self.change:+.1f}"


@dataclass(frozen=True)
class ChangeFigure:
    """The 360 change section: always the whole program (its own date range)."""

    window_label: str
    start: date
    end: date
    rows: tuple[ChangeRow, ...]

    @property
    def any_shown(self) -> bool:
        return any(r.n for r in self.rows)

    @property
    def any_hidden(self) -> bool:
        return any(r.n is None for r in self.rows)


@dataclass(frozen=True)
class PulseFigure:
    moment: str
    n: int | None
    up_to: date | None
    usefulness: float | None
    recommend: int | None
    coach_fit: float | None


@dataclass(frozen=True)
class Dashboard:
    """Everything the sponsor's dashboard shows: counts and figures only."""

    program: ProgramRow
    window_key: str
    window_label: str
    start: date
    end: date
    theme: str
    status: str
    filters: tuple[str, ...]
    status_n: int | None
    statuses: tuple[CountRow, ...]
    attendance: AttendanceFigure
    goals: GoalsFigure
    themes: tuple[CountRow, ...]
    pulses: tuple[PulseFigure, ...]
    something_hidden: bool
    windows: tuple[tuple[str, str], ...]
    change360: ChangeFigure


def _pulse_figures(answers: QuerySet[PulseAnswer], today: date) -> tuple[PulseFigure, ...]:
    """Per moment, over answers of closed months only, released at month ends where
    three or more answers arrived since the last release: a new figure never differs
    from the one before it by fewer than three people's answers."""
    this_month = today.replace(day=1)
    months: dict[str, list[tuple[date, int, int, int, int]]] = defaultdict(list)
    for moment, month, n, useful, rec, fit in (
        answers.filter(month__lt=this_month)
        .values("moment", "month")
        .annotate(
            n=Count("id"),
            useful=Sum("usefulness"),
            rec=Count("id", filter=Q(recommend=True)),
            fit=Sum("coach_fit"),
        )
        .order_by("moment", "month")
        .values_list("moment", "month", "n", "useful", "rec", "fit")
    ):
        months[moment].append((month, n, useful, rec, fit))
    figures = []
    for moment, label in PulseMoment.choices:
        total = [0, 0, 0, 0]
        released: tuple[date, list[int]] | None = None
        since = 0
        for month, n, useful, rec, fit in months.get(moment, []):
            total = [total[0] + n, total[1] + useful, total[2] + rec, total[3] + fit]
            since += n
            if total[0] >= c.K and since >= c.K:
                released, since = (_month_end(month), list(total)), 0
        if released is None:
            figures.append(PulseFigure(str(label), None, None, None, None, None))
            continue
        up_to, (n, useful, rec, fit) = released
        figures.append(
            PulseFigure(
                moment=str(label),
                n=n,
                up_to=up_to,
                usefulness=round(useful / n, 1),
                recommend=c.round_to(100 * rec / n),
                coach_fit=round(fit / n, 1),
            )
        )
    return tuple(figures)


def _month_end(month: date) -> date:
    return _add_months(month, 1) - timedelta(days=1)


def program_dashboard(
    viewer: User, code: UUID | str, *, window: str = "all", theme: str = "", status: str = ""
) -> Dashboard:
    """The cohort dashboard of a program for its sponsors (and staff) under the
    filters asked for; 404 for anyone else. Every figure passes the rules of
    ``cohort``; a hidden one reads as None."""
    program, row = program_for(viewer, code)
    areas = rater_focus_areas()
    cohort, windows = program_cohort(program, areas)
    keys = {w.key: w for w in windows}
    w = keys.get(window, windows[0])
    theme = theme if theme in Theme.values else c.ANY
    status = status if status in cohort.statuses else c.ANY
    combo = c.Combo(w.key, theme, status)
    statuses = tuple(
        CountRow(s, str(EngagementStatus(s).label), cohort.count(combo, c.STATUS_PREFIX + s))
        for s in cohort.statuses
    )
    themes = tuple(
        CountRow(t, str(THEME_LABELS[t]), cohort.count(combo, c.THEME_PREFIX + t))
        for t in Theme.values
    )
    att = cohort.attendance(combo)
    if att is None:
        attendance = AttendanceFigure(None, None, None, None, None)
    else:
        n, held, missed, contracted = att
        rate = round(100 * held / (held + missed)) if held + missed else None
        attendance = AttendanceFigure(n, held, missed, contracted, rate)
    goals_fig = cohort.goals(combo)
    goals = GoalsFigure(*goals_fig) if goals_fig else GoalsFigure(None, None, None, None)
    status_n = cohort.count(combo, c.STATUS_N)
    change360 = _change_figure(cohort, windows[0], theme, status, areas)
    hidden = (
        any(r.value is None for r in statuses + themes)
        or status_n is None
        or (attendance.n is None and len(cohort.cell(combo, c.ATTENDANCE)) > 0)
        or (goals.n is None and len(cohort.cell(combo, c.GOALS)) > 0)
        or change360.any_hidden
    )
    filters = []
    if theme:
        filters.append(f"Theme: {THEME_LABELS[theme]}")
    if status:
        filters.append(f"Status: {EngagementStatus(status).label}")
    return Dashboard(
        program=row,
        window_key=w.key,
        window_label=w.label,
        start=w.start,
        end=w.end,
        theme=theme,
        status=status,
        filters=tuple(filters),
        status_n=status_n,
        statuses=statuses,
        attendance=attendance,
        goals=goals,
        themes=themes,
        pulses=_pulse_figures(PulseAnswer.objects.filter(program=program), timezone.localdate()),
        something_hidden=hidden,
        windows=tuple((x.key, x.label) for x in windows),
        change360=change360,
    )


def _change_figure(
    cohort: c.Cohort, whole: c.Window, theme: str, status: str, areas: list[tuple[str, str]]
) -> ChangeFigure:
    """The 360 change per focus area under the theme and status filters, over the
    whole program whatever date range is asked for (see ``cohort``)."""
    combo = c.Combo(whole.key, theme, status)
    rows = []
    for key, title in areas:
        fig = cohort.change360(combo, key)
        n, change = fig if fig is not None else (None, None)
        rows.append(ChangeRow(key=key, label=title, n=n, change=change))
    return ChangeFigure(
        window_label=whole.label, start=whole.start, end=whole.end, rows=tuple(rows)
    )


# --- The practice's own view across its coaches -----------------------------------------


@dataclass(frozen=True)
class PracticeRow:
    code: str
    name: str


def practices_viewable(viewer: User) -> list[PracticeRow]:
    """The practices whose view the viewer may open: those they coach in; every
    practice for staff."""
    roles = roles_of(viewer)
    practices = Practice.objects.order_by("name") if roles.is_staff else roles.coach_practices
    return [PracticeRow(code=str(p.code), name=p.name) for p in practices]


def practice_for(viewer: User, code: UUID | str) -> Practice:
    """The practice for its coaches and staff; 404 (audited) for anyone else."""
    roles = roles_of(viewer)
    practice = Practice.objects.filter(code=code).first()
    allowed = practice is not None and (
        roles.is_staff or any(p.id == practice.id for p in roles.coach_practices)
    )
    if practice is None or not allowed:
        raise deny(viewer, "accounts.practice", code)
    return practice


def _sessions_of(engagement_ids: list[int]) -> dict[int, list[tuple[date, str]]]:
    """Held and missed coaching sessions per engagement: day and status only."""
    sessions: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for eid, when, status in (
        CoachingSession.objects.filter(
            engagement_id__in=engagement_ids,
            status__in=[SessionStatus.HELD, SessionStatus.NO_SHOW],
        )
        .order_by()
        .values_list("engagement_id", "scheduled_for", "status")
    ):
        sessions[eid].append((when.date(), status))
    return sessions


def _themes_of(engagement_ids: list[int]) -> dict[int, list[tuple[date, str]]]:
    """The themes tagged on held coaching sessions per engagement: day and tag only."""
    themes: dict[int, list[tuple[date, str]]] = defaultdict(list)
    # The held coaching sessions as a subquery: joined instead, SQLite walks every held
    # session of the installation.
    held = CoachingSession.objects.filter(
        engagement_id__in=engagement_ids, status=SessionStatus.HELD
    ).values("id")
    for eid, when, theme in (
        SessionTheme.objects.filter(session__in=held)
        .order_by()
        .values_list("session__engagement_id", "session__scheduled_for", "theme")
    ):
        themes[eid].append((when.date(), theme))
    return themes


def practice_windows(today: date) -> list[c.Window]:
    return _windows(_add_months(today, -12) + timedelta(days=1), today, "Last 12 months")


def practice_cohort(
    practice: Practice, today: date, *, known_coach: int | None = None
) -> tuple[c.Cohort, list[c.Window]]:
    """The practice's started engagements, every coach's, as a cohort: status,
    coaching sessions and themes (goal progress stays between coach and coachee).
    ``known_coach``: a reader who knows their own coachees (rule 4 of ``cohort``).
    A fixed number of queries, however large the practice."""
    engagements = list(
        Engagement.objects.filter(
            practice=practice, started_at__isnull=False, status__in=COHORT_STATUSES
        )
        .order_by()
        .only("id", "coach_id", "status", "started_at", "ended_at")
    )
    ids = [e.id for e in engagements]
    terms = _terms_in_force(ids)
    sessions = _sessions_of(ids)
    themes = _themes_of(ids)
    members = [
        c.Member(
            id=e.id,
            started_on=e.started_at.date() if e.started_at else None,
            ended_on=e.ended_at.date() if e.ended_at else None,
            status=e.status,
            attendance=True,
            contracted=terms[e.id].session_count if e.id in terms else 0,
            sessions=tuple(sessions.get(e.id, ())),
            themes=tuple(themes.get(e.id, ())),
        )
        for e in engagements
    ]
    windows = practice_windows(today)
    known = [e.id for e in engagements if known_coach is not None and e.coach_id == known_coach]
    cohort = c.Cohort(
        members,
        windows,
        themes=list(Theme.values),
        statuses=[str(s) for s in COHORT_STATUSES],
        known=known,
    )
    return cohort, windows


@dataclass(frozen=True)
class PracticeView:
    """Everything the practice's view shows: counts and figures only."""

    practice: PracticeRow
    window_key: str
    window_label: str
    start: date
    end: date
    theme: str
    status: str
    filters: tuple[str, ...]
    status_n: int | None
    statuses: tuple[CountRow, ...]
    attendance: AttendanceFigure
    themes: tuple[CountRow, ...]
    pulses: tuple[PulseFigure, ...]
    something_hidden: bool
    windows: tuple[tuple[str, str], ...]


def practice_view(
    viewer: User, code: UUID | str, *, window: str = "all", theme: str = "", status: str = ""
) -> PracticeView:
    """The practice's view across its coaches, for its coaches and staff under the
    filters asked for; 404 for anyone else. Every figure passes the rules of
    ``cohort``, a coach's own coachees counted as known to them; a hidden one reads
    as None."""
    practice = practice_for(viewer, code)
    today = timezone.localdate()
    coaches_here = any(p.id == practice.id for p in roles_of(viewer).coach_practices)
    cohort, windows = practice_cohort(
        practice, today, known_coach=viewer.id if coaches_here else None
    )
    w = {x.key: x for x in windows}.get(window, windows[0])
    theme = theme if theme in Theme.values else c.ANY
    status = status if status in cohort.statuses else c.ANY
    combo = c.Combo(w.key, theme, status)
    statuses = tuple(
        CountRow(s, str(EngagementStatus(s).label), cohort.count(combo, c.STATUS_PREFIX + s))
        for s in cohort.statuses
    )
    themes = tuple(
        CountRow(t, str(THEME_LABELS[t]), cohort.count(combo, c.THEME_PREFIX + t))
        for t in Theme.values
    )
    att = cohort.attendance(combo)
    if att is None:
        attendance = AttendanceFigure(None, None, None, None, None)
    else:
        n, held, missed, contracted = att
        rate = round(100 * held / (held + missed)) if held + missed else None
        attendance = AttendanceFigure(n, held, missed, contracted, rate)
    status_n = cohort.count(combo, c.STATUS_N)
    hidden = (
        any(r.value is None for r in statuses + themes)
        or status_n is None
        or (attendance.n is None and len(cohort.cell(combo, c.ATTENDANCE)) > 0)
    )
    filters = []
    if theme:
        filters.append(f"Theme: {THEME_LABELS[theme]}")
    if status:
        filters.append(f"Status: {EngagementStatus(status).label}")
    return PracticeView(
        practice=PracticeRow(code=str(practice.code), name=practice.name),
        window_key=w.key,
        window_label=w.label,
        start=w.start,
        end=w.end,
        theme=theme,
        status=status,
        filters=tuple(filters),
        status_n=status_n,
        statuses=statuses,
        attendance=attendance,
        themes=themes,
        pulses=_pulse_figures(PulseAnswer.objects.filter(program__practice=practice), today),
        something_hidden=hidden,
        windows=tuple((x.key, x.label) for x in windows),
    )
