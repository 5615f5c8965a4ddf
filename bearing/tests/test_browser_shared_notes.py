"""In headless Chromium: two people edit the same shared notes at once and neither
text is lost."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from bearing import testing
from bearing.engagements.models import CoachingSession
from bearing.testing import make_world
from bearing.testing.browser import BrowserTestCase

COACH_LINE = "Coach: we agreed on weekly one-to-ones with each report."
COACHEE_LINE = "Lena: I will hand the board pack to Priya."


@pytest.mark.browser
class SharedNotesTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def page_as(self, user):
        """A browser context of its own, signed in as the whole sign-in would leave
        them (second factor included), by the session cookie."""
        page = self.new_page()
        client = Client()
        getattr(testing, "sign_in", lambda c, u: c.force_login(u))(client, user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )
        page.goto(self.url(f"/sessions/{self.w.past_session.code}/"))
        return page

    def test_two_people_edit_the_same_notes_and_neither_text_is_lost(self):
        coach = self.page_as(self.w.coach)
        coachee = self.page_as(self.w.coachee)  # both opened the notes as they were

        box = coach.locator("#id_shared-body")
        box.fill(box.input_value() + "\n" + COACH_LINE)
        coach.get_by_role("button", name="Save shared notes").click()
        coach.get_by_text("Shared notes saved.").wait_for()

        theirs = coachee.locator("#id_shared-body")
        theirs.fill(theirs.input_value() + "\n" + COACHEE_LINE)
        coachee.get_by_role("button", name="Save shared notes").click()
        alert = coachee.locator(".conflict")
        alert.wait_for()
        # Nothing lost: the coach's words are shown, the coachee's are still in the box.
        self.assertIn(COACH_LINE, alert.inner_text())
        self.assertIn(COACHEE_LINE, theirs.input_value())
        self.assertNotIn(
            COACHEE_LINE, CoachingSession.objects.get(pk=self.w.past_session.pk).shared_notes
        )

        theirs.fill(theirs.input_value() + "\n" + COACH_LINE)  # combine the two
        coachee.get_by_role("button", name="Save shared notes").click()
        coachee.get_by_text("Shared notes saved.").wait_for()
        notes = CoachingSession.objects.get(pk=self.w.past_session.pk).shared_notes
        self.assertIn(COACH_LINE, notes)
        self.assertIn(COACHEE_LINE, notes)

        coach.reload()
        text = coach.locator("#id_shared-body").input_value()
        self.assertIn(COACH_LINE, text)
        self.assertIn(COACHEE_LINE, text)
        coach.get_by_text(f"Last edited by {self.w.coachee.name}").wait_for()
        self.screenshot(coachee, "31-shared-notes-after-conflict")
        self.assertEqual(self.csp_violations, [])
