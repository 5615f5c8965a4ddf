"""End to end in headless Chromium: a leader completes a self-assessment, nominates
raters and opens a 360; three raters answer through their links with no account;
the coach screens the comments and marks the debrief done; the leader reads the
report with a blind spot, a hidden strength and the comments."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from bearing.insight.models import Campaign, Item
from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import BrowserTestCase

# Leader: "always" on self-awareness, "never" on communication, "sometimes" elsewhere.
# Raters: less on self-awareness, more on communication: a blind spot and a hidden strength.
SELF = {"self_awareness": "5", "communication": "1"}
RATERS = {"self_awareness": "2", "communication": "4"}


def answer_all(page, values: dict[str, str], default: str = "3") -> None:
    for item in Item.objects.filter(instrument__key="leadership").select_related("competency"):
        value = values.get(item.competency.key, default)
        page.check(f'input[name="a-{item.key}"][value="{value}"]')


@pytest.mark.browser
class Campaign360BrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()

    def test_self_assessment_360_debrief_and_report(self):
        w = self.w
        leader = self.new_page()
        self.sign_in(leader, w.coachee.email, PASSWORD)
        leader.goto(self.url(f"/engagements/{w.engagement.code}/"))
        leader.get_by_role("link", name=re.compile("Self-awareness")).click()
        leader.get_by_label("Leadership behaviours").check()
        leader.get_by_role("button", name="Start").click()
        leader.wait_for_url(re.compile(r"/assessments/"))
        answer_all(leader, SELF)
        leader.get_by_text("32 of 32 answered").wait_for()  # each choice kept as it was made
        self.screenshot(leader, "insight-01-self-assessment")
        leader.get_by_role("button", name="Finish").click()
        leader.wait_for_url(re.compile(r"/result/$"))
        leader.get_by_role("img", name=re.compile("score per competency")).wait_for()
        self.screenshot(leader, "insight-02-scores")

        leader.goto(self.url(f"/engagements/{w.engagement.code}/insight/campaigns/new/"))
        leader.get_by_label("Deadline for raters").fill("2099-01-31")
        leader.get_by_role("button", name="Set up").click()
        leader.wait_for_url(re.compile(r"/campaigns/"))
        for n in range(3):
            leader.get_by_label("Name").fill(f"Peer {n}")
            leader.get_by_label("Email").fill(f"peer{n}@example.com")
            leader.get_by_label("Group").select_option("peer")
            leader.get_by_role("button", name="Nominate").click()
            leader.get_by_text("Added.").wait_for()
        leader.get_by_role("button", name=re.compile("Open the campaign")).click()
        leader.get_by_text(re.compile("The campaign is open")).wait_for()
        self.screenshot(leader, "insight-03-campaign-open")

        links = [re.search(r"https?://\S+/r/\S+/", m.body).group(0) for m in mail.outbox]
        self.assertEqual(len(links), 3)
        for n, link in enumerate(links):
            rater = self.new_page()
            rater.goto(self.url(link[link.index("/r/") :]))
            answer_all(rater, RATERS)
            rater.get_by_text("Kept.").wait_for()
            rater.get_by_text(re.compile("Comments on communication")).click()
            rater.locator("#c-communication-start").fill(
                f"Comment number {n}: share the agenda the day before"
            )
            # Leaving the comment saves it (htmx, on change); let that finish before
            # handing in, as a person would see "Kept." first. (The test server shares one
            # SQLite connection between its threads, so two requests at once collide.)
            rater.locator("#c-communication-start").press("Tab")
            rater.wait_for_load_state("networkidle")
            if n == 0:
                self.screenshot(rater, "insight-04-rater")
            rater.get_by_role("button", name="Hand in").click()
            rater.get_by_text("Your answers are in").wait_for()

        coach = self.new_page()
        self.sign_in(coach, w.coach.email, PASSWORD)
        campaign = Campaign.objects.get()
        coach.goto(self.url(f"/campaigns/{campaign.code}/"))
        coach.get_by_role("button", name="Close the campaign now").click()
        coach.get_by_text(re.compile("Closed. The report is ready")).wait_for()
        coach.get_by_role("button", name="Hold back").first.click()
        coach.get_by_text("(held back)").wait_for()
        self.screenshot(coach, "insight-05-screening")
        coach.get_by_role("button", name=re.compile("The debrief is done")).click()
        coach.get_by_text(re.compile("Debrief marked done")).wait_for()

        leader.goto(self.url(f"/campaigns/{campaign.code}/"))
        leader.get_by_role("link", name="Read the report").click()
        leader.wait_for_url(re.compile(r"/report/$"))
        blind = leader.locator("h3:text('Blind spots') + ul")
        self.assertIn("Self-awareness", blind.inner_text())
        hidden = leader.locator("h3:text('Hidden strengths') + ul")
        self.assertIn("Communication and presenting", hidden.inner_text())
        self.assertEqual(leader.get_by_text(re.compile(r"share the agenda")).count(), 2)
        self.screenshot(leader, "insight-06-report")
        self.assertEqual(self.csp_violations, [])
