"""In Chromium: the coach's session workspace during a coaching session, and the
layout details a person notices (choices on one line, a wide commitment box, a
"mark done" target big enough to hit). axe-core checks every page visited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bearing.engagements.models import Action, PrivateNote
from bearing.testing import CANARY, PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase


@pytest.mark.browser
class WorkspaceBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def test_the_coachs_workspace_shows_the_agenda_the_last_commitments_and_the_goals(self):
        w = self.w
        page = self.new_page()
        self.sign_in(page, w.coach.email, PASSWORD)
        page.goto(self.url(f"/sessions/{w.next_session.code}/"))
        page.get_by_role("link", name="Open the session workspace").click()
        page.wait_for_url(re.compile(r"/workspace/$"))

        agenda = page.locator("#agenda")
        self.assertIn(CANARY.agenda_outcome, agenda.inner_text())
        last = page.locator("#last-session")
        self.assertIn(CANARY.action, last.inner_text())
        self.assertIn("Overdue", last.inner_text())
        self.assertIn(CANARY.shared_notes, last.inner_text())
        goals = page.locator("#goals")
        self.assertIn(CANARY.goal, goals.inner_text())
        self.assertIn(CANARY.key_result, goals.inner_text())

        # One click copies a GROW question into the private notes, in place, after what
        # the coach has typed there and not saved yet.
        page.locator("#id_private-body").fill("Typed first")
        page.locator("#grow summary", has_text="Options").click()
        question = page.locator("#grow li", has_text="What else could you do?")
        question.get_by_role("button", name=re.compile("^Add to my notes")).click()
        page.locator("#private-notes .saved").wait_for()
        self.assertEqual(
            page.locator("#id_private-body").input_value().strip(),
            "Typed first\n\nWhat else could you do?",
        )
        note = PrivateNote.objects.get(session=w.next_session)
        self.assertEqual(note.body, "Typed first\n\nWhat else could you do?")

        # The close: a commitment the coachee states, written as their action.
        due = (timezone.localdate() + timedelta(days=7)).isoformat()
        page.get_by_label(re.compile(r"^Commitment 1:?$")).fill("Ask Priya to chair Monday")
        page.get_by_label("Commitment 1: by when?").fill(due)
        page.get_by_role("button", name="Write them down as actions").click()
        page.locator("#close .saved").wait_for()
        self.assertIn("Ask Priya to chair Monday", page.locator("#close").inner_text())
        action = Action.objects.get(session=w.next_session)
        self.assertEqual(action.owner, w.coachee)

        # The workspace on a phone: nothing wider than the screen but the tables.
        self.check_accessibility(page)
        self.assertEqual(self.csp_violations, [])

    def test_a_mark_done_control_is_at_least_24_px(self):
        page = self.new_page(mobile=True)
        self.sign_in(page, self.w.coachee.email, PASSWORD)
        page.goto(self.url(f"/sessions/{self.w.past_session.code}/"))
        box = page.locator(f"#action-{self.w.action.code} button").bounding_box()
        self.assertGreaterEqual(box["width"], 24)
        self.assertGreaterEqual(box["height"], 24)

    def test_the_commitment_box_is_wide_and_choices_sit_beside_their_labels(self):
        page = self.new_page()
        self.sign_in(page, self.w.coachee.email, PASSWORD)
        page.goto(self.url(f"/sessions/{self.w.next_session.code}/"))
        title = page.get_by_label(re.compile(r"^Commitment 1:?$")).bounding_box()
        self.assertGreater(title["width"], 300)

        page.goto(self.url("/account/reminders/"))
        label = page.locator("label", has=page.locator("input[type=checkbox]")).first
        box = label.locator("input").bounding_box()
        text = label.bounding_box()
        # The box sits on the label's line (not above it), and the label is not bold.
        self.assertLess(abs((box["y"] + box["height"] / 2) - (text["y"] + text["height"] / 2)), 6)
        self.assertEqual(label.evaluate("e => getComputedStyle(e).fontWeight"), "400")
