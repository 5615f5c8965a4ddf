"""Dashboards: each role sees its own part, and the query count does not grow."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bearing.accounts.models import Role
from bearing.engagements.models import Action
from bearing.testing import (
    CANARY,
    WorldTestCase,
    canary_strings,
    grant,
    make_engagement,
    make_session,
    make_user,
)

URL = reverse("dashboard")


def _add_leaders(w, n: int, start: int = 0):
    for i in range(start, start + n):
        leader = make_user(f"extra{i}@example.com", f"Extra Leader {i}")
        grant(leader, Role.COACHEE, organization=w.organization)
        engagement = make_engagement(
            coach=w.coach,
            coachee=leader,
            practice=w.practice,
            organization=w.organization,
            sponsor=w.sponsor,
        )
        make_session(engagement, days=2 + i)
        make_session(engagement, days=-3, status="held")
        Action.objects.create(
            engagement=engagement,
            owner=leader,
            title="x",
            due_on=timezone.localdate() - timedelta(days=1),
            created_by=leader,
        )


class DashboardTests(WorldTestCase):
    def get(self, user):
        self.login(user)
        return self.client.get(URL)

    def test_anonymous_is_sent_to_login(self):
        self.login(None)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_post_is_not_allowed(self):
        self.login(self.w.coach)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_coach_sees_coachees_upcoming_sessions_and_overdue_actions(self):
        response = self.get(self.w.coach)
        self.assertContains(response, "Your coachees")
        self.assertContains(response, self.w.coachee.name)
        self.assertContains(
            response, reverse("engagements:session_detail", args=[self.w.next_session.code])
        )
        self.assertEqual(list(response.context["coach_overdue"]), [self.w.action])
        self.assertNotContains(response, "Engagements you sponsor")

    def test_other_coach_sees_none_of_the_first_coachs_leaders(self):
        response = self.get(self.w.other_coach)
        self.assertNotContains(response, self.w.coachee.name)
        self.assertEqual(response.context["coach_engagements"], [])
        for tag in canary_strings():
            self.assertNotContains(response, tag)

    def test_coachee_sees_next_session_and_actions(self):
        response = self.get(self.w.coachee)
        self.assertContains(response, "Next coaching session")
        self.assertContains(response, "Your agenda is ready")
        self.assertContains(response, CANARY.action)  # their own action
        self.assertNotContains(response, CANARY.private_note.split()[0])
        self.assertNotContains(response, "Your coachees")

    def test_sponsor_sees_status_and_attendance_only(self):
        response = self.get(self.w.sponsor)
        self.assertContains(response, "Engagements you sponsor")
        self.assertContains(response, self.w.coachee.name)
        self.assertContains(response, "Active")
        for tag in canary_strings():
            self.assertNotContains(response, tag)

    def test_staff_sees_counts_and_no_content(self):
        response = self.get(self.w.staff)
        self.assertContains(response, "Installation")
        for tag in canary_strings():
            self.assertNotContains(response, tag)


class DashboardQueryCountTests(WorldTestCase):
    """Pinned counts; adding leaders must not add queries."""

    # The coach's attention list asks once (every signal a correlated subquery), not seven times.
    PINNED = {"coach": 15, "coachee": 10, "sponsor": 8, "staff": 11}

    def _count(self, user) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_query_counts_are_pinned_and_flat(self):
        personas = {
            "coach": self.w.coach,
            "coachee": self.w.coachee,
            "sponsor": self.w.sponsor,
            "staff": self.w.staff,
        }
        before = {name: self._count(user) for name, user in personas.items()}
        _add_leaders(self.w, 6)
        after = {name: self._count(user) for name, user in personas.items()}
        self.assertEqual(before, after)
        self.assertEqual(after, self.PINNED)


class DashboardCountsTests(WorldTestCase):
    def test_counts_are_not_multiplied_by_joins(self):
        for _ in range(3):
            Action.objects.create(
                engagement=self.w.engagement,
                owner=self.w.coachee,
                title="x",
                due_on=timezone.localdate(),
                created_by=self.w.coachee,
            )
        make_session(self.w.engagement, days=-20, status="held")
        self.login(self.w.coach)
        row = self.client.get(URL).context["coach_engagements"][0]
        self.assertEqual(row.held_count, 2)
        self.assertEqual(row.open_actions, 4)


class SponsorDashboardPagesTests(WorldTestCase):
    """The sponsor's engagements a page at a time, with a search by coachee."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        _add_leaders(cls.w, 3)

    def setUp(self):
        self.login(self.w.sponsor)

    def sponsored(self, query: str = "") -> str:
        html = self.client.get(URL + query).content.decode()
        return html[html.index('id="sponsor-heading"') :]

    def test_engagements_come_a_page_at_a_time_by_coachee_name(self):
        from unittest import mock

        with mock.patch("bearing.engagements.queries.SPONSOR_ENGAGEMENTS_PER_PAGE", 2):
            first = self.sponsored()
            second = self.sponsored("?page=2")
        self.assertIn("Extra Leader 0", first)
        self.assertIn("Extra Leader 1", first)
        self.assertNotIn("Extra Leader 2", first)
        self.assertIn("Next page", first)
        self.assertNotIn("Previous page", first)
        self.assertIn("Extra Leader 2", second)
        self.assertIn("Previous page", second)
        self.assertNotIn("Extra Leader 0", second)

    def test_a_search_finds_coachees_by_name(self):
        found = self.sponsored("?q=leader 1")
        self.assertIn("Extra Leader 1", found)
        self.assertNotIn("Extra Leader 2", found)
        nobody = self.sponsored("?q=nobody-here")
        self.assertIn("No coachee matches", nobody)

    def test_a_search_reaches_no_other_organization(self):
        self.login(self.w.other_sponsor)
        self.assertNotIn("Extra Leader", self.sponsored("?q=leader"))

    def test_a_page_number_out_of_range_or_not_a_number_is_harmless(self):
        for page in ("0", "-3", "abc", "999999999"):
            with self.subTest(page=page):
                self.assertEqual(self.client.get(URL + f"?page={page}").status_code, 200)

    def test_every_page_and_search_costs_the_same_queries(self):
        from unittest import mock

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.get(URL)
        counts = []
        with mock.patch("bearing.engagements.queries.SPONSOR_ENGAGEMENTS_PER_PAGE", 2):
            for query in ("", "?page=2", "?q=leader", "?q=nobody"):
                with CaptureQueriesContext(connection) as queries:
                    self.client.get(URL + query)
                counts.append(len(queries))
        # (Nobody found: no agreements to read.)
        self.assertEqual(counts, [counts[0]] * 3 + [counts[0] - 1])
