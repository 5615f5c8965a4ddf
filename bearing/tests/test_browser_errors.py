"""In headless Chromium: an htmx form's error is shown where the person is looking,
and a request that fails says so."""

from __future__ import annotations

import re

import pytest

from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase


@pytest.mark.browser
class HtmxErrorTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def start_conversation(self, page):
        self.sign_in(page, self.w.coachee.email, PASSWORD)
        page.goto(self.url(f"/engagements/{self.w.engagement.code}/companion/"))
        page.get_by_label(re.compile("I understand the companion is software")).check()
        page.get_by_role("button", name="Start a conversation").click()
        page.wait_for_url(re.compile(r"/companion/[0-9a-f-]+/$"))

    def test_an_empty_companion_message_shows_write_something_first(self):
        page = self.new_page()
        self.start_conversation(page)
        page.get_by_label("Your answer").fill("   ")
        page.get_by_role("button", name="Send").click()
        error = page.locator("#say-error")
        error.wait_for()
        self.assertEqual(error.inner_text().strip(), "Write something first.")
        self.assertEqual(page.get_by_label("Your answer").get_attribute("aria-invalid"), "true")
        self.assertEqual(page.locator("#request-status").inner_text().strip(), "")
        self.assertEqual(self.csp_violations, [])

    def test_a_request_that_cannot_reach_bearing_says_so(self):
        page = self.new_page()
        self.start_conversation(page)
        page.route(re.compile(r".*/companion/[0-9a-f-]+/$"), lambda route: route.abort())
        page.get_by_label("Your answer").fill("I want to delegate more.")
        page.get_by_role("button", name="Send").click()
        status = page.locator("#request-status")
        status.get_by_text("could not be reached").wait_for()
        # What was typed is still there.
        self.assertEqual(page.get_by_label("Your answer").input_value(), "I want to delegate more.")

    def test_a_server_error_says_nothing_was_saved(self):
        page = self.new_page()
        self.start_conversation(page)
        page.route(
            re.compile(r".*/companion/[0-9a-f-]+/$"),
            lambda route: route.fulfill(status=500, body="<p>boom</p>"),
        )
        page.get_by_label("Your answer").fill("I want to delegate more.")
        page.get_by_role("button", name="Send").click()
        page.locator("#request-status").get_by_text("nothing was saved").wait_for()
        self.assertNotIn("boom", page.content())
