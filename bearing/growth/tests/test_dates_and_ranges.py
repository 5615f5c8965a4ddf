"""Dates in the past and empty quiet hours are refused, with the reason beside the field."""

from datetime import date, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import Action
from bearing.growth import services as s
from bearing.growth.models import Goal, Milestone, NotificationPreference
from bearing.testing import WorldTestCase, rows_where

GOAL = {
    "title": "Run shorter meetings",
    "focus_area": "priorities",
    "kind": "measurable",
    "metric": "Average meeting length",
    "unit": "minutes",
    "baseline": "60",
    "target": "30",
    "direction": "down",
    "milestone": "Halve the Monday meeting",
}


class MilestoneDateTests(WorldTestCase):
    def post(self, **extra):
        self.login(self.w.coachee)
        return self.client.post(
            reverse("growth:plan", args=[self.w.engagement.code]), {**GOAL, **extra}
        )

    def test_a_milestone_dated_in_the_past_is_refused_beside_the_field(self):
        goals = Goal.objects.count()
        response = self.post(milestone_due="2019-03-01")
        self.assertContains(response, "That date has passed", status_code=400)
        beside = response.context["form"]["milestone_due"].as_field_group()
        self.assertIn("That date has passed", beside)
        self.assertIn("add it as a win", beside)  # why: a milestone is a step still ahead
        self.assertEqual(Goal.objects.count(), goals)

    def test_today_and_later_are_accepted(self):
        today = timezone.localdate()
        self.post(milestone_due=today.isoformat())
        self.assertTrue(Milestone.objects.filter(due_on=today).exists())

    def test_the_service_refuses_a_past_milestone_too(self):
        with self.assertRaises(ValidationError) as caught:
            s.goal_create(
                engagement=self.w.engagement,
                by=self.w.coachee,
                title="Open the board meeting",
                focus_area="presence",
                key_results=[
                    s.KeyResultInput(metric="Items I open", baseline=Decimal(0), target=Decimal(3))
                ],
                milestones=[("First item", date(2019, 3, 1))],
            )
        self.assertIn("milestone_due", caught.exception.message_dict)
        self.assertFalse(rows_where(Goal, title="Open the board meeting"))


class CommitmentDateTests(WorldTestCase):
    def test_a_next_commitment_due_in_the_past_is_refused_beside_the_field(self):
        self.login(self.w.coachee)
        actions = Action.objects.count()
        response = self.client.post(
            reverse("growth:check_in", args=[self.w.engagement.code]),
            {
                f"kr_{self.w.key_result.id}": "2",
                "confidence": "6",
                "energy": "6",
                "next_commitment": "Ask Priya to chair Monday",
                "next_commitment_due": (timezone.localdate() - timedelta(days=3)).isoformat(),
            },
        )
        self.assertEqual(response.status_code, 400)
        beside = response.context["form"]["next_commitment_due"].as_field_group()
        self.assertIn("That date has passed", beside)
        self.assertEqual(Action.objects.count(), actions)


class QuietHoursTests(WorldTestCase):
    URL = reverse("growth:reminder_settings")

    def post(self, start, end):
        self.login(self.w.coachee)
        return self.client.post(
            self.URL,
            {"kinds": ["check_in_due"], "quiet_start": start, "quiet_end": end, "daily_cap": "3"},
        )

    def test_an_empty_range_is_refused_beside_the_field(self):
        response = self.post("22:00", "22:00")
        self.assertContains(response, "would be empty", status_code=400)
        beside = response.context["form"]["quiet_end"].as_field_group()
        self.assertIn("would be empty", beside)
        self.assertFalse(NotificationPreference.objects.filter(user=self.w.coachee).exists())

    def test_a_range_over_midnight_is_saved(self):
        response = self.post("22:00", "07:00")
        self.assertRedirects(response, self.URL)
        pref = NotificationPreference.objects.get(user=self.w.coachee)
        self.assertEqual((pref.quiet_start, pref.quiet_end), (time(22), time(7)))

    def test_the_service_refuses_an_empty_range_too(self):
        with self.assertRaises(ValidationError) as caught:
            s.preference_set(
                user=self.w.coachee,
                kinds=[],
                quiet_start=time(22),
                quiet_end=time(22),
                daily_cap=3,
            )
        self.assertIn("quiet_end", caught.exception.message_dict)
