"""List pages cost the same number of queries however many records they show."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bearing.practice import services as s
from bearing.testing import WorldTestCase

from .factories import make_decided, make_draft


class QueryCountTests(WorldTestCase):
    def count(self, url: str) -> int:
        self.client.get(url)  # warm the login session
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(ctx.captured_queries)

    def test_the_decision_journal(self):
        self.login(self.w.coachee)
        url = reverse("practice:decisions", args=[self.w.engagement.code])
        make_draft(self.w.engagement)
        one = self.count(url)
        for _ in range(4):
            make_decided(self.w.engagement)
        self.assertEqual(self.count(url), one)

    def test_the_priority_board(self):
        self.login(self.w.coachee)
        url = reverse("practice:board", args=[self.w.engagement.code])
        board = s.board_ensure(engagement=self.w.engagement, by=self.w.coachee)
        s.board_item_add(board=board, by=self.w.coachee, title="t0", quadrant="do")
        one = self.count(url)
        for i in range(4):
            s.board_item_add(board=board, by=self.w.coachee, title=f"t{i + 1}", quadrant="drop")
        s.board_item_add(board=board, by=self.w.coachee, action=self.w.action, quadrant="do")
        self.assertEqual(self.count(url), one)
