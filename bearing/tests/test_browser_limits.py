"""In headless Chromium: a long paste is kept whole, the field says how much is
too much, and the server refuses it rather than keeping the first part."""

from __future__ import annotations

import re

import pytest

from bearing.companion.models import CompanionMessage
from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase

PASTE = "word " * 1000  # 5,000 characters


@pytest.mark.browser
class TextLimitTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def test_pasting_5000_characters_keeps_them_and_says_it_is_too_long(self):
        page = self.new_page()
        self.sign_in(page, self.w.coachee.email, PASSWORD)
        page.goto(self.url(f"/engagements/{self.w.engagement.code}/companion/"))
        page.get_by_label(re.compile("I understand the companion is software")).check()
        page.get_by_role("button", name="Start a conversation").click()
        page.wait_for_url(re.compile(r"/companion/[0-9a-f-]+/$"))
        box = page.get_by_label("Your answer")
        room = page.locator(".char-count span:not(.visually-hidden)")
        self.assertEqual(room.inner_text(), "2,000 of 2,000 characters left.")
        box.focus()
        page.keyboard.insert_text(PASTE)  # as a paste arrives
        self.assertEqual(len(box.input_value()), len(PASTE))  # nothing cut
        self.assertTrue(room.inner_text().startswith("3,000 characters too many"))
        page.get_by_role("button", name="Send").click()
        page.locator("#say-error").get_by_text("under 2,000 characters").wait_for()
        self.assertFalse(
            CompanionMessage.objects.exclude(conversation=self.w.conversation).exists()
        )
        # The refused text is still there, whole, to shorten.
        self.assertEqual(box.input_value(), PASTE)
        self.assertTrue(room.inner_text().startswith("3,000 characters too many"))
        self.assertEqual(self.csp_violations, [])
