"""End to end in headless Chromium: a leader moves an item to "delegate" with the
keyboard alone and sets a follow-up date, which becomes an action."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bearing.engagements.models import Action
from bearing.practice import services as s
from bearing.practice.models import BoardItem
from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase


def tab_to(page, pattern: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text or label matches ``pattern``."""
    rx = re.compile(pattern)
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(
            """() => { const e = document.activeElement; if (!e) return "";
            const label = e.labels && e.labels.length ? e.labels[0].textContent : "";
            return (e.textContent || "").trim() + " " + label; }"""
        )
        if rx.search(name):
            return
    raise AssertionError(f"never reached {pattern!r} with Tab")


@pytest.mark.browser
class BoardKeyboardTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()
        board = s.board_ensure(engagement=self.w.engagement, by=self.w.coachee)
        s.board_item_add(board=board, by=self.w.coachee, title="Budget memo", quadrant="do")

    def test_move_to_delegate_with_the_keyboard_and_set_a_follow_up(self):
        w = self.w
        leader = self.new_page()
        self.sign_in(leader, w.coachee.email, PASSWORD)
        leader.goto(self.url(f"/engagements/{w.engagement.code}/priorities/"))
        self.screenshot(leader, "practice-10-board")
        tab_to(leader, r"Delegate: Budget memo")
        leader.keyboard.press("Enter")
        leader.wait_for_url(re.compile(r"/delegate/$"))
        tab_to(leader, r"To whom")
        leader.keyboard.type("Priya")
        tab_to(leader, r"How much of the decision")
        leader.keyboard.press("c")  # "Consult: I ask them, then decide"
        due = timezone.localdate() + timedelta(days=5)
        tab_to(leader, r"When will you follow up")
        leader.keyboard.type(due.strftime("%m%d%Y"))
        self.screenshot(leader, "practice-11-delegate")
        tab_to(leader, r"^Delegate\s*$")
        leader.keyboard.press("Enter")
        leader.get_by_text(re.compile("Delegated. The follow-up")).wait_for()
        self.screenshot(leader, "practice-12-delegated")
        item = BoardItem.objects.get(board__engagement=w.engagement)
        self.assertEqual(
            (item.quadrant, item.delegate_to, item.delegation_level),
            ("delegate", "Priya", "consult"),
        )
        self.assertEqual(item.follow_up_on, due)
        self.assertTrue(Action.objects.filter(pk=item.follow_up_action_id, due_on=due).exists())
        self.assertEqual(self.csp_violations, [])

    def test_drag_an_item_to_another_quadrant(self):
        w = self.w
        leader = self.new_page()
        self.sign_in(leader, w.coachee.email, PASSWORD)
        leader.goto(self.url(f"/engagements/{w.engagement.code}/priorities/"))
        item = leader.locator("li.board-item", has_text="Budget memo")
        item.drag_to(leader.locator("section.board-column.q-drop"))
        leader.get_by_text("Moved to Drop.").wait_for()
        self.assertEqual(BoardItem.objects.get(board__engagement=w.engagement).quadrant, "drop")
        self.assertEqual(self.csp_violations, [])
