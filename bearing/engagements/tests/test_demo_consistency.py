"""The demo data tells one consistent story: nobody who "never signed in" has
accepted an agreement, written an agenda or checked in."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from bearing.accounts.models import User
from bearing.engagements.models import Agreement, CoachingSession


class DemoConsistencyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo_data", stdout=StringIO())

    def test_whoever_accepted_an_agreement_has_signed_in_since(self):
        accepted = Agreement.objects.filter(accepted_at__isnull=False).select_related("accepted_by")
        self.assertTrue(accepted)
        for agreement in accepted:
            person = agreement.accepted_by
            with self.subTest(person=person.email):
                self.assertIsNotNone(person.last_login)
                self.assertGreaterEqual(person.last_login, agreement.accepted_at)
                self.assertLessEqual(person.created_at, agreement.accepted_at)

    def test_whoever_wrote_an_agenda_has_signed_in_since(self):
        for session in CoachingSession.objects.exclude(agenda_updated_at=None).select_related(
            "engagement__coachee"
        ):
            coachee = session.engagement.coachee
            with self.subTest(person=coachee.email):
                self.assertIsNotNone(coachee.last_login)
                self.assertGreaterEqual(coachee.last_login, session.agenda_updated_at)

    def test_who_never_signed_in_has_done_nothing(self):
        never = User.objects.filter(last_login=None)
        self.assertEqual([u.email for u in never], ["tom@demo.bearing"])
        self.assertFalse(Agreement.objects.filter(accepted_by__in=never).exists())
        self.assertFalse(
            CoachingSession.objects.filter(
                engagement__coachee__in=never, agenda_updated_at__isnull=False
            ).exists()
        )

    def test_the_staff_page_shows_a_sign_in_for_the_leaders_who_accepted(self):
        from bearing.testing import sign_in

        sign_in(self.client, User.objects.get(email="staff@demo.bearing"))
        body = self.client.get("/staff/").content.decode()
        row = body[body.index("leader@demo.bearing") :]
        row = row[: row.index("</tr>")]
        self.assertNotIn("never", row)
