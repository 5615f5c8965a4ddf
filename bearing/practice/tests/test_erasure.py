"""A coachee's erasure takes their decision records, transition plans and board
with it (the declarations say each kind is deleted)."""

from __future__ import annotations

from datetime import timedelta

from bearing.exports import erasure
from bearing.practice.demo import demo_practice
from bearing.practice.models import (
    BoardItem,
    Checkpoint,
    Decision,
    Prediction,
    PriorityBoard,
    Reflection,
    Stakeholder,
    TransitionPlan,
    WeeklyReview,
)
from bearing.testing import WorldTestCase


class PracticeErasureTests(WorldTestCase):
    def test_the_coachee_s_erasure_deletes_every_practice_record(self):
        e = self.w.engagement
        demo_practice(e)
        self.assertTrue(Decision.objects.filter(engagement=e).exists())
        request = erasure.erasure_request(person=self.w.coachee)
        erasure.erasure_carry_out(
            erasure_code=request.code, now=request.erase_after + timedelta(minutes=1)
        )
        for model in (
            Decision,
            Prediction,
            Reflection,
            PriorityBoard,
            BoardItem,
            WeeklyReview,
            TransitionPlan,
            Checkpoint,
            Stakeholder,
        ):
            self.assertFalse(model.objects.exists(), model.__name__)
