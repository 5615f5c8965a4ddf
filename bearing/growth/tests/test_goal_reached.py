"""A goal whose target is reached asks the coachee: achieved, or a higher target?"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from bearing.growth import services as s
from bearing.growth.models import Goal, GoalStatus, KeyResult, Win, WinSource
from bearing.testing import WorldTestCase

PROMPT = "You have reached the target"


class GoalReachedTests(WorldTestCase):
    """The world's goal: speak first, 0 → 3 per week, now at 1."""

    def goal_page(self, user=None):
        self.login(user or self.w.coachee)
        return self.client.get(reverse("growth:goal", args=[self.w.goal.code]))

    def reach(self):
        return s.check_in_submit(
            engagement=self.w.engagement,
            by=self.w.coachee,
            values={self.w.key_result.id: Decimal(3)},
            ratings={},
        )

    def test_no_prompt_before_the_target_is_reached(self):
        self.assertNotContains(self.goal_page(), PROMPT)

    def test_the_goal_page_offers_to_mark_it_achieved_or_raise_the_target(self):
        self.reach()
        response = self.goal_page()
        self.assertContains(response, PROMPT)
        self.assertContains(response, 'name="status" value="achieved"')
        self.assertContains(response, reverse("growth:goal_raise_target", args=[self.w.goal.code]))
        coach_view = self.goal_page(self.w.coach)
        self.assertContains(coach_view, "Target reached")
        self.assertNotContains(coach_view, 'value="achieved"')  # the coachee decides

    def test_the_check_in_that_reaches_it_lands_on_the_prompt(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("growth:check_in", args=[self.w.engagement.code]),
            {f"kr_{self.w.key_result.id}": "3"},
            follow=True,
        )
        self.assertEqual(
            response.redirect_chain[-1][0], reverse("growth:wins", args=[self.w.engagement.code])
        )
        self.assertContains(response, PROMPT)
        self.assertContains(response, self.w.goal.title)
        self.assertContains(response, 'name="status" value="achieved"')

    def test_marking_it_achieved_records_a_win_and_ends_the_prompt(self):
        self.reach()
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("growth:goal_status", args=[self.w.goal.code]),
            {"status": "achieved", "next": "goal"},
            follow=True,
        )
        self.assertContains(response, "goal achieved")
        self.assertNotContains(response, PROMPT)
        self.assertEqual(Goal.objects.get(pk=self.w.goal.pk).status, GoalStatus.ACHIEVED)
        self.assertEqual(Win.objects.filter(source=WinSource.GOAL).count(), 1)

    def test_raising_the_target_keeps_the_goal_going(self):
        self.reach()
        self.login(self.w.coachee)
        url = reverse("growth:goal_raise_target", args=[self.w.goal.code])
        self.assertContains(self.client.get(url), "New target")
        field = f"target_{self.w.key_result.id}"
        response = self.client.post(url, {field: "3"})  # not beyond where they are
        self.assertEqual(response.status_code, 400)
        self.assertIn("beyond where you are now", response.context["form"][field].as_field_group())
        response = self.client.post(url, {field: "5"})
        self.assertRedirects(response, reverse("growth:goal", args=[self.w.goal.code]))
        kr = KeyResult.objects.get(pk=self.w.key_result.pk)
        self.assertEqual((kr.target, kr.target_hit_at), (Decimal(5), None))
        page = self.goal_page()
        self.assertNotContains(page, PROMPT)
        self.assertEqual(page.context["progress"], 60)
        self.assertEqual(Goal.objects.get(pk=self.w.goal.pk).status, GoalStatus.ACTIVE)

    def test_a_raised_target_keeps_to_the_range(self):
        percent = KeyResult.objects.create(
            goal=self.w.goal,
            metric="One-to-ones I prepare",
            measure="percent",
            baseline=50,
            target=90,
            current=95,
        )
        with self.assertRaises(ValidationError) as caught:
            s.goal_raise_target(
                goal=self.w.goal, by=self.w.coachee, targets={percent.id: Decimal(120)}
            )
        self.assertIn(f"target_{percent.id}", caught.exception.message_dict)

    def test_a_qualitative_goal_raises_its_target_rating(self):
        goal = s.goal_create(
            engagement=self.w.engagement,
            by=self.w.coachee,
            title="Feel calm in board meetings",
            focus_area="presence",
            kind="qualitative",
            baseline_rating=3,
            target_rating=6,
        )
        s.check_in_submit(
            engagement=self.w.engagement, by=self.w.coachee, values={}, ratings={goal.id: 6}
        )
        self.login(self.w.coachee)
        self.assertContains(self.client.get(reverse("growth:goal", args=[goal.code])), PROMPT)
        url = reverse("growth:goal_raise_target", args=[goal.code])
        self.client.post(url, {"target_rating": "8"})
        self.assertEqual(Goal.objects.get(pk=goal.pk).target_rating, 8)
        self.assertNotContains(self.client.get(reverse("growth:goal", args=[goal.code])), PROMPT)

    def test_only_the_coachee_raises_a_target(self):
        self.reach()
        url = reverse("growth:goal_raise_target", args=[self.w.goal.code])
        for user in (self.w.coach, self.w.sponsor, self.w.other_coach):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(
                self.client.post(url, {f"target_{self.w.key_result.id}": "9"}).status_code, 404
            )
        self.assertEqual(KeyResult.objects.get(pk=self.w.key_result.pk).target, Decimal(3))
