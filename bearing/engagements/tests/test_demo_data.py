import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase

from bearing.accounts.models import User
from bearing.engagements import queries as q
from bearing.engagements.models import Agreement, Engagement
from bearing.ops.demo import DANIEL_SESSIONS, DEMO_LOGINS
from bearing.testing import sign_in


class DemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo_data", stdout=StringIO())

    def test_every_listed_login_exists(self):
        for _, email, _ in DEMO_LOGINS:
            self.assertTrue(User.objects.filter(email=email).exists(), email)

    def test_if_empty_is_a_no_op_the_second_time(self):
        before = Engagement.objects.count()
        out = StringIO()
        call_command("demo_data", "--if-empty", stdout=out)
        self.assertIn("nothing loaded", out.getvalue())
        self.assertEqual(Engagement.objects.count(), before)
        with self.assertRaises(CommandError):
            call_command("demo_data", stdout=StringIO())

    def test_demo_data_is_refused_in_production(self):
        with self.settings(PRODUCTION=True), self.assertRaisesMessage(CommandError, "never for"):
            call_command("demo_data", "--if-empty", stdout=StringIO())

    def test_three_leaders_at_different_stages_with_clara(self):
        clara = User.objects.get(email="coach@demo.bearing")
        statuses = sorted(Engagement.objects.filter(coach=clara).values_list("status", flat=True))
        self.assertEqual(statuses, ["active", "active", "proposed"])
        proposed = Engagement.objects.get(coach=clara, status="proposed")
        self.assertIsNone(Agreement.objects.get(engagement=proposed).accepted_at)

    def test_second_coach_sees_nothing_of_the_first_coachs_leaders(self):
        marcus = User.objects.get(email="coach2@demo.bearing")
        names = [e.coachee.name for e in q.engagements_coached_by(marcus)]
        self.assertEqual(names, ["Hannah Osei"])

    def test_the_sponsor_sees_daniels_shared_goal_and_approved_summary(self):
        from django.test import Client
        from django.urls import reverse

        client = Client()
        sign_in(client, User.objects.get(email="sponsor@demo.bearing"))
        daniel = Engagement.objects.get(coachee__email="leader@demo.bearing")
        page = client.get(reverse("programs:engagement", args=[daniel.code]))
        self.assertContains(page, "Executive presence: 75%")
        self.assertContains(page, "Progress summary")
        self.assertNotContains(page, "Feel at ease handing work")  # goal titles never shown

    def test_overdue_actions_and_an_upcoming_agenda_exist(self):
        clara = User.objects.get(email="coach@demo.bearing")
        self.assertTrue(q.overdue_actions_for_coach(clara).exists())
        daniel = User.objects.get(email="leader@demo.bearing")
        upcoming = list(q.upcoming_sessions_for(daniel))
        self.assertTrue(upcoming and upcoming[0].has_agenda)


class RawDatabaseFileTests(TestCase):
    """A real SQLite file on disk, written by the real commands, holds no plaintext."""

    def test_database_file_contains_no_confidential_plaintext(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "BEARING_DATA_DIR": tmp, "DATABASE_URL": ""}
            env.pop("BEARING_ENCRYPTION_KEYS", None)
            root = Path(settings.BASE_DIR)
            for args in (["migrate", "-v0"], ["demo_data"]):
                subprocess.run(
                    [sys.executable, "manage.py", *args],
                    cwd=root,
                    env=env,
                    check=True,
                    capture_output=True,
                )
            raw = b"".join(p.read_bytes() for p in Path(tmp).glob("bearing.sqlite3*"))
            self.assertIn(b"Daniel Mensah", raw)  # names are not confidential
            for _, outcome, _, why, shared, private in DANIEL_SESSIONS:
                for text in (outcome, why, shared, private):
                    self.assertNotIn(text[:40].encode(), raw)
            self.assertIn(b"bx2$", raw)
