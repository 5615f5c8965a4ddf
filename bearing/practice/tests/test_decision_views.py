"""The decision journal's pages: the owner works; the coach only once shared;
the sponsor, another coach, staff and outsiders get 404; the wrong method 405;
bad input is shown beside its field; reads by the coach are audited."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.practice import services as s
from bearing.practice.models import Decision, DecisionStatus
from bearing.testing import WorldTestCase, make_user

from .factories import TWO_OPTIONS, make_decided, make_draft

CANARY = "CANARY-DECISION-3e1f0"


class DecisionAccessTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outsider = make_user("outsider@example.com", "Olga Outsider")
        cls.decision = make_decided(cls.w.engagement, title=f"{CANARY} who leads the plant")
        s.decision_reflect(decision=cls.decision, by=cls.w.coachee, text=f"{CANARY} reflection")

    def pages(self):
        d, e = self.decision, self.w.engagement
        return [
            reverse("practice:decision", args=[d.code]),
            reverse("practice:decision_review", args=[d.code]),
            reverse("practice:decision_decide", args=[d.code]),
            reverse("practice:decision_step", args=[d.code, "options"]),
            reverse("practice:calibration", args=[e.code]),
        ]

    def test_the_coachee_reads_every_page(self):
        self.login(self.w.coachee)
        for url in self.pages():
            response = self.client.get(url, follow=True)
            self.assertEqual(response.status_code, 200, url)
        response = self.client.get(reverse("practice:decision", args=[self.decision.code]))
        self.assertContains(response, CANARY)
        response = self.client.get(reverse("practice:decisions", args=[self.w.engagement.code]))
        self.assertContains(response, CANARY)

    def test_sponsor_other_coach_staff_and_outsider_get_404_everywhere(self):
        everyone_else = [self.w.sponsor, self.w.other_coach, self.w.staff, self.outsider]
        urls = [*self.pages(), reverse("practice:decisions", args=[self.w.engagement.code])]
        for person in everyone_else:
            self.login(person)
            for url in urls:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404, f"{person.email} {url}")
                self.assertNotContains(response, CANARY, status_code=404)

    def test_the_coach_gets_404_until_it_is_shared(self):
        self.login(self.w.coach)
        url = reverse("practice:decision", args=[self.decision.code])
        self.assertEqual(self.client.get(url).status_code, 404)
        listing = self.client.get(reverse("practice:decisions", args=[self.w.engagement.code]))
        self.assertEqual(listing.status_code, 200)
        self.assertNotContains(listing, CANARY)

    def test_the_coach_reads_a_shared_decision_and_the_read_is_audited(self):
        s.decision_share(decision=self.decision, by=self.w.coachee, share=True)
        self.login(self.w.coach)
        url = reverse("practice:decision", args=[self.decision.code])
        response = self.client.get(url)
        self.assertContains(response, CANARY)
        self.assertNotContains(response, "Add a reflection")  # reading only
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.READ,
                actor_id=self.w.coach.id,
                target_code=str(self.decision.code),
            ).exists()
        )
        listing = self.client.get(reverse("practice:decisions", args=[self.w.engagement.code]))
        self.assertContains(listing, CANARY)
        # ...but never writes, nor the coachee's calibration.
        for name in ("practice:decision_review", "practice:decision_decide"):
            self.assertEqual(
                self.client.get(reverse(name, args=[self.decision.code])).status_code, 404
            )
        reflect = reverse("practice:decision_reflect", args=[self.decision.code])
        self.assertEqual(self.client.post(reflect, {"text": "mine"}).status_code, 404)
        calibration = reverse("practice:calibration", args=[self.w.engagement.code])
        self.assertEqual(self.client.get(calibration).status_code, 404)
        # Unshared again: 404 again.
        s.decision_share(decision=self.decision, by=self.w.coachee, share=False)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_wrong_methods_are_405(self):
        self.login(self.w.coachee)
        d = self.decision
        for name in (
            "practice:decision_share",
            "practice:decision_reflect",
            "practice:decision_delete",
        ):
            self.assertEqual(self.client.get(reverse(name, args=[d.code])).status_code, 405, name)
        for name in ("practice:decision",):
            self.assertEqual(self.client.post(reverse(name, args=[d.code])).status_code, 405)
        calibration = reverse("practice:calibration", args=[self.w.engagement.code])
        self.assertEqual(self.client.post(calibration).status_code, 405)
        self.assertEqual(
            self.client.delete(
                reverse("practice:decisions", args=[self.w.engagement.code])
            ).status_code,
            405,
        )

    def test_anonymous_is_sent_to_sign_in(self):
        self.client.logout()
        response = self.client.get(reverse("practice:decision", args=[self.decision.code]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])


class DecisionFlowTests(WorldTestCase):
    def setUp(self):
        self.login(self.w.coachee)

    def test_a_leader_records_a_decision_step_by_step_decides_and_reviews(self):
        e = self.w.engagement
        response = self.client.post(
            reverse("practice:decisions", args=[e.code]),
            {"title": "Move the launch?", "why_now": "The board meets Friday."},
        )
        d = Decision.objects.get(engagement=e)
        self.assertRedirects(response, reverse("practice:decision_step", args=[d.code, "stakes"]))
        step = lambda slug: reverse("practice:decision_step", args=[d.code, slug])  # noqa: E731
        self.client.post(step("options"), {"option_1": "Move it", "option_2": "Keep the date"})
        self.client.post(
            step("criteria"),
            {"criterion_1": "Quality", "weight_1": "5", "criterion_2": "Trust", "weight_2": "3"},
        )
        response = self.client.post(
            step("matrix"), {"score_0_0": "5", "score_0_1": "2", "score_1_0": "2", "score_1_1": "4"}
        )
        self.assertRedirects(response, step("outcomes"))
        self.client.post(step("premortem"), {"premortem": "We slipped twice and lost the client."})
        page = self.client.get(reverse("practice:decision", args=[d.code]))
        self.assertContains(page, "31 of 40")  # 5x5 + 3x2
        self.assertContains(page, "We slipped twice")
        review_on = timezone.localdate() + timedelta(days=30)
        response = self.client.post(
            reverse("practice:decision_decide", args=[d.code]),
            {
                "choice": "0",
                "reasons": "Quality matters most.",
                "kind": "strategy",
                "review_on": review_on.isoformat(),
                "prediction_1_statement": "Launch lands with no P1 bugs",
                "prediction_1_by": (review_on + timedelta(days=10)).isoformat(),
                "prediction_1_probability": "80",
            },
        )
        self.assertRedirects(response, reverse("practice:decision", args=[d.code]))
        d.refresh_from_db()
        self.assertEqual(d.status, DecisionStatus.DECIDED)
        self.assertEqual(
            d.snapshot["framework"]["premortem"], "We slipped twice and lost the client."
        )
        # The steps are closed now.
        response = self.client.get(step("premortem"))
        self.assertRedirects(response, reverse("practice:decision", args=[d.code]))
        prediction = d.predictions.get()
        response = self.client.post(
            reverse("practice:decision_review", args=[d.code]),
            {
                "what_happened": "Launched three weeks late, clean.",
                "outcome_quality": "4",
                "process_quality": "3",
                "lessons": "Say no sooner.",
                f"result_{prediction.code}": "yes",
            },
        )
        self.assertRedirects(response, reverse("practice:decision", args=[d.code]))
        page = self.client.get(reverse("practice:decision", args=[d.code]))
        self.assertContains(page, "this decision: <strong>Earned success</strong>")
        calibration = self.client.get(reverse("practice:calibration", args=[e.code]))
        self.assertContains(calibration, "Too few yet.")
        self.assertContains(calibration, "0.040")  # (0.8 - 1)^2

    def test_bad_input_is_shown_beside_the_field(self):
        d = make_draft(self.w.engagement, options=TWO_OPTIONS)
        response = self.client.post(
            reverse("practice:decision_step", args=[d.code, "options"]), {"option_1": "Only one"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Name at least two options.", status_code=400, count=2)
        self.assertContains(response, 'href="#id_option_1"', status_code=400)
        self.assertContains(response, 'id="id_option_1_error"', status_code=400)
        response = self.client.post(
            reverse("practice:decision_decide", args=[d.code]),
            {"choice": "0", "reasons": "x", "kind": "people", "review_on": "2001-01-01"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="id_review_on_error"', status_code=400)
        self.assertContains(response, "The review is a date after today.", status_code=400)
        response = self.client.post(
            reverse("practice:decisions", args=[self.w.engagement.code]), {}
        )
        self.assertContains(response, 'id="id_title_error"', status_code=400)

    def test_a_reflection_error_stays_on_the_page(self):
        d = make_decided(self.w.engagement)
        response = self.client.post(
            reverse("practice:decision_reflect", args=[d.code]), {"text": ""}
        )
        self.assertContains(response, 'id="id_text_error"', status_code=400)

    def test_an_unknown_step_is_404(self):
        d = make_draft(self.w.engagement)
        response = self.client.get(reverse("practice:decision_step", args=[d.code, "nonsense"]))
        self.assertEqual(response.status_code, 404)

    def test_share_and_delete_through_the_pages(self):
        d = make_draft(self.w.engagement)
        self.client.post(reverse("practice:decision_share", args=[d.code]), {"share": "1"})
        d.refresh_from_db()
        self.assertIsNotNone(d.shared_with_coach_at)
        response = self.client.post(reverse("practice:decision_delete", args=[d.code]))
        self.assertRedirects(response, reverse("practice:decisions", args=[self.w.engagement.code]))
        self.assertFalse(Decision.objects.filter(pk=d.pk).exists())

    def test_an_open_prediction_is_settled_after_the_review(self):
        d = make_decided(self.w.engagement)
        s.decision_review(
            decision=d,
            by=self.w.coachee,
            what_happened="Not clear yet.",
            outcome_quality=3,
            process_quality=3,
            lessons="",
            results={},
        )
        p = d.predictions.get()
        url = reverse("practice:prediction_resolve", args=[p.code])
        self.client.post(url, {"came_true": "no"})
        p.refresh_from_db()
        self.assertIs(p.came_true, False)
        self.login(self.w.coach)
        self.assertEqual(self.client.post(url, {"came_true": "yes"}).status_code, 404)

    def test_calibration_draws_only_with_twenty_resolved_and_bins_of_five(self):
        for _ in range(4):
            d = make_decided(self.w.engagement, predictions=[(70, "a")] * 3 + [(30, "b")] * 2)
            results = {str(p.code): p.probability == 70 for p in d.predictions.all()}
            s.decision_review(
                decision=d,
                by=self.w.coachee,
                what_happened="ok",
                outcome_quality=3,
                process_quality=3,
                lessons="",
                results=results,
            )
        # 3 predictions max per decision: 12 resolved (all 70s true, all 30s false)
        response = self.client.get(reverse("practice:calibration", args=[self.w.engagement.code]))
        self.assertContains(response, "Too few yet.")
        self.assertNotContains(response, "<svg")
        self.assertContains(response, "12 predictions settled")
