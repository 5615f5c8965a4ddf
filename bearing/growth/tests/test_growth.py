from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import Action
from bearing.growth import queries as q
from bearing.growth import services as s
from bearing.growth.charts import line_chart
from bearing.growth.models import CheckIn, Goal, GoalStatus, KeyResult, Win, WinSource
from bearing.testing import CANARY, WorldTestCase, canary_strings, make_session, rows_where


def _goal(w, by=None, **kw):
    params = {
        "engagement": w.engagement,
        "by": by or w.coachee,
        "title": "Delegate the monthly report",
        "focus_area": "delegation",
        "key_results": [
            s.KeyResultInput(
                metric="Hours on the report",
                baseline=Decimal(10),
                target=Decimal(2),
                unit="hours",
                direction="down",
            )
        ],
    }
    params.update(kw)
    return s.goal_create(**params)


class PlanServiceTests(WorldTestCase):
    def test_coachee_goal_is_active_coach_goal_is_a_suggestion(self):
        mine = _goal(self.w)
        self.assertEqual(mine.status, GoalStatus.ACTIVE)
        suggested = _goal(self.w, by=self.w.coach)
        self.assertEqual(suggested.status, GoalStatus.SUGGESTED)
        with self.assertRaises(ValidationError):
            s.goal_accept(goal=suggested, by=self.w.coach)
        s.goal_accept(goal=suggested, by=self.w.coachee)
        self.assertEqual(Goal.objects.get(pk=suggested.pk).status, GoalStatus.ACTIVE)

    def test_bad_key_result_is_refused_and_nothing_saved(self):
        before = Goal.objects.count()
        with self.assertRaises(ValidationError):
            _goal(
                self.w,
                key_results=[
                    s.KeyResultInput(
                        metric="x", baseline=Decimal(5), target=Decimal(3), direction="up"
                    )
                ],
            )
        self.assertEqual(Goal.objects.count(), before)

    def test_sharing_needs_the_agreement_to_allow_goal_progress(self):
        goal = _goal(self.w)
        with self.assertRaises(ValidationError):
            s.goal_set_sharing(goal=goal, by=self.w.coachee, share=True)
        self.w.agreement.sponsor_sees_goal_progress = True
        self.w.agreement.save()
        s.goal_set_sharing(goal=goal, by=self.w.coachee, share=True)
        self.assertTrue(Goal.objects.get(pk=goal.pk).share_with_sponsor)

    def test_check_in_updates_key_results_and_celebrates(self):
        goal = _goal(self.w)
        kr = goal.key_results.get()
        qual = _goal(
            self.w,
            kind="qualitative",
            key_results=[],
            baseline_rating=3,
            target_rating=8,
            title="Feel calm in board meetings",
            focus_area="presence",
        )
        due = timezone.localdate() + timedelta(days=7)
        check_in = s.check_in_submit(
            engagement=self.w.engagement,
            by=self.w.coachee,
            values={kr.id: Decimal(2)},
            ratings={qual.id: 6},
            confidence=7,
            energy=6,
            wins="Aisha ran the report herself",
            next_commitment="Hand over the depot review",
            next_commitment_due=due,
        )
        kr.refresh_from_db()
        self.assertEqual(kr.current, Decimal(2))
        self.assertIsNotNone(kr.target_hit_at)
        self.assertEqual(Goal.objects.get(pk=qual.pk).current_rating, 6)
        sources = set(Win.objects.values_list("source", flat=True))
        self.assertEqual(sources, {WinSource.TARGET, WinSource.CHECK_IN})
        self.assertTrue(Action.objects.filter(due_on=due).exists())
        self.assertEqual(check_in.readings.count(), 2)

    def test_only_the_coachee_checks_in_and_bad_scales_are_refused(self):
        for user in (self.w.coach, self.w.sponsor):
            with self.assertRaises(ValidationError):
                s.check_in_submit(
                    engagement=self.w.engagement,
                    by=user,
                    values={},
                    ratings={},
                    confidence=5,
                    energy=5,
                )
        before = CheckIn.objects.count()
        with self.assertRaises(ValidationError):
            s.check_in_submit(
                engagement=self.w.engagement,
                by=self.w.coachee,
                values={},
                ratings={},
                confidence=11,
                energy=5,
            )
        self.assertEqual(CheckIn.objects.count(), before)


class SponsorProgressTests(WorldTestCase):
    def test_sponsor_sees_percent_of_shared_goals_only_where_allowed(self):
        goal = self.w.goal
        goal.share_with_sponsor = True
        goal.save()
        self.login(self.w.sponsor)
        url = reverse("programs:engagement", args=[self.w.engagement.code])
        self.assertNotContains(self.client.get(url), "Goal progress")  # agreement says no
        self.w.agreement.sponsor_sees_goal_progress = True
        self.w.agreement.save()
        response = self.client.get(url)
        self.assertContains(response, "Executive presence: 33%")
        for tag in canary_strings():
            self.assertNotContains(response, tag)
        goal.share_with_sponsor = False
        goal.save()
        self.assertNotContains(self.client.get(url), "Executive presence")


class AttentionTests(WorldTestCase):
    def test_reasons_are_shown_and_counts_are_flat(self):
        CheckIn.objects.filter(pk=self.w.check_in.pk).update(
            submitted_at=timezone.now() - timedelta(days=20)
        )
        for days, confidence in ((15, 8), (10, 6), (5, 4)):
            c = CheckIn.objects.create(
                engagement=self.w.engagement, confidence=confidence, energy=5
            )
            CheckIn.objects.filter(pk=c.pk).update(
                submitted_at=timezone.now() - timedelta(days=days)
            )
        items = q.attention_list(self.w.coach)
        reasons = " ".join(items[0].reasons)
        self.assertIn("Confidence falling", reasons)
        self.assertIn("1 overdue action", reasons)
        self.assertNotIn("No check-in", reasons)
        self.assertEqual(q.attention_list(self.w.other_coach), [])

    def test_missed_check_in_is_flagged(self):
        CheckIn.objects.filter(pk=self.w.check_in.pk).update(
            submitted_at=timezone.now() - timedelta(days=12)
        )
        reasons = " ".join(q.attention_list(self.w.coach)[0].reasons)
        self.assertIn("No check-in for 12 days", reasons)

    def test_no_session_for_a_while(self):
        self.w.next_session.delete()
        reasons = " ".join(q.attention_list(self.w.coach)[0].reasons)
        self.assertNotIn("No coaching session", reasons)  # last one was 7 days ago
        make_session(self.w.engagement, days=-40, status="held")
        self.w.past_session.delete()
        reasons = " ".join(q.attention_list(self.w.coach)[0].reasons)
        self.assertIn("No coaching session for over 30 days", reasons)


class PlanPageTests(WorldTestCase):
    def test_coachee_adds_a_goal_through_the_page(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("growth:plan", args=[self.w.engagement.code]),
            {
                "title": "Run shorter meetings",
                "focus_area": "priorities",
                "kind": "measurable",
                "metric": "Average meeting length",
                "unit": "minutes",
                "baseline": "60",
                "target": "30",
                "direction": "down",
            },
        )
        self.assertRedirects(response, reverse("growth:plan", args=[self.w.engagement.code]))
        self.assertTrue(rows_where(KeyResult, unit="minutes"))

    def test_missing_key_result_shows_a_message_and_saves_nothing(self):
        self.login(self.w.coachee)
        before = Goal.objects.count()
        response = self.client.post(
            reverse("growth:plan", args=[self.w.engagement.code]),
            {
                "title": "X",
                "focus_area": "priorities",
                "kind": "measurable",
                "direction": "up",
            },
        )
        self.assertContains(response, "Needed for a measurable goal", status_code=400)
        self.assertEqual(Goal.objects.count(), before)

    def test_check_in_page_then_chart_and_celebration(self):
        self.login(self.w.coachee)
        url = reverse("growth:check_in", args=[self.w.engagement.code])
        kr = self.w.key_result
        response = self.client.post(
            url, {f"kr_{kr.id}": "3", "confidence": "8", "energy": "7", "wins": "Spoke first twice"}
        )
        self.assertRedirects(response, reverse("growth:wins", args=[self.w.engagement.code]))
        wins = self.client.get(reverse("growth:wins", args=[self.w.engagement.code]))
        self.assertContains(wins, "Spoke first twice")
        self.assertContains(wins, "Target hit")
        chart = self.client.get(reverse("growth:goal", args=[self.w.goal.code]))
        self.assertContains(chart, "<svg")
        self.assertContains(chart, "<desc")
        self.assertContains(chart, "<caption>")

    def test_query_counts_do_not_grow_with_goals_or_check_ins(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count(url):
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(url)
            return len(ctx.captured_queries)

        self.login(self.w.coachee)
        plan = reverse("growth:plan", args=[self.w.engagement.code])
        check_in = reverse("growth:check_in", args=[self.w.engagement.code])
        goal = reverse("growth:goal", args=[self.w.goal.code])
        self.client.get(plan)  # the first request of a login session writes the session
        before = (count(plan), count(check_in), count(goal))
        self.assertEqual(before, (8, 7, 8))
        for i in range(4):
            _goal(self.w, title=f"Goal {i}")
        for _ in range(3):
            s.check_in_submit(
                engagement=self.w.engagement,
                by=self.w.coachee,
                values={self.w.key_result.id: Decimal(2)},
                ratings={},
                confidence=6,
                energy=6,
            )
        self.assertEqual(before, (count(plan), count(check_in), count(goal)))


class ChartTests(WorldTestCase):
    def test_chart_escapes_text_and_describes_itself(self):
        svg = str(
            line_chart(
                title="<b>x</b>",
                points=[("1 Jan", 1.0), ("8 Jan", 2.0)],
                baseline=0,
                target=3,
                unit="h",
            )
        )
        self.assertIn("&lt;b&gt;", svg)
        self.assertIn("Readings: 1 Jan: 1 h, 8 Jan: 2 h.", svg)
        self.assertIn('class="chart-target"', svg)
        self.assertNotIn("style=", svg)
        self.assertIn(CANARY.goal, Goal.objects.get(pk=self.w.goal.pk).title)


class BriefAndSummaryTests(WorldTestCase):
    def test_brief_shows_what_happened_since_the_last_session(self):
        s.check_in_submit(
            engagement=self.w.engagement,
            by=self.w.coachee,
            values={self.w.key_result.id: Decimal(2)},
            ratings={},
            confidence=4,
            energy=3,
            obstacles="Board prep ate the week",
        )
        self.login(self.w.coach)
        response = self.client.get(reverse("growth:brief", args=[self.w.next_session.code]))
        self.assertContains(response, "Board prep ate the week")
        self.assertContains(response, CANARY.action)  # overdue
        self.assertContains(response, "→ 2")
        self.login(self.w.coachee)
        self.assertEqual(
            self.client.get(reverse("growth:brief", args=[self.w.next_session.code])).status_code,
            404,
        )

    def test_summary_reaches_the_sponsor_only_after_approval_and_if_agreed(self):
        self.login(self.w.coach)
        url = reverse("growth:summaries", args=[self.w.engagement.code])
        self.client.post(url, {"body": "SUMMARY-77 steady progress on presence"})
        summary = self.w.engagement.summaries.order_by("-created_at").first()
        sponsor_url = reverse("programs:engagement", args=[self.w.engagement.code])
        self.w.agreement.sponsor_sees_summaries = True
        self.w.agreement.save()
        self.login(self.w.sponsor)
        self.assertNotContains(self.client.get(sponsor_url), "SUMMARY-77")  # not yet approved
        self.login(self.w.coachee)
        self.client.post(
            reverse("growth:summary_decide", args=[summary.code]), {"decision": "approve"}
        )
        self.login(self.w.sponsor)
        self.assertContains(self.client.get(sponsor_url), "SUMMARY-77")
        self.w.agreement.sponsor_sees_summaries = False
        self.w.agreement.save()
        self.assertNotContains(self.client.get(sponsor_url), "SUMMARY-77")

    def test_only_the_coachee_approves(self):
        summary = s.summary_draft(engagement=self.w.engagement, by=self.w.coach, body="x")
        with self.assertRaises(ValidationError):
            s.summary_decide(summary=summary, by=self.w.coach, approve=True)
        with self.assertRaises(ValidationError):
            s.summary_draft(engagement=self.w.engagement, by=self.w.coachee, body="x")
