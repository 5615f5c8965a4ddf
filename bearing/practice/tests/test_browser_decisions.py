"""End to end in headless Chromium: a leader records a decision with two options
and a pre-mortem, decides with a prediction, reviews it on its date, and sees it
in the calibration view. Every page is checked with axe-core as it goes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bearing.practice.models import Decision
from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase


@pytest.mark.browser
class DecisionJournalBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def test_record_decide_review_and_calibrate(self):
        w = self.w
        leader = self.new_page()
        self.sign_in(leader, w.coachee.email, PASSWORD)
        leader.get_by_role("link", name="Your decision journal").click()
        leader.get_by_label(re.compile("What are you deciding")).fill("Move the product launch?")
        leader.get_by_label(re.compile("Why does it need deciding now")).fill(
            "The board meets Friday."
        )
        leader.get_by_role("button", name="Start").click()
        leader.wait_for_url(re.compile(r"/step/stakes/$"))
        leader.get_by_role("heading", name=re.compile("What is at stake")).wait_for()
        leader.get_by_role("link", name=re.compile("Skip to options")).click()
        leader.get_by_label("Option 1").fill("Move it by a month")
        leader.get_by_label("Option 2").fill("Keep the date")
        leader.get_by_role("button", name=re.compile("Save and go on")).click()
        leader.wait_for_url(re.compile(r"/step/criteria/$"))
        leader.get_by_label(re.compile(r"^Criterion 1\b")).fill("Quality")
        leader.get_by_label("Weight of criterion 1").select_option("5")
        leader.get_by_label(re.compile(r"^Criterion 2\b")).fill("Trust of the sales team")
        leader.get_by_label("Weight of criterion 2").select_option("3")
        leader.get_by_role("button", name=re.compile("Save and go on")).click()
        leader.wait_for_url(re.compile(r"/step/matrix/$"))
        for label, score in (
            ("Move it by a month: Quality", "5"),
            ("Move it by a month: Trust of the sales team", "2"),
            ("Keep the date: Quality", "2"),
            ("Keep the date: Trust of the sales team", "4"),
        ):
            leader.get_by_label(label).select_option(score)
        self.screenshot(leader, "practice-01-matrix")
        leader.get_by_role("button", name=re.compile("Save and go on")).click()
        leader.wait_for_url(re.compile(r"/step/outcomes/$"))
        leader.goto(leader.url.replace("/outcomes/", "/premortem/"))
        leader.get_by_label(re.compile("went badly")).fill("We slipped twice and lost the client.")
        leader.get_by_role("button", name="Save and see the overview").click()
        leader.get_by_text("We slipped twice and lost the client.").wait_for()
        leader.get_by_text("31 of 40").wait_for()
        self.screenshot(leader, "practice-02-overview")

        leader.get_by_role("link", name="Decide", exact=True).click()
        leader.get_by_label("Move it by a month").check()
        leader.get_by_label("Why this option?").fill("Quality matters most to our clients.")
        leader.get_by_label(re.compile("What kind of decision")).select_option(
            label="Strategy and direction"
        )
        review_on = timezone.localdate() + timedelta(days=30)
        leader.get_by_label(re.compile("When will you look back")).fill(review_on.isoformat())
        leader.get_by_label("Prediction 1: what will happen?").fill("Launch lands with no P1 bugs")
        leader.get_by_label("Prediction 1: by when?").fill(
            (review_on + timedelta(days=7)).isoformat()
        )
        leader.get_by_label(re.compile(r"Prediction 1: how sure")).fill("80")
        self.screenshot(leader, "practice-03-decide")
        leader.get_by_role("button", name="Decide and keep my reasoning").click()
        leader.get_by_text(re.compile("Your reasoning when you decided")).wait_for()
        self.screenshot(leader, "practice-04-decided")

        # The review date comes.
        decision = Decision.objects.get(engagement=w.engagement)
        Decision.objects.filter(pk=decision.pk).update(review_on=timezone.localdate())
        leader.goto(self.url(f"/engagements/{w.engagement.code}/decisions/"))
        leader.get_by_role("link", name=re.compile("Review: Move the product launch")).click()
        leader.get_by_label("What actually happened?").fill("Launched a month late, clean.")
        leader.get_by_role("group", name=re.compile("How good was the outcome")).get_by_label(
            "Good", exact=True
        ).check()
        leader.get_by_role("group", name=re.compile("How good was the way")).get_by_label(
            "Rather good"
        ).check()
        leader.get_by_label("It came true").check()
        leader.get_by_label("What did you learn?").fill("Say no sooner.")
        self.screenshot(leader, "practice-05-review")
        leader.get_by_role("button", name="Save the review").click()
        leader.get_by_text(re.compile("this decision:")).wait_for()
        self.assertIn("Earned success", leader.locator(".two-by-two caption").inner_text())
        self.screenshot(leader, "practice-06-reviewed")

        leader.goto(self.url(f"/engagements/{w.engagement.code}/decisions/"))
        leader.get_by_role("link", name="How well calibrated am I?").click()
        leader.get_by_text("Too few yet.").wait_for()
        leader.get_by_text("0.040").first.wait_for()
        self.screenshot(leader, "practice-07-calibration")
        self.assertEqual(self.csp_violations, [])
        self.assertEqual(self.console_errors, [])
