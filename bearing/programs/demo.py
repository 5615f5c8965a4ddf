"""Demo data for programs: Halcyon's leadership program with Northstar's roster, in
which Daniel, Sofia and Hannah were matched with their coaches and Tom waits to
accept his agreement; their held coaching sessions carry themes. Priya (the
sponsor) then sees a cohort dashboard over three coachees."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bearing.accounts.models import Organization, Practice, User
from bearing.engagements.models import Engagement, SessionStatus

from . import services as s
from .models import Program, Proposal, ProposalStatus, Seat, SessionTheme

ROSTER = {
    "coach@demo.bearing": (
        "Former operations director; coaches leaders stepping into larger roles.",
        ["delegation", "presence", "transition"],
        ["en", "fr"],
        14,
        8,
    ),
    "coach2@demo.bearing": (
        "Coaches finance and technology leaders through change.",
        ["team", "conflict", "resilience"],
        ["en", "de"],
        9,
        6,
    ),
}
# The themes each coachee's coach tagged on their held coaching sessions, in turn.
THEMES = [["delegation"], ["presence", "stakeholders"], ["delegation", "team"]]


def demo_program(
    *, practice: Practice, organization: Organization, sponsor: User, engagements: list[Engagement]
) -> Program:
    today = timezone.localdate()
    for email, (bio, focus, languages, years, capacity) in ROSTER.items():
        coach = User.objects.get(email=email)
        s.coach_profile_save(
            coach=coach,
            practice=practice,
            bio=bio,
            focus_areas=focus,
            languages=languages,
            time_zone=coach.time_zone,
            years_experience=years,
            capacity=capacity,
        )
    program = s.program_create(
        by=sponsor,
        organization=organization,
        practice=practice,
        name="Halcyon leaders 2026",
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=245),
        seats=8,
        sessions_per_engagement=10,
        focus_themes=["delegation", "presence", "transition"],
        sponsor_sees_goal_progress=True,
        sponsor_sees_360_change=True,
    )
    for engagement in engagements:
        assert engagement.coachee is not None
        seat = Seat.objects.create(
            program=program,
            leader=engagement.coachee,
            invited_email=engagement.coachee.email,
            invited_name=engagement.coachee.name,
            engagement=engagement,
        )
        Proposal.objects.create(
            seat=seat,
            coach=engagement.coach,
            rank=1,
            score=30,
            reasons=["Works on what you asked for."],
            status=ProposalStatus.ACCEPTED,
            decided_at=engagement.created_at,
        )
        held = engagement.sessions.filter(status=SessionStatus.HELD)
        for n, session in enumerate(held):
            for theme in THEMES[n % len(THEMES)]:
                SessionTheme.objects.create(
                    session=session, theme=theme, tagged_by=engagement.coach
                )
    return program
