"""In headless Chromium: ending an engagement asks for confirmation first."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from bearing import testing
from bearing.engagements.models import Engagement
from bearing.testing import make_world
from bearing.testing.browser import BrowserTestCase


@pytest.mark.browser
class ConfirmationTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def sign_in_as(self, page, user):
        """Signed in as the whole sign-in would leave them (second factor included),
        by the session cookie: this test is about what comes after."""
        client = Client()
        getattr(testing, "sign_in", lambda c, u: c.force_login(u))(client, user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )

    def status(self) -> str:
        return Engagement.objects.get(pk=self.w.engagement.pk).status

    def test_ending_an_engagement_asks_for_confirmation(self):
        page = self.new_page()
        self.sign_in_as(page, self.w.coach)
        page.goto(self.url(f"/engagements/{self.w.engagement.code}/"))
        page.get_by_text(re.compile(r"^End early")).click()
        page.get_by_role("heading", name="End the engagement early?").wait_for()
        self.assertEqual(self.status(), "active")  # nothing happened yet
        page.get_by_role("link", name="Keep it active").click()
        page.wait_for_url(f"**/engagements/{self.w.engagement.code}/")
        self.assertEqual(self.status(), "active")

        page.get_by_text(re.compile(r"^End early")).click()
        page.get_by_role("button", name="End the engagement early").click()
        page.locator(".errorlist").get_by_text(
            "Say briefly why the engagement ends early."
        ).wait_for()
        self.assertEqual(self.status(), "active")
        page.get_by_label("Why does it end early?").fill("The coachee moved to another company.")
        page.get_by_role("button", name="End the engagement early").click()
        page.wait_for_url(f"**/engagements/{self.w.engagement.code}/")
        page.get_by_text("The engagement is now ended early.").wait_for()
        self.assertEqual(self.status(), "ended_early")
        self.assertIn("The coachee moved to another company.", page.content())
        self.screenshot(page, "30-engagement-ended-early")
        self.assertEqual(self.csp_violations, [])
