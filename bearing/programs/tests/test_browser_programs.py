"""End to end in headless Chromium: a sponsor sets up a program and invites a
leader, the leader fills their matching profile and chooses one of three coaches,
the coach accepts; once three coachees have coaching sessions the sponsor's
dashboard shows figures, and a filter that leaves two shows them hidden. Every
page is checked with axe-core as it goes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bearing.accounts.models import Role
from bearing.engagements.models import SessionStatus
from bearing.programs import services as ps
from bearing.programs.models import Program, Seat, SessionTheme
from bearing.testing import PASSWORD, grant, make_engagement, make_session, make_user, make_world
from bearing.testing.browser import BrowserTestCase


@pytest.mark.browser
class ProgramBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.w = make_world()
        w = self.w
        self.third = make_user("third.coach@example.com", "Tess Third")
        grant(self.third, Role.COACH, practice=w.practice)
        for coach, focus in (
            (w.coach, "delegation"),
            (w.other_coach, "conflict"),
            (self.third, "team"),
        ):
            ps.coach_profile_save(
                coach=coach,
                practice=w.practice,
                bio=f"{coach.name} has coached leaders for years.",
                focus_areas=[focus],
                languages=["en"],
                time_zone="Europe/London",
                years_experience=8,
                capacity=10,
            )

    def test_a_program_from_set_up_to_the_cohort_dashboard(self):
        w = self.w
        today = timezone.localdate()
        sponsor = self.new_page()
        self.sign_in(sponsor, w.sponsor.email, PASSWORD)
        sponsor.get_by_role("link", name="Programs").click()
        sponsor.get_by_role("link", name="Set up a program").click()
        sponsor.get_by_label("Name").fill("Leaders of tomorrow")
        sponsor.get_by_label("Organization").select_option(label="Acme Manufacturing")
        sponsor.get_by_label("Coaching practice").select_option(label="Northstar Coaching")
        sponsor.get_by_label("Starts on").fill((today - timedelta(days=30)).isoformat())
        sponsor.get_by_label("Ends on").fill((today + timedelta(days=300)).isoformat())
        sponsor.get_by_label("Seats").fill("8")
        sponsor.get_by_label("Delegation").check()
        sponsor.get_by_role("button", name="Set up the program").click()
        sponsor.get_by_role("heading", name="Leaders of tomorrow").wait_for()
        sponsor.get_by_label("Leader's name").fill("Lena Leader")
        sponsor.get_by_label("Leader's email address").fill(w.coachee.email)
        sponsor.get_by_role("button", name="Invite").click()
        sponsor.get_by_text("Invitation sent").wait_for()
        self.screenshot(sponsor, "programs-01-program")
        program = Program.objects.get(name="Leaders of tomorrow")
        # The leader follows the invitation (tested in the services): the seat is theirs.
        seat = Seat.objects.get(program=program)
        ps.seat_attach_leader(invitation=seat.invitation, user=w.coachee)

        leader = self.new_page()
        self.sign_in(leader, w.coachee.email, PASSWORD)
        leader.get_by_role("link", name="Programs").click()
        leader.get_by_role("link", name="Leaders of tomorrow").click()
        leader.get_by_label("Delegation").check()
        leader.get_by_label("English").check()
        leader.get_by_label("Your time zone").select_option("Europe/London")
        leader.get_by_label(re.compile("In your own words")).fill("Let go of the detail.")
        leader.get_by_role("button", name="Save and see your coaches").click()
        leader.get_by_role("heading", name="Coaches proposed to you").wait_for()
        self.assertEqual(leader.get_by_role("button", name=re.compile("^Choose ")).count(), 3)
        leader.get_by_text("Works on delegation, as you asked.").wait_for()
        self.screenshot(leader, "programs-02-three-coaches")
        # A short call with Clara first.
        leader.get_by_text("Meet Clara Coach first").click()
        when = timezone.localtime(timezone.now() + timedelta(days=2), w.coachee.tz)
        leader.locator("#call-1").fill(when.strftime("%Y-%m-%dT%H:%M"))
        leader.get_by_role("button", name="Book the call").first.click()
        leader.get_by_text("Your call with Clara Coach is booked").wait_for()
        leader.get_by_text("Your call to get to know each other").wait_for()
        leader.get_by_role("button", name="Choose Clara Coach").click()
        leader.get_by_text("You chose Clara Coach").wait_for()

        coach = self.new_page()
        self.sign_in(coach, w.coach.email, PASSWORD)
        coach.get_by_role("link", name="Programs").click()
        coach.get_by_role("link", name="Lena Leader").click()
        coach.get_by_text("Let go of the detail.").wait_for()
        coach.get_by_role("button", name="Accept").click()
        coach.get_by_text("The engagement is proposed").wait_for()
        self.screenshot(coach, "programs-03-coach-accepted")
        seat.refresh_from_db()
        self.assertEqual(seat.engagement.coach, w.coach)

        # Three coachees have coaching sessions: two on conflict, one on delegation.
        for i, theme in enumerate(["conflict", "conflict", "delegation"]):
            person = make_user(f"cohort{i}@example.com", f"Cohort {i}")
            engagement = make_engagement(
                coach=w.other_coach,
                coachee=person,
                practice=w.practice,
                organization=w.organization,
            )
            Seat.objects.create(
                program=program, leader=person, invited_email=person.email, engagement=engagement
            )
            session = make_session(engagement, days=-2, status=SessionStatus.HELD)
            SessionTheme.objects.create(session=session, theme=theme, tagged_by=w.other_coach)

        sponsor.get_by_role("link", name="The program dashboard").click()
        sponsor.get_by_role("heading", name=re.compile("the cohort")).wait_for()
        sponsor.get_by_text("Held").wait_for()
        held = sponsor.locator("dt:has-text('Held') + dd").inner_text()
        self.assertEqual(held, "3 of 36 contracted")
        self.screenshot(sponsor, "programs-04-dashboard")
        sponsor.get_by_role("combobox", name="Theme").select_option(label="Conflict")
        sponsor.get_by_role("button", name="Show").click()
        sponsor.wait_for_url(re.compile(r"theme=conflict"))
        sponsor.get_by_text("Some figures are hidden").wait_for()
        self.assertEqual(
            sponsor.locator("section[aria-labelledby=att-h] p").inner_text(), "Hidden."
        )
        self.screenshot(sponsor, "programs-05-two-hidden")

        # The program report, with an estimate of the sponsor's own, and its PDF.
        sponsor.goto(self.url(f"/programs/{program.code}/report/"))
        sponsor.get_by_label("What the figure is").fill("Internal promotions")
        sponsor.get_by_label("Your estimate").fill("4")
        sponsor.get_by_label("Unit (optional)").fill("people")
        sponsor.get_by_role("button", name="Add the estimate").click()
        sponsor.get_by_role("cell", name="4 people").wait_for()
        with sponsor.expect_download() as download:
            sponsor.get_by_role("link", name="Download the report (PDF)").click()
        with open(download.value.path(), "rb") as pdf:
            self.assertTrue(pdf.read().startswith(b"%PDF-1.4"))
        self.screenshot(sponsor, "programs-06-report")
        self.assertEqual(self.csp_violations, [])
