import hashlib
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

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
        from bearing.insight.models import Campaign
        from bearing.programs.models import Program

        Program.objects.all().delete()  # its organization and seats' leaders are protected
        Campaign.objects.all().delete()
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


class SeedEveryPageTests(TestCase):
    """The seed gives every measured page something to show: companion conversations,
    journals, decisions and boards for a share of coachees, programs their sponsors
    run, and one closed 360 of 50 raters, released."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed", "--scale", "0.001", stdout=StringIO())

    def test_companion_conversations_are_stored_encrypted_and_read_back(self):
        from bearing.companion.models import CompanionConsent, CompanionMessage

        # Coachees 0 and 10 of 20: one conversation of six exchanges each.
        self.assertEqual(CompanionConsent.objects.count(), 2)
        self.assertEqual(CompanionMessage.objects.count(), 24)
        raw = CompanionMessage.objects.values_list("text", flat=True)
        self.assertTrue(all(str(v).startswith("bx2$") for v in raw))
        first = CompanionMessage.objects.order_by("created_at", "id").first()
        self.assertEqual(first.speaker, "leader")
        self.assertIn("delegating", first.text)

    def test_the_tools_pages_have_rows(self):
        from bearing.insight.models import JournalEntry
        from bearing.practice.models import BoardItem, Decision

        self.assertEqual(JournalEntry.objects.count(), 4 * 3)
        self.assertEqual(Decision.objects.count(), 4 * 2)
        self.assertEqual(BoardItem.objects.count(), 4 * 6)

    def test_a_program_its_sponsor_opens(self):
        from bearing.programs.models import Program
        from bearing.testing import sign_in

        program = Program.objects.get()
        self.assertGreaterEqual(program.seat_rows.filter(engagement__isnull=False).count(), 3)
        sponsor = User.objects.get(email="sponsor00000@seed.bearing")
        sign_in(self.client, sponsor)
        response = self.client.get(reverse("programs:dashboard", args=[program.code]))
        self.assertEqual(response.status_code, 200)

    def test_one_closed_360_of_fifty_raters_released_to_the_coach(self):
        from bearing.insight.models import Campaign
        from bearing.testing import sign_in

        campaign = Campaign.objects.get()
        self.assertEqual(campaign.status, "closed")
        self.assertIsNotNone(campaign.released_at)
        self.assertEqual(campaign.invitations.filter(status="answered").count(), 50)
        self.assertEqual(campaign.report["answered"], 50)
        sign_in(self.client, campaign.engagement.coach)
        response = self.client.get(reverse("insight:campaign_report", args=[campaign.code]))
        self.assertEqual(response.status_code, 200)
