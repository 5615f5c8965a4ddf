"""Personas and small builders for tests, built once per test class.

    class MyTests(WorldTestCase):
        def test_sponsor_cannot_read_private_notes(self):
            self.client.force_login(self.w.sponsor) ...

The world: a practice with ``coach`` and ``other_coach``; an organization with
``sponsor`` and the coach's ``coachee``; ``staff``; an active ``engagement``
(agreement v1 accepted) with a held ``past_session`` and a scheduled
``next_session``; agenda, shared notes, private notes and actions carrying the
CANARY strings that must never reach the wrong person.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from types import SimpleNamespace

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend
from django.test import TestCase
from django.utils import timezone

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

PASSWORD = "correct-horse-battery-staple"

CANARY = SimpleNamespace(
    private_note="CANARY-PRIVATE-7f3a9 the coach privately wonders about burnout",
    shared_notes="CANARY-SHARED-b81c2 we explored the board conflict",
    agenda_outcome="CANARY-AGENDA-OUTCOME-44d1e leave with a plan for the CFO",
    agenda_measure="CANARY-AGENDA-MEASURE-90aa7 one sentence I can say",
    agenda_why="CANARY-AGENDA-WHY-c3b55 the reorg lands in May",
    action="CANARY-ACTION-5e6f0 talk to Priya about delegation",
    objectives="CANARY-OBJECTIVES-d00d1 grow executive presence",
    goal="CANARY-GOAL-6a7b8 speak first in the exec meeting",
    key_result="CANARY-KR-1c2d3 meetings where I speak first",
    check_in="CANARY-CHECKIN-9e8f7 the CFO talked over me again",
    companion="CANARY-COMPANION-4b3a2 I am afraid I am not good enough",
    rehearsal="CANARY-REHEARSAL-7d2e1 and the layoffs start in June",
)


def canary_strings() -> list[str]:
    """The distinctive tags (not the whole sentences) to search for."""
    return [value.split(" ")[0] for value in vars(CANARY).values()]


def rows_where(model, **plain) -> list:
    """Rows whose fields read as given, compared after decryption: encrypted
    columns (titles, units, locations...) cannot be filtered on in SQL."""
    return [
        row
        for row in model._base_manager.all()
        if all(getattr(row, name) == value for name, value in plain.items())
    ]


def one_where(model, **plain):
    """The one row whose fields read as given; fails if there are none or several."""
    rows = rows_where(model, **plain)
    if len(rows) != 1:
        raise AssertionError(f"{len(rows)} {model.__name__} rows with {plain}")
    return rows[0]


def make_user(email: str, name: str, *, tz: str = "Europe/London") -> User:
    return User.objects.create_user(email, PASSWORD, name=name, time_zone=tz)


def give_calendar_link(user: User) -> str:
    """Give the person a private calendar link, as if they had asked for one, and
    keep its token on the instance as ``user.calendar_token`` (the database keeps
    only the hash; the person saw the token once)."""
    from bearing.accounts.models import new_calendar_token
    from bearing.accounts.services import token_hash

    token = new_calendar_token()
    user.calendar_token_hash = token_hash(token)
    user.save(update_fields=["calendar_token_hash"])
    user.calendar_token = token
    return token


def grant(user: User, role: str, *, practice=None, organization=None) -> Membership:
    return Membership.objects.create(
        user=user, role=role, practice=practice, organization=organization
    )


def make_engagement(
    *,
    coach: User,
    coachee: User,
    practice: Practice,
    organization: Organization,
    sponsor: User | None = None,
    status: str = EngagementStatus.ACTIVE,
    accepted: bool = True,
    title: str = "Leadership coaching",
    **agreement_fields,
) -> Engagement:
    now = timezone.now()
    engagement = Engagement.objects.create(
        practice=practice,
        organization=organization,
        coach=coach,
        coachee=coachee,
        sponsor=sponsor,
        title=title,
        status=status,
        started_at=None if status == EngagementStatus.PROPOSED else now - timedelta(days=60),
        ended_at=now
        if status in {EngagementStatus.COMPLETED, EngagementStatus.ENDED_EARLY}
        else None,
    )
    Agreement.objects.create(
        engagement=engagement,
        version=1,
        objectives=agreement_fields.pop("objectives", "Grow as a leader"),
        created_by=coach,
        accepted_at=now - timedelta(days=59) if accepted else None,
        accepted_by=coachee if accepted else None,
        **agreement_fields,
    )
    return engagement


def make_session(engagement: Engagement, *, days: float, status=SessionStatus.SCHEDULED, **kw):
    return CoachingSession.objects.create(
        engagement=engagement,
        scheduled_for=timezone.now() + timedelta(days=days),
        status=status,
        cancelled_at=timezone.now() if status == SessionStatus.CANCELLED else None,
        **kw,
    )


def make_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.practice = Practice.objects.create(name="Northstar Coaching")
    w.organization = Organization.objects.create(name="Acme Manufacturing")
    w.other_organization = Organization.objects.create(name="Globex")

    w.coach = make_user("coach@example.com", "Clara Coach")
    w.other_coach = make_user("other.coach@example.com", "Oscar Othercoach")
    w.coachee = make_user("leader@example.com", "Lena Leader", tz="America/New_York")
    w.sponsor = make_user("sponsor@example.com", "Sam Sponsor")
    w.other_sponsor = make_user("sponsor@globex.example", "Gina Globex")
    w.staff = make_user("staff@example.com", "Stan Staff")

    for person in (w.coach, w.other_coach, w.coachee, w.sponsor, w.other_sponsor, w.staff):
        give_calendar_link(person)

    grant(w.coach, Role.COACH, practice=w.practice)
    grant(w.other_coach, Role.COACH, practice=w.practice)
    grant(w.coachee, Role.COACHEE, organization=w.organization)
    grant(w.sponsor, Role.SPONSOR, organization=w.organization)
    grant(w.other_sponsor, Role.SPONSOR, organization=w.other_organization)
    grant(w.staff, Role.STAFF)
    # The practice works with Acme, not with Globex.
    PracticeOrganization.objects.create(practice=w.practice, organization=w.organization)

    w.engagement = make_engagement(
        coach=w.coach,
        coachee=w.coachee,
        practice=w.practice,
        organization=w.organization,
        sponsor=w.sponsor,
        objectives=CANARY.objectives,
    )
    w.agreement = w.engagement.agreements.get()
    w.past_session = make_session(
        w.engagement,
        days=-7,
        status=SessionStatus.HELD,
        shared_notes=CANARY.shared_notes,
        shared_notes_updated_at=timezone.now(),
    )
    w.next_session = make_session(
        w.engagement,
        days=7,
        agenda_outcome=CANARY.agenda_outcome,
        agenda_measure=CANARY.agenda_measure,
        agenda_why=CANARY.agenda_why,
        agenda_updated_at=timezone.now(),
    )
    w.private_note = PrivateNote.objects.create(
        session=w.past_session, author=w.coach, body=CANARY.private_note
    )
    w.action = Action.objects.create(
        engagement=w.engagement,
        session=w.past_session,
        owner=w.coachee,
        title=CANARY.action,
        due_on=timezone.localdate() - timedelta(days=2),
        created_by=w.coachee,
    )
    from bearing.growth.models import CheckIn, Goal, KeyResult

    w.goal = Goal.objects.create(
        engagement=w.engagement, title=CANARY.goal, focus_area="presence", kind="measurable"
    )
    w.key_result = KeyResult.objects.create(
        goal=w.goal, metric=CANARY.key_result, unit="per week", baseline=0, target=3, current=1
    )
    w.check_in = CheckIn.objects.create(
        engagement=w.engagement, confidence=6, energy=5, obstacles=CANARY.check_in
    )
    from bearing.companion.models import CompanionConversation, CompanionMessage

    # Not shared: even the coach must never see it.
    w.conversation = CompanionConversation.objects.create(engagement=w.engagement)
    CompanionMessage.objects.create(
        conversation=w.conversation, speaker="leader", text=CANARY.companion
    )
    from bearing.rehearsals.models import Rehearsal, Talk

    # A talk rehearsed and not shared: the coach must never see it either.
    w.talk = Talk.objects.create(engagement=w.engagement, title="Town hall", minutes_allowed=5)
    w.rehearsal = Rehearsal.objects.create(
        talk=w.talk,
        source="pasted",
        status="ready",
        progress=100,
        transcript={"words": [[0.0, 2.0, CANARY.rehearsal]], "pauses": []},
        duration_seconds=2.0,
    )
    return w


def sign_in(client, user: User) -> None:
    """Sign ``user`` in on a test client as the whole sign-in would leave them:
    second factor met (for a coach, sponsor or staff member, or anyone with one)
    and just authenticated. Tests of the sign-in itself use the real pages."""
    from bearing.accounts.signin_flow import AUTH_AT_KEY, STEP_KEY, needs_second_step

    client.force_login(user)
    session = client.session
    session[STEP_KEY] = "totp" if needs_second_step(user) else "none"
    session[AUTH_AT_KEY] = int(time.time())
    session.save()


class WorldTestCase(TestCase):
    """A TestCase with the personas in ``self.w``, built once per class."""

    @classmethod
    def setUpTestData(cls):
        cls.w = make_world()

    def login(self, user: User | None):
        self.client.logout()
        if user is not None:
            sign_in(self.client, user)


class SlowFileEmailBackend(FileEmailBackend):
    """For tests that kill a worker mid-batch: waits before writing each message
    (as an SMTP server takes time to answer). Not for production."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "0.3")))
        return super().send_messages(email_messages)
