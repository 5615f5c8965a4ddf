"""Demo data that tells a story a coach recognises.

Northstar Coaching has two coaches. Halcyon Logistics sponsors three leaders
with Clara Okafor, at different stages, and one with Marcus Lindqvist — who
must see nothing of Clara's leaders. Times are relative to now.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bearing.accounts.factors import device_add_known
from bearing.accounts.models import (
    Membership,
    Organization,
    Practice,
    PracticeOrganization,
    Role,
    User,
)
from bearing.engagements.models import (
    Action,
    Agreement,
    CoachingSession,
    Engagement,
    EngagementStatus,
    PrivateNote,
    SessionStatus,
)
from bearing.growth.models import (
    CheckIn,
    CheckInRhythm,
    Goal,
    KeyResult,
    Milestone,
    ProgressSummary,
    Reading,
    Win,
)
from bearing.insight import queries as insight_queries
from bearing.insight import services as insight
from bearing.practice.demo import demo_practice
from bearing.programs.demo import demo_program
from bearing.rehearsals.demo import demo_rehearsals

DEMO_PASSWORD = "bearing-demo-2026"
# Coaches, sponsors and staff sign in with a second factor. The demo's authenticator
# secret is published (README, `manage.py demo_code`), like the password: demo data
# only, never for real people.
DEMO_TOTP_SECRET = "BEARINGDEMOSECRETBEARINGDEMOKEYS"
DEMO_CODE_HINT = (
    "Coach, sponsor and staff accounts then ask for a code: add the key "
    f"{DEMO_TOTP_SECRET} to an authenticator app, or run `manage.py demo_code`."
)

DEMO_LOGINS = [
    ("coach", "coach@demo.bearing", "Clara Okafor: three coachees at different stages"),
    ("second coach", "coach2@demo.bearing", "Marcus Lindqvist: his own coachee only"),
    ("coachee", "leader@demo.bearing", "Daniel Mensah: next session, agenda, actions"),
    ("sponsor", "sponsor@demo.bearing", "Priya Raman: status and attendance only"),
    ("staff", "staff@demo.bearing", "people and organizations, no confidential content"),
]

DANIEL_SESSIONS = [
    # (days from now, agenda outcome, measure, why, shared notes, private note)
    (
        -98,
        "Get clear on what the new VP Operations role needs from me "
        "that the director role did not.",
        "Three things I will stop doing, written down.",
        "I start the role on Monday and I am still doing my old job.",
        "Daniel named three things to let go of: approving every overtime request, the weekly "
        "depot walk-round, and writing the monthly ops report himself. First step: talk to Aisha "
        "about owning the report.",
        "Strong self-awareness, quick to see the pattern. Watch: he frames letting go as losing "
        "control. Come back to what 'control' means to him.",
    ),
    (
        -70,
        "Prepare the conversation with Aisha about owning the monthly report.",
        "I can open the conversation in two sentences without apologising.",
        "The first report under her name is due at month end.",
        "Rehearsed the opening. Daniel noticed he over-explains when he feels guilty about "
        "delegating. Agreed he will ask Aisha what support she wants rather than offering it all.",
        "He laughed when he caught himself apologising — good sign. Energy higher than last time.",
    ),
    (
        -42,
        "Decide how to handle the conflict between the Leeds and Bristol depot managers.",
        "A plan I would be comfortable explaining to both of them.",
        "It is starting to affect delivery times and people are taking sides.",
        "Explored what each manager needs. Daniel chose to meet them together, with a clear "
        "shared measure (on-time dispatch), instead of deciding for them.",
        "Noticed a rescuer pattern: he wants to fix it for them. Named it gently; he took it well. "
        "Possible theme for the 360 later.",
    ),
    (
        -14,
        "Look back at the first 90 days and choose the focus for the next quarter.",
        "One focus area and one measure I will track.",
        "The mid-point review with Priya and the COO is next month.",
        "Wins: the report handover worked, the depot meeting happened. Next focus: executive "
        "presence in the leadership team — speaking first on strategic items.",
        "He undersells the wins. Next time: ask him to say them out loud before anything else.",
    ),
]


def _user(email: str, name: str, tz: str = "Europe/London") -> User:
    return User.objects.create_user(email, DEMO_PASSWORD, name=name, time_zone=tz)


def _session(engagement, *, days: float, status, hour: int = 9, **fields) -> CoachingSession:
    when = (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return CoachingSession.objects.create(
        engagement=engagement,
        scheduled_for=when,
        status=status,
        duration_minutes=60,
        location="Video call",
        attendance_marked_at=when + timedelta(hours=1)
        if status != SessionStatus.SCHEDULED
        else None,
        **fields,
    )


def _engagement(
    *,
    coach,
    coachee,
    practice,
    org,
    sponsor,
    title,
    status,
    started_days,
    objectives,
    accepted=True,
    **agreement,
) -> Engagement:
    now = timezone.now()
    engagement = Engagement.objects.create(
        practice=practice,
        organization=org,
        coach=coach,
        coachee=coachee,
        sponsor=sponsor,
        title=title,
        status=status,
        created_at=now - timedelta(days=started_days + 7),
        started_at=now - timedelta(days=started_days)
        if status != EngagementStatus.PROPOSED
        else None,
    )
    Agreement.objects.create(
        engagement=engagement,
        version=1,
        objectives=objectives,
        created_by=coach,
        created_at=now - timedelta(days=started_days + 7),
        accepted_at=now - timedelta(days=started_days + 1) if accepted else None,
        accepted_by=coachee if accepted else None,
        sponsor_acknowledged_at=now - timedelta(days=started_days) if accepted else None,
        **agreement,
    )
    return engagement


@transaction.atomic
def build_demo() -> dict:
    today = timezone.localdate()
    practice = Practice.objects.create(name="Northstar Coaching")
    org = Organization.objects.create(name="Halcyon Logistics")

    clara = _user("coach@demo.bearing", "Clara Okafor")
    marcus = _user("coach2@demo.bearing", "Marcus Lindqvist", "Europe/Stockholm")
    priya = _user("sponsor@demo.bearing", "Priya Raman")
    daniel = _user("leader@demo.bearing", "Daniel Mensah")
    sofia = _user("sofia@demo.bearing", "Sofia Almeida", "Europe/Lisbon")
    tom = _user("tom@demo.bearing", "Tom Becker", "Europe/Berlin")
    hannah = _user("hannah@demo.bearing", "Hannah Osei")
    staff = _user("staff@demo.bearing", "Sam Operator")

    for coach in (clara, marcus):
        Membership.objects.create(user=coach, role=Role.COACH, practice=practice)
    Membership.objects.create(user=priya, role=Role.SPONSOR, organization=org)
    for leader in (daniel, sofia, tom, hannah):
        Membership.objects.create(user=leader, role=Role.COACHEE, organization=org)
    Membership.objects.create(user=staff, role=Role.STAFF)
    PracticeOrganization.objects.create(practice=practice, organization=org)
    for person in (clara, marcus, priya, staff):
        device_add_known(user=person, secret=DEMO_TOTP_SECRET)

    # (a) Daniel: active, month four.
    daniel_e = _engagement(
        coach=clara,
        coachee=daniel,
        practice=practice,
        org=org,
        sponsor=priya,
        title="Stepping up to VP Operations",
        status=EngagementStatus.ACTIVE,
        started_days=112,
        objectives="Lead through others rather than doing it myself; build presence in the "
        "executive team; keep the depots aligned through the network redesign.",
        cadence="Every two weeks",
        session_count=12,
        sponsor_sees_goal_progress=True,
        sponsor_sees_summaries=True,
    )
    for days, outcome, measure, why, shared, private in DANIEL_SESSIONS:
        session = _session(
            daniel_e,
            days=days,
            status=SessionStatus.HELD,
            agenda_outcome=outcome,
            agenda_measure=measure,
            agenda_why=why,
            agenda_updated_at=timezone.now() + timedelta(days=days - 2),
            shared_notes=shared,
            shared_notes_updated_by=clara,
            shared_notes_updated_at=timezone.now() + timedelta(days=days),
        )
        PrivateNote.objects.create(session=session, author=clara, body=private)
    _session(daniel_e, days=-28, status=SessionStatus.NO_SHOW)
    upcoming = _session(
        daniel_e,
        days=3,
        status=SessionStatus.SCHEDULED,
        hour=10,
        agenda_outcome="A way to speak first on strategic items in the Monday leadership meeting.",
        agenda_measure="I speak in the first ten minutes on the network redesign item.",
        agenda_why="The network redesign is decided in three weeks and my depots carry the risk.",
        agenda_updated_at=timezone.now() - timedelta(hours=20),
    )
    last = daniel_e.sessions.filter(status=SessionStatus.HELD).order_by("-scheduled_for").first()
    actions = [
        ("Ask Aisha what support she wants for the monthly report", -60, True),
        ("Meet the Leeds and Bristol managers together about on-time dispatch", -30, True),
        ("Write down three wins from the first 90 days and send them to Clara", -4, False),
        ("Prepare one question to open the network redesign item", 2, False),
        ("Ask the COO for feedback after the leadership meeting", 9, False),
    ]
    for title, due_days, done in actions:
        Action.objects.create(
            engagement=daniel_e,
            session=last,
            owner=daniel,
            title=title,
            due_on=today + timedelta(days=due_days),
            created_by=daniel,
            completed_at=timezone.now() + timedelta(days=due_days) if done else None,
        )

    # (b) Sofia: just started; first session upcoming, no agenda yet.
    sofia_e = _engagement(
        coach=clara,
        coachee=sofia,
        practice=practice,
        org=org,
        sponsor=priya,
        title="First 90 days as Head of Customer Experience",
        status=EngagementStatus.ACTIVE,
        started_days=5,
        objectives="Build trust with a team that was not expecting an outside hire; "
        "decide what to change and what to leave alone in the first quarter.",
        cadence="Weekly for the first month, then every two weeks",
        session_count=10,
        sponsor_sees_goal_progress=True,
    )
    _session(sofia_e, days=6, status=SessionStatus.SCHEDULED, hour=14)

    # (c) Tom: proposed; the agreement waits for his acceptance.
    _engagement(
        coach=clara,
        coachee=tom,
        practice=practice,
        org=org,
        sponsor=priya,
        title="Leading the warehouse automation programme",
        status=EngagementStatus.PROPOSED,
        started_days=0,
        accepted=False,
        objectives="Lead a large change programme with people who fear for their jobs; "
        "communicate clearly and honestly about what is and is not decided.",
        session_count=8,
    )

    # Marcus's own coachee, in the same organization.
    hannah_e = _engagement(
        coach=marcus,
        coachee=hannah,
        practice=practice,
        org=org,
        sponsor=priya,
        title="Finance leadership: from expert to leader",
        status=EngagementStatus.ACTIVE,
        started_days=40,
        objectives="Delegate the technical work; lead the finance team through the ERP migration.",
    )
    held = _session(
        hannah_e,
        days=-12,
        status=SessionStatus.HELD,
        agenda_outcome="Decide which month-end tasks to hand to the team.",
        agenda_updated_at=timezone.now() - timedelta(days=14),
        shared_notes="Hannah chose to hand over the reconciliations first.",
        shared_notes_updated_by=marcus,
        shared_notes_updated_at=timezone.now() - timedelta(days=12),
    )
    PrivateNote.objects.create(session=held, author=marcus, body="Perfectionism is the theme.")
    _session(hannah_e, days=16, status=SessionStatus.SCHEDULED, hour=11)

    _demo_growth(daniel_e, sofia_e, clara)
    _demo_insight(daniel_e, clara)
    demo_practice(daniel_e)
    demo_rehearsals(daniel_e)
    tom_e = Engagement.objects.get(coachee=tom)
    demo_program(
        practice=practice,
        organization=org,
        sponsor=priya,
        engagements=[daniel_e, sofia_e, hannah_e, tom_e],
    )
    # When each person joined and last signed in, consistent with what they did: a
    # coachee who accepted an agreement, wrote an agenda or checked in has signed in.
    # Tom was invited with his engagement a week ago and has not signed in yet, so he
    # has not accepted his agreement either.
    now = timezone.now()
    for person, joined_days, last_seen in (
        (clara, 400, timedelta(hours=2)),
        (marcus, 300, timedelta(days=1)),
        (priya, 130, timedelta(days=3)),
        (staff, 400, timedelta(days=1)),
        (daniel, 114, timedelta(hours=20)),  # wrote the agenda for the next session
        (sofia, 7, timedelta(days=2)),
        (hannah, 42, timedelta(days=4)),
        (tom, 7, None),
    ):
        User.objects.filter(pk=person.pk).update(
            created_at=now - timedelta(days=joined_days),
            last_login=now - last_seen if last_seen else None,
        )
    return {"upcoming_session": upcoming.code, "engagements": 4}


def _demo_growth(daniel_e, sofia_e, clara) -> None:
    """Daniel's plan with measurable and qualitative goals, weekly check-ins and wins;
    a goal Clara suggested to Sofia, waiting for her."""
    now = timezone.now()
    CheckInRhythm.objects.create(
        engagement=daniel_e, weekday=4, time_of_day="16:00", time_zone="Europe/London"
    )
    speak = Goal.objects.create(
        engagement=daniel_e,
        title="Speak first on strategic items in the leadership meeting",
        focus_area="presence",
        kind="measurable",
        share_with_sponsor=True,
        created_at=now - timedelta(days=84),
    )
    kr = KeyResult.objects.create(
        goal=speak,
        metric="Leadership meetings where I speak in the first ten minutes",
        unit="per month",
        baseline=Decimal(0),
        target=Decimal(4),
        current=Decimal(0),
    )
    Milestone.objects.create(
        goal=speak,
        title="Open the network redesign item",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    delegate = Goal.objects.create(
        engagement=daniel_e,
        title="Feel at ease handing work to my managers",
        focus_area="delegation",
        kind="qualitative",
        baseline_rating=3,
        target_rating=8,
        current_rating=3,
        created_at=now - timedelta(days=84),
    )
    weekly = [
        (0, 3, 5, 6, ""),
        (1, 4, 6, 6, "Aisha owned the monthly report end to end."),
        (1, 5, 6, 5, ""),
        (2, 5, 7, 7, "Leeds and Bristol agreed a shared dispatch target."),
        (2, 6, 7, 6, ""),
        (3, 6, 8, 7, "Spoke first on the budget item — and it landed."),
    ]
    for week, (value, rating, confidence, energy, win) in enumerate(weekly):
        when = now - timedelta(days=7 * (len(weekly) - week))
        check_in = CheckIn.objects.create(
            engagement=daniel_e,
            submitted_at=when,
            confidence=confidence,
            energy=energy,
            wins=win,
            obstacles="Back-to-back depot visits left no time to prepare." if week == 2 else "",
        )
        Reading.objects.create(check_in=check_in, goal=speak, key_result=kr, value=Decimal(value))
        Reading.objects.create(check_in=check_in, goal=delegate, value=Decimal(rating))
        if win:
            Win.objects.create(engagement=daniel_e, source="check_in", text=win, occurred_at=when)
    kr.current = Decimal(3)
    kr.save()
    delegate.current_rating = 6
    delegate.save()
    ProgressSummary.objects.create(
        engagement=daniel_e,
        status="approved",
        approved_at=now - timedelta(days=10),
        body="Daniel has moved from doing the work himself to leading through his managers: "
        "the monthly report and the depot dispatch target are now owned by his team. He is "
        "building presence in the leadership team and is on track on the goal he shares.",
    )
    Goal.objects.create(
        engagement=sofia_e,
        title="Meet each team lead one to one in the first month",
        focus_area="change",
        kind="qualitative",
        baseline_rating=2,
        target_rating=7,
        current_rating=2,
        status="suggested",
        suggested_by=clara,
    )


def _demo_insight(daniel_e, clara) -> None:
    """Daniel's self-assessment and a 360 his nine colleagues answered, debriefed with
    Clara and released to him; a journal entry he shared and one he kept."""
    daniel = daniel_e.coachee
    instrument = insight_queries.instruments(for_raters=True)[0]
    items = list(instrument.items.select_related("competency"))
    rng = random.Random(11)
    # Daniel sees himself as strong at delegating and modest as a presenter; his
    # colleagues see the reverse: a blind spot and a hidden strength.
    lean = {"delegation": (4, 5), "communication": (2, 3)}
    seen = {"delegation": (2, 3), "communication": (4, 5)}
    assessment = insight.assessment_start(engagement=daniel_e, by=daniel, instrument=instrument)
    assessment = insight.assessment_answer(
        assessment=assessment,
        by=daniel,
        answers={i.key: rng.randint(*lean.get(i.competency.key, (3, 4))) for i in items},
    )
    insight.assessment_complete(assessment=assessment, by=daniel)
    campaign = insight.campaign_create(
        engagement=daniel_e,
        by=daniel,
        instrument=instrument,
        deadline=timezone.localdate() + timedelta(days=1),
    )
    names = ["Aisha Bello", "Ben Carter", "Chen Wei", "Dana Fox", "Eli Grant", "Femi Ade",
             "Gus Hall", "Ines Ruiz", "Jon Kay"]  # fmt: skip
    groups = ["manager", "peer", "peer", "peer", "report", "report", "report", "other", "other"]
    for name, group in zip(names, groups, strict=True):
        email = name.lower().replace(" ", ".") + "@halcyon.example"
        insight.rater_nominate(campaign=campaign, by=daniel, name=name, email=email, group=group)
    comments = [
        "Let the depot leads present their own numbers at the Monday review.",
        "Keep telling the story of the network redesign the way you did at the town hall.",
        "Hand over the weekly capacity report completely; you still rewrite it.",
    ]
    for n, (_, token) in enumerate(insight.campaign_open(campaign=campaign, by=daniel, send=False)):
        link = insight_queries.rater_link(token)
        assert link is not None and link.answers is not None  # the token was just made
        answers = {i.key: rng.randint(*seen.get(i.competency.key, (3, 4))) for i in items}
        kinds = ("start", "continue", "stop")
        comps = ("delegation", "communication", "delegation")
        comment = {comps[n % 3]: {kinds[n % 3]: comments[n % 3]}} if n < 6 else None
        slot = insight.rater_save(
            invitation=link.invitation, answers_set=link.answers, answers=answers, comments=comment
        )
        insight.rater_submit(invitation=link.invitation, answers_set=slot)
    campaign = insight.campaign_close(campaign=campaign, by=clara)
    insight.campaign_debriefed(campaign=campaign, by=clara)
    shared = insight.journal_write(
        engagement=daniel_e,
        by=daniel,
        prompt="What in your 360 report stayed with you, and why?",
        body="That my team sees me as a better presenter than I do. And that I still take "
        "work back. Next week the depot leads present their own numbers.",
        tags="360, delegation",
    )
    insight.journal_share(entry=shared, by=daniel, share=True)
    insight.journal_write(
        engagement=daniel_e,
        by=daniel,
        body="Nervous about the board. I keep preparing answers to questions nobody asked.",
        tags="board",
    )
