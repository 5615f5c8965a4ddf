"""A key result's unit over its limit is refused by the service, never cut."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from bearing.growth import services as s
from bearing.growth.models import Goal
from bearing.testing import WorldTestCase


class UnitLimitTests(WorldTestCase):
    def create(self, unit: str):
        return s.goal_create(
            engagement=self.w.engagement,
            by=self.w.coachee,
            title="Delegate the weekly report",
            focus_area="delegation",
            key_results=[
                s.KeyResultInput(
                    metric="Reports delegated", baseline=Decimal(0), target=Decimal(4), unit=unit
                )
            ],
        )

    def test_a_long_unit_is_refused_and_nothing_is_saved(self):
        before = Goal.objects.count()
        with self.assertRaises(ValidationError) as caught:
            self.create("reports " * 6)
        self.assertIn("unit", caught.exception.message_dict)
        self.assertEqual(Goal.objects.count(), before)

    def test_a_unit_within_the_limit_is_kept_whole(self):
        goal = self.create("reports delegated to the team")
        self.assertEqual(goal.key_results.get().unit, "reports delegated to the team")
