"""Confidence and energy are questions, not defaults: unanswered stays unanswered."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bearing.growth import queries as q
from bearing.growth.models import CheckIn
from bearing.testing import WorldTestCase


def _options(html: str, name: str) -> list[tuple[str, bool]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return [
        (value, "selected" in attrs)
        for value, attrs in re.findall(r'<option value="([^"]*)"([^>]*)>', select.group(1))
    ]


class CheckInFormTests(WorldTestCase):
    def setUp(self):
        self.login(self.w.coachee)
        self.url = reverse("growth:check_in", args=[self.w.engagement.code])

    def test_no_score_is_preselected_and_skipping_is_offered(self):
        html = self.client.get(self.url).content.decode()
        for name in ("confidence", "energy"):
            options = _options(html, name)
            # What a browser sends untouched is the first option: it must be "no answer".
            self.assertEqual(options[0][0], "")
            self.assertEqual([v for v, selected in options if selected and v], [])
            self.assertEqual([v for v, _ in options[1:]], [str(i) for i in range(1, 11)])
        self.assertContains(self.client.get(self.url), "Skip")

    def test_a_quick_check_in_leaves_confidence_and_energy_unanswered(self):
        response = self.client.post(self.url, {f"kr_{self.w.key_result.id}": "2"})
        self.assertRedirects(response, reverse("growth:wins", args=[self.w.engagement.code]))
        check_in = CheckIn.objects.order_by("-submitted_at").first()
        self.assertEqual((check_in.confidence, check_in.energy), (None, None))
        history = self.client.get(reverse("growth:check_ins", args=[self.w.engagement.code]))
        self.assertContains(history, "Not answered")
        self.assertNotContains(history, "None/10")

    def test_a_score_out_of_range_is_still_refused(self):
        response = self.client.post(self.url, {"confidence": "0", "energy": "11"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(CheckIn.objects.count(), 1)


class AttentionFromAnswersTests(WorldTestCase):
    """The coach is alerted by answers, never by a missing one."""

    def _check_ins(self, *confidences):
        CheckIn.objects.all().delete()
        now = timezone.now()
        for i, confidence in enumerate(confidences):
            c = CheckIn.objects.create(engagement=self.w.engagement, confidence=confidence)
            CheckIn.objects.filter(pk=c.pk).update(
                submitted_at=now - timedelta(days=3 * (len(confidences) - i))
            )

    def _reasons(self) -> str:
        return " ".join(q.attention_list(self.w.coach)[0].reasons)

    def test_a_quick_check_in_through_the_page_raises_no_alert(self):
        self._check_ins(8, 6)
        self.login(self.w.coachee)
        self.client.post(
            reverse("growth:check_in", args=[self.w.engagement.code]),
            {f"kr_{self.w.key_result.id}": "2"},
        )
        self.assertEqual(CheckIn.objects.count(), 3)
        self.assertNotIn("Confidence falling", self._reasons())
        self.login(self.w.coach)
        self.assertNotContains(self.client.get(reverse("dashboard")), "Confidence falling")

    def test_unanswered_check_ins_are_passed_over_not_counted(self):
        self._check_ins(8, 6, None, 4)
        self.assertIn(
            "Confidence falling over the last three check-ins that rated it (8 → 4)",
            self._reasons(),
        )
        self._check_ins(8, None, 6, None)
        self.assertNotIn("Confidence falling", self._reasons())

    def test_the_brief_shows_a_skipped_answer_as_such(self):
        self._check_ins(None)
        self.login(self.w.coach)
        response = self.client.get(reverse("growth:brief", args=[self.w.next_session.code]))
        self.assertContains(response, "Not answered")
        self.assertNotContains(response, "<td>None</td>")
