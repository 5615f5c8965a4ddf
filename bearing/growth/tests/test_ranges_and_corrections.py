"""Key results keep to the range of what they measure; the coachee corrects or
withdraws a check-in, and everything built on it follows."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bearing.growth import queries as q
from bearing.growth import services as s
from bearing.growth.models import CheckIn, KeyResult, Measure, Reading, Win, WinSource
from bearing.testing import WorldTestCase


class SharedGoalMixin:
    """The world's goal (speak first: 0 → 3 per week, now 1), shared with the sponsor."""

    def setUp(self):
        self.w.agreement.sponsor_sees_goal_progress = True
        self.w.agreement.save()
        self.w.goal.share_with_sponsor = True
        self.w.goal.save()
        CheckIn.objects.all().delete()

    def sponsor_sees(self) -> str:
        self.login(self.w.sponsor)
        response = self.client.get(reverse("programs:engagement", args=[self.w.engagement.code]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def submit(self, value, *, confidence=None, days_ago: float = 0, **kw) -> CheckIn:
        check_in = s.check_in_submit(
            engagement=self.w.engagement,
            by=self.w.coachee,
            values={self.w.key_result.id: Decimal(value)},
            ratings={},
            confidence=confidence,
            **kw,
        )
        if days_ago:
            CheckIn.objects.filter(pk=check_in.pk).update(
                submitted_at=timezone.now() - timedelta(days=days_ago)
            )
            check_in.refresh_from_db()
        return check_in


class RangeTests(SharedGoalMixin, WorldTestCase):
    def test_a_negative_count_is_refused_and_the_sponsor_figure_stands(self):
        self.submit(3)
        self.assertIn("Executive presence: 100%", self.sponsor_sees())
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("growth:check_in", args=[self.w.engagement.code]),
            {f"kr_{self.w.key_result.id}": "-5"},
        )
        self.assertEqual(response.status_code, 400)
        beside = response.context["form"][f"kr_{self.w.key_result.id}"].as_field_group()
        self.assertIn("A count cannot be below 0.", beside)
        self.assertEqual(CheckIn.objects.count(), 1)
        self.assertEqual(KeyResult.objects.get(pk=self.w.key_result.pk).current, Decimal(3))
        self.assertIn("Executive presence: 100%", self.sponsor_sees())

    def test_the_service_refuses_out_of_range_values(self):
        percent = KeyResult.objects.create(
            goal=self.w.goal,
            metric="Share of one-to-ones I prepare",
            measure=Measure.PERCENT,
            baseline=20,
            target=80,
            current=20,
        )
        for kr, value, message in (
            (self.w.key_result, "-5", "A count cannot be below 0."),
            (self.w.key_result, "2.5", "A count is a whole number."),
            (percent, "120", "A percentage cannot be above 100."),
        ):
            with self.subTest(value=value), self.assertRaises(ValidationError) as caught:
                s.check_in_submit(
                    engagement=self.w.engagement,
                    by=self.w.coachee,
                    values={kr.id: Decimal(value)},
                    ratings={},
                )
            self.assertEqual(caught.exception.message_dict, {f"kr_{kr.id}": [message]})
        self.assertEqual(CheckIn.objects.count(), 0)

    def test_the_check_in_form_says_the_range_beside_the_field(self):
        KeyResult.objects.create(
            goal=self.w.goal,
            metric="Share of one-to-ones I prepare",
            measure=Measure.PERCENT,
            baseline=20,
            target=80,
            current=20,
        )
        self.login(self.w.coachee)
        response = self.client.get(reverse("growth:check_in", args=[self.w.engagement.code]))
        form = response.context["form"]
        fields = {
            kr.measure: form[f"kr_{kr.id}"].as_field_group()
            for kr in KeyResult.objects.filter(goal=self.w.goal)
        }
        self.assertIn("A count: a whole number, 0 or more.", fields[Measure.COUNT])
        self.assertIn('min="0"', fields[Measure.COUNT])
        self.assertIn("A percentage: from 0 to 100.", fields[Measure.PERCENT])
        self.assertIn('max="100"', fields[Measure.PERCENT])

    def test_a_goal_with_a_percentage_above_100_is_refused_beside_the_field(self):
        self.login(self.w.coachee)
        before = KeyResult.objects.count()
        response = self.client.post(
            reverse("growth:plan", args=[self.w.engagement.code]),
            {
                "title": "Prepare my one-to-ones",
                "focus_area": "priorities",
                "kind": "measurable",
                "metric": "Share of one-to-ones I prepare",
                "measure": "percent",
                "baseline": "40",
                "target": "120",
                "direction": "up",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "A percentage cannot be above 100.", response.context["form"]["target"].as_field_group()
        )
        self.assertEqual(KeyResult.objects.count(), before)
        with self.assertRaises(ValidationError):
            s.goal_create(
                engagement=self.w.engagement,
                by=self.w.coachee,
                title="Fewer late replies",
                focus_area="priorities",
                key_results=[
                    s.KeyResultInput(metric="Late replies", baseline=Decimal(-2), target=Decimal(3))
                ],
            )

    def test_the_database_holds_the_range(self):
        for measure, values in (
            (Measure.COUNT, {"baseline": -1, "target": 3, "current": 0}),
            (Measure.PERCENT, {"baseline": 10, "target": 101, "current": 10}),
        ):
            with (
                self.subTest(measure=measure),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
            ):
                KeyResult.objects.create(goal=self.w.goal, metric="x", measure=measure, **values)
        KeyResult.objects.create(
            goal=self.w.goal,
            metric="Net score",
            measure=Measure.NUMBER,
            baseline=-20,
            target=10,
            current=-20,
        )


class CorrectionTests(SharedGoalMixin, WorldTestCase):
    def correct(self, check_in, value, **fields):
        self.login(self.w.coachee)
        data = {f"kr_{self.w.key_result.id}": str(value), **fields}
        return self.client.post(reverse("growth:check_in_correct", args=[check_in.code]), data)

    def chart_values(self) -> list[str]:
        self.login(self.w.coachee)
        response = self.client.get(reverse("growth:goal", args=[self.w.goal.code]))
        return [str(v) for _, v in response.context["charts"][0]["points"]]

    def brief_line(self) -> str:
        brief = q.session_brief(self.w.next_session)
        return " ".join(f"{float(c['first']):g} → {float(c['last']):g}" for c in brief.changes)

    def test_a_corrected_reading_moves_the_chart_the_brief_and_the_sponsor_figure(self):
        self.submit(1, days_ago=10)
        typo = self.submit(3, days_ago=2)
        self.assertIn("Executive presence: 100%", self.sponsor_sees())
        self.assertEqual(self.chart_values(), ["1.0", "3.0"])
        self.assertEqual(self.brief_line(), "1 → 3")
        response = self.correct(typo, 2)
        self.assertRedirects(response, reverse("growth:check_ins", args=[self.w.engagement.code]))
        self.assertEqual(self.chart_values(), ["1.0", "2.0"])
        self.assertEqual(self.brief_line(), "1 → 2")
        self.assertIn("Executive presence: 67%", self.sponsor_sees())
        self.login(self.w.coachee)
        history = self.client.get(reverse("growth:check_ins", args=[self.w.engagement.code]))
        self.assertContains(history, "Corrected on")

    def test_a_withdrawn_check_in_leaves_the_chart_the_brief_and_the_sponsor_figure(self):
        self.submit(1, days_ago=10)
        wrong = self.submit(3, days_ago=2)
        self.login(self.w.coachee)
        confirm = self.client.get(reverse("growth:check_in_withdraw", args=[wrong.code]))
        self.assertContains(confirm, "Withdraw your check-in")
        self.assertTrue(CheckIn.objects.filter(pk=wrong.pk).exists())  # asking changes nothing
        response = self.client.post(reverse("growth:check_in_withdraw", args=[wrong.code]))
        self.assertRedirects(response, reverse("growth:check_ins", args=[self.w.engagement.code]))
        self.assertFalse(CheckIn.objects.filter(pk=wrong.pk).exists())
        self.assertEqual(self.chart_values(), ["1.0"])
        self.assertEqual(self.brief_line(), "")  # nothing since the last session now
        self.assertIn("Executive presence: 33%", self.sponsor_sees())
        self.assertEqual(KeyResult.objects.get(pk=self.w.key_result.pk).current, Decimal(1))

    def test_the_attention_list_follows_a_correction_and_a_withdrawal(self):
        self.submit(1, confidence=8, days_ago=9)
        self.submit(1, confidence=6, days_ago=6)
        last = self.submit(1, confidence=4, days_ago=3)

        def falling():
            return any("Confidence falling" in r for r in q.attention_list(self.w.coach)[0].reasons)

        self.assertTrue(falling())
        self.correct(last, 1, confidence="7")
        self.assertFalse(falling())
        self.correct(last, 1, confidence="4")
        self.assertTrue(falling())
        s.check_in_withdraw(check_in=last, by=self.w.coachee)
        self.assertFalse(falling())

    def test_a_correction_below_the_target_takes_back_its_target_win(self):
        hit = self.submit(3, wins="Spoke first three times")
        self.assertTrue(Win.objects.filter(source=WinSource.TARGET, check_in=hit).exists())
        self.correct(hit, 2, wins="Spoke first twice")
        self.assertFalse(Win.objects.filter(source=WinSource.TARGET).exists())
        self.assertEqual(
            [w.text for w in Win.objects.filter(source=WinSource.CHECK_IN)], ["Spoke first twice"]
        )
        kr = KeyResult.objects.get(pk=self.w.key_result.pk)
        self.assertIsNone(kr.target_hit_at)
        self.submit(3)  # reaching it again is celebrated again
        self.assertEqual(Win.objects.filter(source=WinSource.TARGET).count(), 1)

    def test_withdrawing_takes_the_wins_it_recorded_with_it(self):
        keep = self.submit(2, wins="Chaired the depot review")
        hit = self.submit(3, wins="Spoke first three times")
        s.check_in_withdraw(check_in=hit, by=self.w.coachee)
        self.assertEqual(
            [w.text for w in Win.objects.filter(engagement=self.w.engagement)],
            ["Chaired the depot review"],
        )
        self.assertEqual(Reading.objects.filter(check_in=keep).count(), 1)
        self.assertIsNone(KeyResult.objects.get(pk=self.w.key_result.pk).target_hit_at)

    def test_a_correction_keeps_to_the_range(self):
        check_in = self.submit(2)
        response = self.correct(check_in, -5)
        self.assertEqual(response.status_code, 400)
        self.assertIn(
            "A count cannot be below 0.",
            response.context["form"][f"kr_{self.w.key_result.id}"].as_field_group(),
        )
        self.assertEqual(Reading.objects.get(check_in=check_in).value, Decimal(2))

    def test_only_the_coachee_corrects_or_withdraws(self):
        check_in = self.submit(2)
        for user in (self.w.coach, self.w.sponsor, self.w.other_coach):
            self.login(user)
            for name in ("growth:check_in_correct", "growth:check_in_withdraw"):
                url = reverse(name, args=[check_in.code])
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url).status_code, 404)
            with self.assertRaises(ValidationError):
                s.check_in_withdraw(check_in=check_in, by=user)
        self.assertTrue(CheckIn.objects.filter(pk=check_in.pk).exists())
        self.login(self.w.coach)
        history = self.client.get(reverse("growth:check_ins", args=[self.w.engagement.code]))
        self.assertNotContains(history, reverse("growth:check_in_correct", args=[check_in.code]))
