"""End to end in headless Chromium: the whole first loop of an engagement.

A coach invites a leader; the leader accepts the invitation and the agreement;
a coaching session is scheduled; the leader writes the agenda; the coach writes
shared and private notes; the leader sees the shared notes and never the
private ones; the sponsor sees status and attendance only.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bearing.engagements.models import CoachingSession, Engagement, SessionStatus
from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase

SHARED = "SHARED-e2e-5a1 we mapped the stakeholders for the reorg"
PRIVATE = "PRIVATE-e2e-9c2 energy low; ask about sleep next time"
OUTCOME = "OUTCOME-e2e-77f a first draft of my message to the team"


@pytest.mark.browser
class EngagementFlowTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def test_the_first_loop_of_an_engagement(self):
        w = self.w
        coach = self.new_page()
        self.sign_in(coach, w.coach.email, PASSWORD)

        # The coach starts an engagement with a new leader, inviting them by email.
        coach.goto(self.url("/engagements/new/"))
        coach.get_by_label("Title").fill("Stepping up to VP Operations")
        coach.get_by_label("Organization").select_option(label=w.organization.name)
        coach.get_by_label("Sponsor").select_option(label=w.sponsor.name)
        coach.get_by_label("Coachee's name").fill("Nadia Noor")
        coach.get_by_label("Coachee's email").fill("nadia@example.com")
        coach.get_by_label("Objectives").fill("Lead the new operations team with confidence")
        coach.get_by_role("button", name=re.compile("Create engagement|Start engagement")).click()
        coach.wait_for_url(re.compile(r"/engagements/[0-9a-f-]+/$"))
        engagement = Engagement.objects.get(invited_email="nadia@example.com")
        self.screenshot(coach, "01-coach-engagement-created")

        invitation = next(m for m in mail.outbox if "nadia@example.com" in m.to)
        link = re.search(r"https?://\S+/invitations/[\w-]+/", invitation.body).group(0)
        link = self.url(link.split("testserver", 1)[-1].split(":8000", 1)[-1])

        # The leader accepts the invitation and sets a password.
        leader = self.new_page(mobile=True)
        leader.goto(link)
        leader.get_by_label("Your name").fill("Nadia Noor")
        leader.get_by_label(re.compile(r"^Password")).fill("a-long-enough-passphrase-1")
        leader.get_by_label(re.compile("Confirm|again", re.I)).fill("a-long-enough-passphrase-1")
        leader.get_by_role("button", name=re.compile("Accept|Create", re.I)).click()
        leader.wait_for_url("**/dashboard/")
        engagement.refresh_from_db()
        self.assertIsNotNone(engagement.coachee_id)

        # ... and accepts the coaching agreement.
        leader.get_by_role("link", name=re.compile("accept the agreement", re.I)).click()
        leader.get_by_role("button", name=re.compile("I accept", re.I)).click()
        leader.wait_for_load_state()
        self.assertIsNotNone(engagement.agreements.get(version=1).accepted_at)
        self.screenshot(leader, "02-leader-agreement-accepted")

        # The coach activates the engagement and schedules a coaching session.
        coach.goto(self.url(f"/engagements/{engagement.code}/"))
        coach.get_by_role("button", name=re.compile("^(Activate|Active)", re.I)).click()
        coach.wait_for_load_state()
        engagement.refresh_from_db()
        self.assertEqual(engagement.status, "active")
        coach.get_by_role("link", name=re.compile("Schedule", re.I)).first.click()
        when = timezone.localtime(timezone.now() + timedelta(days=3), w.coach.tz)
        coach.get_by_label(re.compile("When|Date and time", re.I)).fill(
            when.strftime("%Y-%m-%dT10:00")
        )
        coach.get_by_role("button", name=re.compile("Schedule", re.I)).click()
        coach.wait_for_url(re.compile(r"/sessions/[0-9a-f-]+/$"))
        session = CoachingSession.objects.get(engagement=engagement)
        self.assertEqual(session.status, SessionStatus.SCHEDULED)

        # The leader writes the agenda.
        leader.goto(self.url(f"/sessions/{session.code}/"))
        leader.get_by_label(re.compile("leave this session with", re.I)).fill(OUTCOME)
        leader.get_by_label(re.compile("know", re.I)).fill("I can say it in two minutes")
        leader.get_by_label(re.compile("matter", re.I)).fill("The reorg is announced next week")
        leader.get_by_role("button", name=re.compile("Save agenda", re.I)).click()
        leader.get_by_text(OUTCOME).first.wait_for()
        session.refresh_from_db()
        self.assertEqual(session.agenda_outcome, OUTCOME)

        # The coach reads the agenda and writes shared and private notes.
        coach.goto(self.url(f"/sessions/{session.code}/"))
        coach.get_by_text(OUTCOME).first.wait_for()
        coach.get_by_role("textbox", name=re.compile("Shared notes", re.I)).fill(SHARED)
        coach.get_by_role("button", name=re.compile("Save shared notes", re.I)).click()
        coach.get_by_text(SHARED).first.wait_for()
        coach.get_by_role("textbox", name=re.compile("Private notes", re.I)).fill(PRIVATE)
        coach.get_by_role("button", name=re.compile("Save private notes", re.I)).click()
        coach.get_by_text(PRIVATE).first.wait_for()
        self.screenshot(coach, "03-coach-session-notes")

        # The leader sees the shared notes and never the private ones.
        leader.goto(self.url(f"/sessions/{session.code}/"))
        leader.get_by_text(SHARED).first.wait_for()
        self.assertNotIn("PRIVATE-e2e", leader.content())
        self.screenshot(leader, "04-leader-session")

        # The sponsor sees status and attendance only.
        sponsor = self.new_page()
        self.sign_in(sponsor, w.sponsor.email, PASSWORD)
        body = sponsor.content()
        self.assertIn("Nadia Noor", body)
        self.assertIn("Active", body)
        for secret in ("SHARED-e2e", "PRIVATE-e2e", "OUTCOME-e2e", "Lead the new operations"):
            self.assertNotIn(secret, body)
        sponsor.get_by_role("link", name="Nadia Noor").click()
        sponsor.wait_for_load_state()
        body = sponsor.content()
        for secret in ("SHARED-e2e", "PRIVATE-e2e", "OUTCOME-e2e", "Lead the new operations"):
            self.assertNotIn(secret, body)
        self.screenshot(sponsor, "05-sponsor-view")

        # No page broke the Content Security Policy, and every asset loaded.
        self.assertEqual(self.csp_violations, [])
        self.assertEqual(self.failed_requests, [])
        self.assertEqual(
            sponsor.evaluate("getComputedStyle(document.querySelector('.site-header')).display"),
            "flex",
        )
