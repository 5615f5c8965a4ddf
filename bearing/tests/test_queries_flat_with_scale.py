"""Queries per page do not grow with the data: every main page of every role costs the
same number of queries on a seed of one coach and twenty coachees as on one five times
larger (`make bench` shows the same between seed scales 0.05 and 1)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bearing.accounts.models import User
from bearing.engagements.models import CoachingSession, Engagement
from bearing.insight.models import Campaign
from bearing.programs.models import Program
from bearing.testing import sign_in


def _pages() -> dict[str, tuple[User, str]]:
    """The first seeded people's main pages, by name."""
    e = (
        Engagement.objects.filter(status="active", goals__isnull=False)
        .select_related("coach", "coachee")
        .order_by("coach__email", "coachee__email")
        .first()
    )
    assert e is not None and e.coachee is not None
    held = CoachingSession.objects.filter(engagement=e, status="held").order_by("scheduled_for")
    past = held.last()
    assert past is not None
    sponsor = User.objects.filter(email__startswith="sponsor").order_by("email").first()
    staff = User.objects.get(email="staff00000@seed.bearing")
    program = Program.objects.order_by("id").first()
    campaign = Campaign.objects.filter(released_at__isnull=False).select_related(
        "engagement__coach"
    )[0]
    assert sponsor is not None and program is not None
    return {
        "coach: dashboard": (e.coach, reverse("dashboard")),
        "coach: engagement": (e.coach, reverse("engagements:detail", args=[e.code])),
        "coach: coaching session": (
            e.coach,
            reverse("engagements:session_detail", args=[past.code]),
        ),
        "coach: session brief": (e.coach, reverse("growth:brief", args=[past.code])),
        "coach: month calendar": (e.coach, reverse("engagements:month_calendar")),
        "coach: 360 report": (
            campaign.engagement.coach,
            reverse("insight:campaign_report", args=[campaign.code]),
        ),
        "coachee: dashboard": (e.coachee, reverse("dashboard")),
        "coachee: development plan": (e.coachee, reverse("growth:plan", args=[e.code])),
        "coachee: check-ins": (e.coachee, reverse("growth:check_ins", args=[e.code])),
        "coachee: wins": (e.coachee, reverse("growth:wins", args=[e.code])),
        "coachee: companion": (e.coachee, reverse("companion:home", args=[e.code])),
        "sponsor: dashboard": (sponsor, reverse("dashboard")),
        "sponsor: program dashboard": (
            User.objects.filter(
                memberships__role="sponsor", memberships__organization=program.organization_id
            ).first(),
            reverse("programs:dashboard", args=[program.code]),
        ),
        "staff: staff page": (staff, reverse("accounts:staff")),
    }


def _counts() -> dict[str, tuple[int, int]]:
    """Status and number of queries of each page, after one request to warm it."""
    found = {}
    for name, (user, url) in _pages().items():
        client = Client()
        sign_in(client, user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        found[name] = (status, len(queries))
    return found


class QueriesFlatWithScaleTests(TestCase):
    def seeded_counts(self, scale: str) -> dict[str, tuple[int, int]]:
        with transaction.atomic():
            call_command("seed", "--scale", scale, stdout=StringIO())
            counts = _counts()
            transaction.set_rollback(True)  # the next seed starts from an empty database
        return counts

    def test_every_page_costs_the_same_queries_on_five_times_the_data(self):
        small = self.seeded_counts("0.001")
        large = self.seeded_counts("0.005")
        self.assertEqual(User.objects.filter(email__endswith="@seed.bearing").count(), 0)
        for name in small:
            with self.subTest(page=name):
                self.assertEqual(small[name][0], 200, name)
                self.assertEqual(large[name][0], 200, name)
                self.assertEqual(small[name][1], large[name][1], name)
