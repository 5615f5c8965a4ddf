"""End to end in headless Chromium: a leader creates a goal with a key result,
checks in twice, sees the chart and a celebrated win; the coach sees the leader
on the attention list when a check-in is missed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bearing.growth.models import CheckIn, KeyResult
from bearing.testing import PASSWORD, make_world, one_where
from bearing.testing.browser import BrowserTestCase


@pytest.mark.browser
class GrowthFlowTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()
        CheckIn.objects.all().delete()

    def test_goal_check_ins_chart_win_and_attention(self):
        w = self.w
        leader = self.new_page(mobile=True)
        self.sign_in(leader, w.coachee.email, PASSWORD)
        leader.goto(self.url(f"/engagements/{w.engagement.code}/plan/"))
        leader.get_by_label(re.compile("Your goal, in your words")).fill("Run shorter meetings")
        leader.get_by_label(re.compile("^Focus area")).select_option(label="Managing priorities")
        leader.get_by_label(re.compile("what will you measure")).fill("Average meeting length")
        leader.get_by_label(re.compile("^Unit")).fill("minutes")
        leader.get_by_label(re.compile("Where you are now")).fill("60")
        leader.get_by_label(re.compile("^Target")).fill("30")
        leader.get_by_label(re.compile("Which way is better")).select_option(
            label="Lower is better"
        )
        leader.get_by_role("button", name="Add to my plan").click()
        leader.get_by_text("Goal added to your plan.").wait_for()
        kr = one_where(KeyResult, unit="minutes")

        for minutes, confidence, win in (
            ("45", "6", ""),
            ("30", "8", "Cut the Monday meeting in half"),
        ):
            leader.goto(self.url(f"/engagements/{w.engagement.code}/check-in/"))
            leader.get_by_label(re.compile("Average meeting length")).fill(minutes)
            leader.get_by_label(re.compile("How confident")).select_option(confidence)
            leader.get_by_label(re.compile("Your energy")).select_option("7")
            if win:
                leader.get_by_label(re.compile("Wins")).fill(win)
            leader.get_by_role("button", name="Save check-in").click()
            leader.wait_for_url(re.compile(r"/wins/$"))
        leader.get_by_text("Cut the Monday meeting in half").wait_for()
        leader.get_by_text(re.compile("Target hit")).first.wait_for()
        self.assertIn("win", leader.locator(".celebrate").inner_text())
        self.screenshot(leader, "10-leader-wins")

        leader.goto(self.url(f"/goals/{kr.goal.code}/"))
        chart = leader.locator("svg.chart").first
        self.assertIn("Readings:", chart.locator("desc").text_content())
        self.assertEqual(leader.locator("svg.chart circle").count(), 2)
        self.assertIn("30", leader.locator("table").first.inner_text())
        self.screenshot(leader, "11-leader-chart")

        # The check-ins were long ago: the coach sees the leader on the attention list.
        CheckIn.objects.filter(engagement=w.engagement).update(
            submitted_at=timezone.now() - timedelta(days=15)
        )
        coach = self.new_page()
        self.sign_in(coach, w.coach.email, PASSWORD)
        attention = coach.locator(".attention")
        attention.wait_for()
        text = attention.inner_text()
        self.assertIn(w.coachee.name, text)
        self.assertIn("No check-in for 15 days", text)
        self.screenshot(coach, "12-coach-attention")
        self.assertEqual(self.csp_violations, [])
        self.assertEqual(self.failed_requests, [])
