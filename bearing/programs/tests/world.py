"""A program around the test world (``bearing.testing.make_world``): Acme's
program with Northstar's roster, the world's coachee in a seat with a matching
profile, two coaches proposed and the world's coach chosen; and an earlier
program in which the world's engagement was matched, with a pulse asked of it.
Built on demand (idempotent), inside a test."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from bearing.programs.models import (
    CoachProfile,
    MatchingProfile,
    Program,
    ProgramEstimate,
    Proposal,
    ProposalStatus,
    PulseMoment,
    PulseRequest,
    Seat,
)


def program_world(w) -> SimpleNamespace:
    p = SimpleNamespace()
    today = timezone.localdate()
    p.program, _ = Program.objects.get_or_create(
        organization=w.organization,
        practice=w.practice,
        name="Leaders of tomorrow",
        defaults={
            "starts_on": today - timedelta(days=120),
            "ends_on": today + timedelta(days=245),
            "seats": 10,
            "sessions_per_engagement": 8,
            "focus_themes": ["delegation", "presence"],
            "created_by": w.sponsor,
        },
    )
    for coach, tz in ((w.coach, "Europe/London"), (w.other_coach, "America/New_York")):
        CoachProfile.objects.get_or_create(
            coach=coach,
            practice=w.practice,
            defaults={
                "bio": f"{coach.name} coaches leaders.",
                "focus_areas": ["delegation", "conflict"],
                "languages": ["en"],
                "time_zone": tz,
                "years_experience": 10,
                "capacity": 8,
            },
        )
    p.seat, _ = Seat.objects.get_or_create(
        program=p.program,
        invited_email=w.coachee.email,
        defaults={"leader": w.coachee, "invited_name": w.coachee.name},
    )
    p.profile, _ = MatchingProfile.objects.get_or_create(
        seat=p.seat,
        defaults={
            "themes": ["delegation"],
            "hopes": "I want to let go of the detail.",
            "languages": ["en"],
            "time_zone": "America/New_York",
        },
    )
    p.proposal, _ = Proposal.objects.get_or_create(
        seat=p.seat,
        coach=w.coach,
        round=1,
        defaults={
            "rank": 1,
            "score": 30,
            "reasons": ["Works on delegation, as you asked."],
            "status": ProposalStatus.CHOSEN,
        },
    )
    p.other_proposal, _ = Proposal.objects.get_or_create(
        seat=p.seat,
        coach=w.other_coach,
        round=1,
        defaults={"rank": 2, "score": 20, "reasons": ["Coaches in English."]},
    )
    # An earlier program in which the world's engagement was matched: its pulse.
    p.earlier, _ = Program.objects.get_or_create(
        organization=w.organization,
        practice=w.practice,
        name="Earlier cohort",
        defaults={
            "starts_on": today - timedelta(days=200),
            "ends_on": today + timedelta(days=165),
            "seats": 3,
            "created_by": w.sponsor,
        },
    )
    Seat.objects.get_or_create(
        program=p.earlier,
        invited_email=w.coachee.email,
        defaults={"leader": w.coachee, "engagement": w.engagement},
    )
    p.pulse, _ = PulseRequest.objects.get_or_create(
        engagement=w.engagement, moment=PulseMoment.MONTH_THREE
    )
    p.estimate, _ = ProgramEstimate.objects.get_or_create(
        program=p.program, label="Internal promotions", defaults={"value": 4, "unit": "people"}
    )
    return p


def first_of_month(day: date) -> date:
    return day.replace(day=1)
