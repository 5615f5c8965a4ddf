"""End to end in headless Chromium: the companion conversation and a role-play."""

from __future__ import annotations

import re

import pytest

from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase


@pytest.mark.browser
class CompanionFlowTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def test_talk_with_the_companion_then_practise(self):
        page = self.new_page(mobile=True)
        self.sign_in(page, self.w.coachee.email, PASSWORD)
        page.goto(self.url(f"/engagements/{self.w.engagement.code}/companion/"))
        page.get_by_text("software, not a person").first.wait_for()
        page.get_by_label(re.compile("I understand the companion is software")).check()
        page.get_by_role("button", name="Start a conversation").click()
        page.wait_for_url(re.compile(r"/companion/[0-9a-f-]+/$"))
        for line in (
            "I want to get better at delegating to my team.",
            "Right now I review every document myself and I am exhausted.",
        ):
            page.get_by_label("Your answer").fill(line)
            page.get_by_role("button", name="Send").click()
            page.get_by_text(line).wait_for()
        replies = page.locator(".chat-companion")
        replies.nth(1).wait_for()
        self.assertTrue(all(r.strip().endswith("?") for r in replies.all_inner_texts()))
        self.screenshot(page, "20-companion")

        page.goto(self.url(f"/engagements/{self.w.engagement.code}/role-play/"))
        page.get_by_label(re.compile("Saying no to your own boss")).check()
        page.get_by_role("button", name="Start the role-play").click()
        page.wait_for_url(re.compile(r"/role-play/[0-9a-f-]+/$"))
        page.get_by_label("What do you say?").fill(
            "I appreciate the trust. I noticed we have 6 projects running; what would you drop?"
        )
        page.get_by_role("button", name="Say it").click()
        page.get_by_text("Debrief").wait_for()
        self.screenshot(page, "21-roleplay")
        self.assertEqual(self.csp_violations, [])
        self.assertEqual(self.failed_requests, [])
