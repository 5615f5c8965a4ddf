"""The session brief: what moved since the last coaching session, from where it stood."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from bearing.growth import queries as q
from bearing.growth.models import CheckIn, KeyResult, Reading
from bearing.testing import WorldTestCase


def _reading(w, *, days_ago: float, value, key_result=None) -> CheckIn:
    check_in = CheckIn.objects.create(
        engagement=w.engagement,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        confidence=6,
        energy=6,
    )
    kr = key_result or w.key_result
    Reading.objects.create(check_in=check_in, goal=kr.goal, key_result=kr, value=Decimal(value))
    return check_in


class BriefChangesTests(WorldTestCase):
    """The world's last held coaching session was 7 days ago."""

    def _change(self, kr):
        brief = q.session_brief(self.w.next_session)
        return next(c for c in brief.changes if c["metric"] == kr.metric)

    def test_change_starts_from_the_last_reading_before_the_last_session(self):
        _reading(self.w, days_ago=20, value=1)
        _reading(self.w, days_ago=10, value=2)  # the last one before the session
        _reading(self.w, days_ago=3, value=3)  # the only one since
        change = self._change(self.w.key_result)
        self.assertEqual((change["first"], change["last"]), (Decimal(2), Decimal(3)))
        self.login(self.w.coach)
        response = self.client.get(reverse("growth:brief", args=[self.w.next_session.code]))
        self.assertContains(response, "2 → 3 per week")
        self.assertNotContains(response, "3 → 3")

    def test_several_readings_since_run_from_before_to_the_latest(self):
        _reading(self.w, days_ago=10, value=1)
        _reading(self.w, days_ago=4, value=2)
        _reading(self.w, days_ago=2, value=3)
        change = self._change(self.w.key_result)
        self.assertEqual((change["first"], change["last"]), (Decimal(1), Decimal(3)))

    def test_without_a_reading_before_the_change_starts_from_the_baseline(self):
        kr = KeyResult.objects.create(
            goal=self.w.goal, metric="Board items I open", baseline=1, target=4, current=1
        )
        _reading(self.w, days_ago=2, value=2, key_result=kr)
        change = self._change(kr)
        self.assertEqual((change["first"], change["last"]), (Decimal(1), Decimal(2)))

    def test_readings_only_before_the_last_session_are_not_a_change(self):
        _reading(self.w, days_ago=10, value=2)
        self.assertEqual(q.session_brief(self.w.next_session).changes, [])

    def test_query_count_does_not_grow_with_key_results(self):
        _reading(self.w, days_ago=10, value=1)
        _reading(self.w, days_ago=2, value=2)
        with self.assertNumQueries(6):  # done and overdue actions in one read
            q.session_brief(self.w.next_session)
        for i in range(3):
            kr = KeyResult.objects.create(
                goal=self.w.goal, metric=f"Measure {i}", baseline=0, target=5, current=0
            )
            _reading(self.w, days_ago=9, value=1, key_result=kr)
            _reading(self.w, days_ago=1, value=2, key_result=kr)
        with self.assertNumQueries(6):  # done and overdue actions in one read
            q.session_brief(self.w.next_session)
