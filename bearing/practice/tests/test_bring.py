"""'Bring this to my next session': the coachee shares a decision, a transition
plan or the board and puts it on the next coaching session; the coach's session
brief (the workspace) lists what was brought, and nothing unshared."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.access import Relation
from bearing.engagements.models import CoachingSession, SessionStatus
from bearing.practice import services as s
from bearing.practice.queries import brought_to_session
from bearing.testing import WorldTestCase

from .factories import make_decided, make_draft


class BringTests(WorldTestCase):
    def test_bringing_shares_and_names_the_next_session(self):
        d = make_draft(self.w.engagement, title="CANARY-BRING-decision")
        session = s.bring_to_next_session(record=d, by=self.w.coachee)
        self.assertEqual(session, self.w.next_session)
        d.refresh_from_db()
        self.assertIsNotNone(d.shared_with_coach_at)
        self.assertEqual(d.brought_to, self.w.next_session)
        with self.assertRaises(ValidationError):
            s.bring_to_next_session(record=d, by=self.w.coach)
        # Unsharing takes it off the session too.
        d = s.decision_share(decision=d, by=self.w.coachee, share=False)
        self.assertIsNone(d.brought_to)

    def test_no_session_scheduled_is_said_plainly(self):
        CoachingSession.objects.filter(status=SessionStatus.SCHEDULED).update(
            status=SessionStatus.CANCELLED, cancelled_at=timezone.now()
        )
        d = make_draft(self.w.engagement)
        with self.assertRaisesMessage(ValidationError, "No coaching session is scheduled"):
            s.bring_to_next_session(record=d, by=self.w.coachee)

    def test_the_coach_s_workspace_lists_what_was_brought_and_nothing_else(self):
        brought = make_decided(self.w.engagement, title="CANARY-BRING-brought")
        make_decided(self.w.engagement, title="CANARY-BRING-private")
        s.bring_to_next_session(record=brought, by=self.w.coachee)
        board = s.board_ensure(engagement=self.w.engagement, by=self.w.coachee)
        s.board_share(board=board, by=self.w.coachee, share=True)
        rows = brought_to_session(
            self.w.coach, self.w.engagement, Relation.COACH, self.w.next_session.id
        )
        self.assertEqual(
            [(r.kind, r.for_this_session) for r in rows],
            [("decision", True), ("priority board", False)],
        )
        self.assertEqual(
            brought_to_session(self.w.coachee, self.w.engagement, Relation.COACHEE, 0), []
        )
        self.login(self.w.coach)
        page = self.client.get(reverse("workspace:session", args=[self.w.next_session.code]))
        self.assertContains(page, "CANARY-BRING-brought")
        self.assertContains(page, "Brought to this session")
        self.assertNotContains(page, "CANARY-BRING-private")
        response = self.client.get(reverse("practice:decision", args=[brought.code]))
        self.assertEqual(response.status_code, 200)

    def test_the_bring_buttons_work_for_the_coachee_only(self):
        d = make_draft(self.w.engagement)
        plan = s.transition_plan_create(
            engagement=self.w.engagement,
            by=self.w.coachee,
            kind="change",
            title="Reorg",
            starts_on=timezone.localdate() + timedelta(days=2),
        )
        urls = [
            reverse("practice:decision_bring", args=[d.code]),
            reverse("practice:transition_bring", args=[plan.code]),
            reverse("practice:board_bring", args=[self.w.engagement.code]),
        ]
        for person in (self.w.coach, self.w.sponsor, self.w.other_coach, self.w.staff):
            self.login(person)
            for url in urls:
                self.assertEqual(self.client.post(url).status_code, 404, f"{person} {url}")
        self.login(self.w.coachee)
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 405)
            response = self.client.post(url, follow=True)
            self.assertContains(response, "brought to your coaching session of")


class BriefTests(WorldTestCase):
    def test_the_coach_s_session_brief_lists_what_was_brought(self):
        brought = make_decided(self.w.engagement, title="CANARY-BRIEF-brought")
        make_decided(self.w.engagement, title="CANARY-BRIEF-private")
        s.bring_to_next_session(record=brought, by=self.w.coachee)
        self.login(self.w.coach)
        page = self.client.get(reverse("growth:brief", args=[self.w.next_session.code]))
        self.assertContains(page, "What they brought")
        self.assertContains(page, "CANARY-BRIEF-brought")
        self.assertContains(page, "brought to this session")
        self.assertNotContains(page, "CANARY-BRIEF-private")
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.READ, actor_id=self.w.coach.id, detail__field="brought"
            ).exists()
        )

    def test_nothing_shared_adds_nothing_to_the_brief(self):
        make_decided(self.w.engagement, title="CANARY-BRIEF-private")
        self.login(self.w.coach)
        page = self.client.get(reverse("growth:brief", args=[self.w.next_session.code]))
        self.assertNotContains(page, "What they brought")
        self.assertNotContains(page, "CANARY-BRIEF-private")


class AgendaBringTests(WorldTestCase):
    def test_the_coachee_brings_from_the_session_page(self):
        d = make_draft(self.w.engagement, title="CANARY-AGENDA-BRING draft")
        self.login(self.w.coachee)
        url = reverse("engagements:session_detail", args=[self.w.next_session.code])
        page = self.client.get(url)
        self.assertContains(page, "Bring to this session")
        self.assertContains(page, "CANARY-AGENDA-BRING draft")
        bring = reverse("practice:decision_bring", args=[d.code])
        self.assertContains(page, f'action="{bring}"')
        self.client.post(bring)
        page = self.client.get(url)
        self.assertContains(page, "brought to this session")
        self.assertNotContains(page, f'action="{bring}"')
        # Not on a past session's page, and never on the coach's.
        past = self.client.get(
            reverse("engagements:session_detail", args=[self.w.past_session.code])
        )
        self.assertNotContains(past, "Bring to this session")
        self.login(self.w.coach)
        self.assertNotContains(self.client.get(url), "Bring to this session")
