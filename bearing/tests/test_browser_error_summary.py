"""In headless Chromium: a form's errors take the focus, at the top of the form, so
a click on "Add a goal" never seems to do nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from bearing import testing
from bearing.testing import make_world
from bearing.testing.browser import BrowserTestCase

IN_VIEW = """() => {
  const r = document.activeElement.getBoundingClientRect();
  return r.top >= 0 && r.top < window.innerHeight;
}"""


@pytest.mark.browser
class ErrorSummaryTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def page_as(self, user, path, *, mobile=False):
        page = self.new_page(mobile=mobile)
        client = Client()
        getattr(testing, "sign_in", lambda c, u: c.force_login(u))(client, user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )
        page.goto(self.url(path))
        return page

    def test_add_a_goal_with_errors_moves_focus_to_the_summary(self):
        page = self.page_as(
            self.w.coachee, f"/engagements/{self.w.engagement.code}/plan/", mobile=True
        )
        page.get_by_role("button", name="Add to my plan").click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        self.assertTrue(page.evaluate(IN_VIEW))
        self.assertEqual(summary.get_attribute("role"), "alert")
        summary.locator("a[href='#id_title']").click()
        expect(page.locator("#id_title")).to_be_focused()
        self.screenshot(page, "32-goal-error-summary")
        self.assertEqual(self.csp_violations, [])

    def test_an_error_swapped_in_by_htmx_takes_the_focus(self):
        page = self.page_as(self.w.coachee, f"/sessions/{self.w.past_session.code}/")
        page.locator("#id_title_1").fill("Call Priya")
        page.get_by_role("button", name="Save commitments").click()
        expect(page.locator("[data-error-summary]")).to_be_focused()
        self.assertIn(
            "When will you have done this?", page.locator("[data-error-summary]").inner_text()
        )
        self.assertTrue(page.evaluate(IN_VIEW))
