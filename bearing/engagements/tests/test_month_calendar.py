"""The month calendar: the coach's and the coachee's coaching sessions in a month
grid, times in the viewer's own time zone with the zone named."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import CoachingSession, SessionStatus
from bearing.engagements.month import parse_month
from bearing.testing import CANARY, WorldTestCase

URL = reverse("engagements:month_calendar")


class MonthCalendarTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 23:30 UTC on 14 March 2030: the 14th in New York (the coachee), the 14th
        # in London (the coach) — and 00:30 on the 15th in Berlin.
        cls.late = CoachingSession.objects.create(
            engagement=cls.w.engagement,
            scheduled_for=datetime(2030, 3, 14, 23, 30, tzinfo=UTC),
            location="Room 4",
        )
        cls.cancelled = CoachingSession.objects.create(
            engagement=cls.w.engagement,
            scheduled_for=datetime(2030, 3, 20, 9, 0, tzinfo=UTC),
            status=SessionStatus.CANCELLED,
            cancelled_at=timezone.now(),
        )

    def get(self, user, month="2030-03"):
        self.login(user)
        response = self.client.get(URL, {"month": month})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def cell_of(self, body, session):
        """The day number of the table cell that links to ``session``."""
        link = reverse("engagements:session_detail", args=[session.code])
        before = body[: body.index(link)]
        cell = before[before.rindex("<td") :]
        return cell.split('class="day-number">')[1].split("<")[0]

    def test_times_are_in_each_viewers_zone_with_the_zone_named(self):
        coach = self.get(self.w.coach)  # Europe/London
        self.assertIn("Europe/London", coach)
        self.assertIn("23:30 Lena Leader", coach)
        coachee = self.get(self.w.coachee)  # America/New_York (EDT from 10 March)
        self.assertIn("America/New_York", coachee)
        self.assertIn("19:30 Clara Coach", coachee)
        self.assertEqual(self.cell_of(coachee, self.late), "14")

    def test_a_session_lands_on_the_viewers_own_day(self):
        self.w.coach.time_zone = "Europe/Berlin"
        self.w.coach.save(update_fields=["time_zone"])
        body = self.get(self.w.coach)
        self.assertIn("00:30 Lena Leader", body)
        self.assertEqual(self.cell_of(body, self.late), "15")

    def test_the_grid_has_headers_and_month_links(self):
        body = self.get(self.w.coach)
        self.assertIn("<caption>Coaching sessions, March 2030", body)
        self.assertEqual(body.count('<th scope="col">'), 7)
        self.assertIn('href="?month=2030-02"', body)
        self.assertIn('href="?month=2030-04"', body)
        self.assertIn('tabindex="0" role="region"', body)
        self.assertIn("Cancelled", body)

    def test_other_months_do_not_show_the_session(self):
        link = reverse("engagements:session_detail", args=[self.late.code])
        self.assertNotIn(link, self.get(self.w.coach, "2030-05"))

    def test_no_notes_or_agenda_reach_the_calendar(self):
        body = self.get(self.w.coach, timezone.localdate().strftime("%Y-%m"))
        for tag in (CANARY.agenda_outcome, CANARY.shared_notes, CANARY.private_note):
            self.assertNotIn(tag, body)

    def test_someone_elses_sessions_never_appear(self):
        body = self.get(self.w.other_coach)
        self.assertNotIn(reverse("engagements:session_detail", args=[self.late.code]), body)
        self.assertIn("No coaching sessions this month", body)

    def test_sponsors_and_staff_get_404(self):
        for user in (self.w.sponsor, self.w.staff):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 404)

    def test_a_month_costs_the_same_queries_however_many_sessions(self):
        self.login(self.w.coach)
        self.client.get(URL, {"month": "2030-03"})
        with self.assertNumQueries(4):  # login session, user, roles, sessions
            self.client.get(URL, {"month": "2030-03"})

    def test_a_bad_month_is_this_month(self):
        today = date(2026, 11, 25)
        self.assertEqual(parse_month("nonsense", today), date(2026, 11, 1))
        self.assertEqual(parse_month("2030-13", today), date(2026, 11, 1))
        self.assertEqual(parse_month("9999-01", today), date(2026, 11, 1))
        self.assertEqual(parse_month("2030-03", today), date(2030, 3, 1))


class ZoneNamedTests(WorldTestCase):
    def test_the_dashboard_names_the_zone_of_its_session_times(self):
        self.login(self.w.coach)
        body = self.client.get(reverse("dashboard")).content.decode()
        self.assertIn("Times in your time zone, Europe/London.", body)
        self.login(self.w.coachee)
        body = self.client.get(reverse("dashboard")).content.decode()
        self.assertIn("(America/New_York)", body)
