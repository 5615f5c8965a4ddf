"""Demo data: Daniel has a decision under review, a transition plan and a board."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from bearing.practice.demo import demo_practice
from bearing.practice.queries import calibration_for, decisions_due_for_review
from bearing.testing import WorldTestCase


class DemoPracticeTests(WorldTestCase):
    def test_the_demo_coachee_has_each_tool_in_use(self):
        e = self.w.engagement
        demo_practice(e)
        (due,) = decisions_due_for_review(e)
        self.assertEqual(due.title, "Who leads the night shift?")
        self.assertEqual(due.snapshot["decided_on"], timezone.localdate(due.decided_at).isoformat())
        self.assertEqual(calibration_for(e).resolved, 1)
        plan = e.transition_plans.get()
        self.assertEqual(plan.stakeholders.count(), 2)
        self.assertEqual(e.priority_board.items.count(), 4)
        self.login(self.w.coachee)
        page = self.client.get(reverse("practice:decisions", args=[e.code]))
        self.assertContains(page, "Due for review")
        for url in (
            reverse("practice:board", args=[e.code]),
            reverse("practice:transition", args=[plan.code]),
            reverse("practice:calibration", args=[e.code]),
            reverse("practice:decision_review", args=[due.code]),
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)
