import hashlib
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from bearing.accounts.models import User
from bearing.engagements.models import Action, CoachingSession, Engagement


def _digest() -> str:
    h = hashlib.sha256()
    for row in User.objects.order_by("email").values_list("email", "code"):
        h.update(repr(row).encode())
    for row in CoachingSession.objects.order_by("code").values_list(
        "code", "scheduled_for", "status"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


class SeedTests(TestCase):
    def test_scale_gives_exact_counts_and_encrypted_text(self):
        call_command("seed", "--scale", "0.001", stdout=StringIO())
        self.assertEqual(User.objects.filter(email__startswith="coach0").count(), 1)
        self.assertEqual(User.objects.filter(email__startswith="coachee").count(), 20)
        self.assertEqual(Engagement.objects.count(), 20)
        self.assertEqual(CoachingSession.objects.count(), 200)
        self.assertEqual(Action.objects.count(), 40)
        from bearing.growth.models import CheckIn, KeyResult, Reading

        self.assertEqual(KeyResult.objects.count(), 20)
        self.assertEqual(CheckIn.objects.count(), 1000)
        self.assertEqual(Reading.objects.count(), 1000)
        raw = CoachingSession.objects.exclude(agenda_outcome="").values_list(
            "agenda_outcome", flat=True
        )
        # values_list bypasses the descriptor: the stored form is ciphertext.
        self.assertTrue(all(str(v).startswith("bx2$") for v in raw))
        with self.assertRaises(CommandError):
            call_command("seed", "--scale", "0.001", stdout=StringIO())

    def test_same_scale_and_date_give_the_same_data(self):
        call_command("seed", "--scale", "0.001", stdout=StringIO())
        first = _digest()
        from bearing.growth.models import Goal

        Goal.objects.all().delete()
        for model in (Action, CoachingSession, Engagement):
            model.objects.all().delete()
        from bearing.accounts.models import Membership, Organization, Practice

        Membership.objects.all().delete()
        User.objects.all().delete()
        Organization.objects.all().delete()
        Practice.objects.all().delete()
        call_command("seed", "--scale", "0.001", stdout=StringIO())
        self.assertEqual(_digest(), first)
