"""End to end in headless Chromium: a leader builds a 90-day plan from a template
and maps two stakeholders, who land in the right quadrants of the grid."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bearing.practice.models import TransitionPlan
from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase


@pytest.mark.browser
class TransitionPlanBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def test_build_a_plan_from_a_template_and_map_two_stakeholders(self):
        w = self.w
        leader = self.new_page()
        self.sign_in(leader, w.coachee.email, PASSWORD)
        leader.get_by_role("link", name="Your transition plans").click()
        leader.get_by_label("A promotion into a bigger role").check()
        leader.get_by_label(re.compile("The new role, or the change")).fill(
            "Head of the Leeds plant"
        )
        start = timezone.localdate() + timedelta(days=14)
        leader.get_by_label(re.compile("^Day 1")).fill(start.isoformat())
        leader.get_by_role("button", name="Start my plan").click()
        leader.get_by_role("heading", name="Head of the Leeds plant").wait_for()
        leader.get_by_text(re.compile("Day 90")).first.wait_for()

        for name, power, interest in (("Priya Shah", "5", "4"), ("Tom Reed", "2", "5")):
            leader.get_by_label(re.compile("^Name")).fill(name)
            leader.get_by_label(re.compile("^Power over your success")).select_option(power)
            leader.get_by_label(re.compile("^Interest in what you do")).select_option(interest)
            leader.get_by_label(re.compile("^Where they stand now")).select_option("neutral")
            leader.get_by_role("button", name="Add to the map").click()
            leader.get_by_text("Added to your stakeholder map.").wait_for()
        grid = leader.locator("table.stakeholder-grid")
        self.assertIn(
            "Priya Shah", " ".join(grid.locator("td.sq-manage_closely").all_inner_texts())
        )
        self.assertIn("Tom Reed", " ".join(grid.locator("td.sq-keep_informed").all_inner_texts()))
        self.assertIn(
            "Keep informed", leader.get_by_role("row", name=re.compile("^Tom Reed")).inner_text()
        )

        leader.get_by_label(re.compile(r"^Turnaround")).fill("60")
        leader.get_by_label(re.compile(r"^Realignment")).fill("40")
        leader.get_by_label(re.compile("What could you win early")).fill(
            "Fix the night-shift handover"
        )
        leader.get_by_label(re.compile("^Expectations: had this conversation")).check()
        leader.get_by_role("button", name="Save my plan").click()
        leader.get_by_text("Plan saved.").wait_for()
        self.screenshot(leader, "practice-30-transition")
        plan = TransitionPlan.objects.get(engagement=w.engagement)
        self.assertEqual((plan.situation_turnaround, plan.situation_realignment), (60, 40))
        self.assertTrue(plan.conversations["expectations"]["done"])
        self.assertEqual(plan.stakeholders.count(), 2)
        self.assertEqual(self.csp_violations, [])
