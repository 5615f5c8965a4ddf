"""The staff page at scale: people a page at a time with a search, the most recent
engagements counted alone, the same queries whatever the installation's size."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bearing.accounts.queries import PEOPLE_PER_PAGE
from bearing.engagements.models import CoachingSession, Engagement, SessionStatus
from bearing.engagements.queries import staff_engagements
from bearing.testing import WorldTestCase, make_engagement, make_user


class StaffPeoplePagesTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for i in range(PEOPLE_PER_PAGE + 5):
            make_user(f"person{i:03d}@example.com", f"Zed Person {i:03d}")

    def setUp(self):
        self.login(self.w.staff)

    def people_rows(self, response) -> str:
        html = response.content.decode()
        return html[html.index('id="people-h"') :]

    def test_people_come_a_page_at_a_time_in_name_order(self):
        first = self.people_rows(self.client.get(reverse("accounts:staff")))
        self.assertIn("Next page", first)
        self.assertNotIn("Previous page", first)
        second = self.people_rows(self.client.get(reverse("accounts:staff") + "?page=2"))
        self.assertIn("Previous page", second)
        self.assertNotIn("Next page", second)
        last = f"Zed Person {PEOPLE_PER_PAGE + 4:03d}"
        self.assertIn(last, second)
        self.assertNotIn(last, first)

    def test_a_search_finds_people_by_name_or_email(self):
        page = self.people_rows(self.client.get(reverse("accounts:staff") + "?q=person007@"))
        self.assertIn("Zed Person 007", page)
        self.assertNotIn("Zed Person 008", page)
        self.assertNotIn("Next page", page)
        nobody = self.people_rows(self.client.get(reverse("accounts:staff") + "?q=nobody-here"))
        self.assertIn("Nobody matches", nobody)

    def test_a_page_number_out_of_range_or_not_a_number_is_harmless(self):
        for page in ("0", "-3", "abc", "999999999"):
            with self.subTest(page=page):
                response = self.client.get(reverse("accounts:staff") + f"?page={page}")
                self.assertEqual(response.status_code, 200)

    def test_every_page_and_search_costs_the_same_queries(self):
        self.client.get(reverse("accounts:staff"))
        counts = []
        for query in ("", "?page=2", "?q=person0", "?q=nobody"):
            with CaptureQueriesContext(connection) as queries:
                self.client.get(reverse("accounts:staff") + query)
            counts.append(len(queries))
        # (Nobody found: their roles need no query.)
        self.assertEqual(counts, [counts[0]] * 3 + [counts[0] - 1])


class StaffEngagementsTests(WorldTestCase):
    def test_the_most_recent_first_ties_broken_the_same_way_each_time(self):
        w = self.w
        same_time = timezone.now() - timedelta(days=1)
        for i in range(3):
            coachee = make_user(f"tie{i}@example.com", f"Tie {i}")
            make_engagement(
                coach=w.coach, coachee=coachee, practice=w.practice, organization=w.organization
            )
        Engagement.objects.update(created_at=same_time)
        rows = staff_engagements(limit=2)
        newest = list(Engagement.objects.order_by("-id").values_list("code", flat=True)[:2])
        self.assertEqual([r.code for r in rows], [str(c) for c in newest])
        self.assertEqual(rows, staff_engagements(limit=2))

    def test_attendance_is_counted_for_the_engagements_shown(self):
        w = self.w
        held = CoachingSession.objects.filter(
            engagement=w.engagement, status=SessionStatus.HELD
        ).count()
        [row] = [r for r in staff_engagements() if r.code == str(w.engagement.code)]
        self.assertEqual(row.sessions_held, held)

    def test_the_staff_page_shows_engagements_a_page_at_a_time(self):
        w = self.w
        for i in range(2):
            coachee = make_user(f"paged{i}@example.com", f"Paged {i}")
            make_engagement(
                coach=w.coach, coachee=coachee, practice=w.practice, organization=w.organization
            )
        self.login(w.staff)
        with mock.patch("bearing.staff.STAFF_ENGAGEMENTS_PER_PAGE", 1):
            first = self.client.get(reverse("accounts:staff")).content.decode()
            last = self.client.get(reverse("accounts:staff") + "?epage=3").content.decode()
        self.assertIn("Older engagements", first)
        self.assertNotIn("Newer engagements", first)
        self.assertIn("Newer engagements", last)
        self.assertNotIn("Older engagements", last)
        self.assertEqual(first.count('<span class="badge">Active</span>'), 1)


class StaffListsPagedTests(WorldTestCase):
    def test_organizations_and_practices_are_listed_a_page_at_a_time(self):
        from bearing.accounts.models import Organization, Practice

        Organization.objects.create(name="Zeta Organization")
        Practice.objects.create(name="Zeta Practice")
        self.login(self.w.staff)
        with mock.patch("bearing.staff.LIST_PER_PAGE", 1):
            first = self.client.get(reverse("accounts:staff")).content.decode()
            second = self.client.get(reverse("accounts:staff") + "?opage=2&ppage=2")
        self.assertIn("More organizations", first)
        self.assertIn("More practices", first)
        html = second.content.decode()
        self.assertIn("Previous organizations", html)
        self.assertIn("Previous practices", html)
        # Every organization is still offered in the forms' selects.
        self.assertEqual(first.count(">Zeta Organization</option>"), 2)
