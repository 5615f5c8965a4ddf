"""Erasure: after a person's erasure, neither the database nor a backup taken before
it holds any readable confidential text of theirs; the audit chain still verifies;
the sponsor's attendance figures are unchanged; everyone else's text is untouched."""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from bearing.accounts.models import ErasureRequest, ErasureState, User
from bearing.accounts.signin_flow import AUTH_AT_KEY
from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import (
    CoachingSession,
    Engagement,
    EngagementStatus,
    PrivateNote,
    SessionStatus,
)
from bearing.engagements.queries import sponsor_engagements
from bearing.exports import erasure
from bearing.growth.models import CheckIn, Goal
from bearing.lib import backup, crypto, datakeys
from bearing.lib.fields import associated_data, encrypted_fields
from bearing.lib.policy import record_kinds
from bearing.testing import (
    CANARY,
    canary_strings,
    make_engagement,
    make_session,
    make_user,
    make_world,
)
from bearing.tests.test_backup_restore import empty_database
from bearing.tests.test_route_sweep import add_route_objects

SURVIVOR = "SURVIVOR-2c9d1 another leader's shared notes"


def all_text(conn) -> str:
    """Every value of every table, as stored, as one string."""
    out = []
    with conn.cursor() as cursor:
        for table in conn.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")  # noqa: S608
            out.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(out)


def readable_values(conn_alias: str = "default") -> list[tuple[str, str, str]]:
    """(model, field, plaintext) for every stored value that still decrypts."""
    found = []
    for kind in record_kinds():
        model = kind.model_class()
        for field in encrypted_fields(model):
            for row in model._base_manager.using(conn_alias).exclude(**{field.attname: ""}):
                try:
                    value = crypto.decrypt(
                        str(row.__dict__[field.attname]), associated_data(row, field.name)
                    )
                except crypto.DecryptionError:
                    continue
                found.append((kind.model, field.name, value))
    return found


def attendance(sponsor) -> list[tuple]:
    return [
        (row.code, row.status, row.sessions_held, row.sessions_missed, row.sessions_scheduled)
        for row in sponsor_engagements(sponsor)
    ]


class ErasureServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.person = make_user("erase.me@example.com", "Erin Erase")

    def test_a_request_waits_for_the_grace_period_and_can_be_cancelled(self):
        request = erasure.erasure_request(person=self.person)
        self.assertEqual(request.state, ErasureState.PENDING)
        self.assertEqual(request.erase_after - request.requested_at, timedelta(days=14))
        with self.assertRaises(ValidationError):
            erasure.erasure_request(person=self.person)
        # Not due yet: nothing happens.
        self.assertEqual(erasure.erasures_due(), 0)
        self.assertTrue(User.objects.get(pk=self.person.pk).is_active)
        erasure.erasure_cancel(person=self.person)
        request.refresh_from_db()
        self.assertEqual(request.state, ErasureState.CANCELLED)
        # Cancelled: never carried out, even long after.
        self.assertEqual(erasure.erasures_due(timezone.now() + timedelta(days=30)), 0)
        self.assertEqual(User.objects.get(pk=self.person.pk).name, "Erin Erase")
        actions = list(AuditEntry.objects.values_list("action", flat=True))
        self.assertIn(AuditAction.ERASURE_REQUESTED, actions)
        self.assertIn(AuditAction.ERASURE_CANCELLED, actions)

    @override_settings(ERASURE_GRACE_DAYS=3)
    def test_the_grace_period_is_a_setting(self):
        request = erasure.erasure_request(person=self.person)
        self.assertEqual(request.erase_after - request.requested_at, timedelta(days=3))

    def test_cancelling_without_a_request_is_refused(self):
        with self.assertRaises(ValidationError):
            erasure.erasure_cancel(person=self.person)

    def test_a_due_erasure_closes_and_anonymises_the_account(self):
        request = erasure.erasure_request(person=self.person)
        self.assertEqual(erasure.erasures_due(request.erase_after + timedelta(seconds=1)), 1)
        person = User.objects.get(pk=self.person.pk)
        self.assertFalse(person.is_active)
        self.assertFalse(person.has_usable_password())
        self.assertNotIn("erase.me", person.email)
        self.assertEqual(person.name, "Erased person")
        request.refresh_from_db()
        self.assertEqual(request.state, ErasureState.DONE)
        # Done once: a second tick does nothing.
        self.assertEqual(erasure.erasures_due(request.erase_after + timedelta(days=1)), 0)


class ErasureReachesBackupsTests(TransactionTestCase):
    def setUp(self):
        if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
            self.skipTest("pg_dump is missing")  # test_backup_restore fails loudly in CI
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self.keys_file = self.tmp / "data-keys.json"
        override = override_settings(DATA_KEYS_BACKUP=self.keys_file)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(datakeys.forget_all)

    def populate(self):
        w = make_world()
        add_route_objects(w)
        other = make_user("olga@example.com", "Olga Other")
        w.other_engagement = make_engagement(
            coach=w.coach,
            coachee=other,
            practice=w.practice,
            organization=w.organization,
            sponsor=w.sponsor,
        )
        make_session(
            w.other_engagement,
            days=-3,
            status=SessionStatus.HELD,
            shared_notes=SURVIVOR,
            shared_notes_updated_at=timezone.now(),
        )
        return w

    def test_after_erasure_neither_the_database_nor_an_earlier_backup_can_be_read(self):
        w = self.populate()
        sponsor_before = attendance(w.sponsor)
        sessions_before = list(
            CoachingSession.objects.filter(engagement=w.engagement)
            .order_by("pk")
            .values_list("scheduled_for", "status")
        )
        backup_file = self.tmp / "before.backup"
        call_command("backup", str(backup_file), stdout=StringIO())
        self.assertTrue(self.keys_file.exists())
        plain_before = {value for _, _, value in readable_values()}
        self.assertIn(CANARY.private_note, plain_before)
        self.assertIn(SURVIVOR, plain_before)

        request = erasure.erasure_request(person=w.coachee)
        report = erasure.erasure_carry_out(
            erasure_code=request.code, now=request.erase_after + timedelta(minutes=1)
        )
        self.assertIsNotNone(report)
        self.assertGreaterEqual(report.keys_destroyed, 1)
        self.assertEqual(
            datakeys.scopes_exist(
                [datakeys.engagement_scope(w.engagement.code), datakeys.person_scope(w.coachee.pk)]
            ),
            set(),
        )

        # The live database: no canary, in plaintext or readable ciphertext.
        stored = all_text(connection)
        readable = {value for _, _, value in readable_values()}
        for tag in canary_strings():
            self.assertNotIn(tag, stored)
            self.assertFalse(any(tag in value for value in readable), tag)
        self.assertIn(SURVIVOR, readable)  # another leader's notes are untouched
        self.assertNotIn("leader@example.com", stored)
        self.assertNotIn("Lena Leader", stored)
        # What others rely on stays: the engagement, its sessions, the sponsor's figures.
        self.assertTrue(Engagement.objects.filter(pk=w.engagement.pk).exists())
        self.assertEqual(
            list(
                CoachingSession.objects.filter(engagement=w.engagement)
                .order_by("pk")
                .values_list("scheduled_for", "status")
            ),
            sessions_before,
        )
        self.assertEqual(attendance(w.sponsor), sponsor_before)
        self.assertFalse(PrivateNote.objects.filter(session__engagement=w.engagement).exists())
        self.assertFalse(Goal.objects.filter(engagement=w.engagement).exists())
        self.assertFalse(CheckIn.objects.filter(engagement=w.engagement).exists())
        # The audit chain verifies; its tombstone names ids only.
        out = StringIO()
        call_command("audit_verify", stdout=out)
        self.assertIn("verified", out.getvalue())
        tombstone = AuditEntry.objects.get(action=AuditAction.ERASED)
        self.assertEqual(set(tombstone.detail), {"count"})
        # The keys file beside the backups no longer holds the person's keys.
        self.assertNotIn(f"engagement:{w.engagement.code}", self.keys_file.read_text())
        self.assertNotIn(f'"person:{w.coachee.pk}"', self.keys_file.read_text())

        # The backup taken before: restored, with today's keys file, nothing of the
        # person's decrypts, and its bytes hold no plaintext canary.
        raw = backup_file.read_bytes()
        for tag in canary_strings():
            self.assertNotIn(tag.encode(), raw)
        datakeys.forget_all()  # a fresh process, as after a restore
        with empty_database(self.tmp) as target:
            call_command("migrate", verbosity=0, database="default")
            call_command("restore", str(backup_file), "--force", stdout=StringIO())
            datakeys.forget_all()
            readable_then = {value for _, _, value in readable_values()}
            for tag in canary_strings():
                self.assertFalse(any(tag in value for value in readable_then), tag)
            self.assertIn(SURVIVOR, readable_then)  # everyone else's text comes back
            self.assertTrue(target.is_usable())
        datakeys.forget_all()


class RetentionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = make_world()

    def end(self, months_ago: int, kept: int):
        w = self.w
        w.agreement.records_kept_months = kept
        w.agreement.save(update_fields=["records_kept_months"])
        ended = erasure.add_months(timezone.now(), -months_ago)
        Engagement.objects.filter(pk=w.engagement.pk).update(
            status=EngagementStatus.COMPLETED, ended_at=ended, started_at=ended - timedelta(days=90)
        )

    def test_records_stay_until_the_agreement_s_period_is_over(self):
        self.end(months_ago=11, kept=12)
        self.assertEqual(erasure.disposals_due(), 0)
        self.assertTrue(PrivateNote.objects.exists())

    def test_records_are_disposed_of_once_the_period_is_over(self):
        self.end(months_ago=13, kept=12)
        scope = datakeys.engagement_scope(self.w.engagement.code)
        self.assertEqual(datakeys.scopes_exist([scope]), {scope})
        self.assertEqual(erasure.disposals_due(), 1)
        self.assertFalse(PrivateNote.objects.exists())
        self.assertFalse(Goal.objects.exists())
        self.assertEqual(datakeys.scopes_exist([scope]), set())
        session = CoachingSession.objects.get(pk=self.w.past_session.pk)
        self.assertEqual(session.status, SessionStatus.HELD)  # attendance stays
        self.assertEqual(session.shared_notes, "")
        engagement = Engagement.objects.get(pk=self.w.engagement.pk)
        self.assertIsNotNone(engagement.records_disposed_at)
        self.assertEqual(engagement.title, "")
        # The person's account and their other records are not touched.
        self.assertTrue(User.objects.get(pk=self.w.coachee.pk).is_active)
        self.assertEqual(erasure.disposals_due(), 0)  # once
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.RECORDS_DISPOSED).exists())

    def test_an_active_engagement_is_never_disposed_of(self):
        self.assertEqual(erasure.disposals_due(timezone.now() + timedelta(days=3650)), 0)
        self.assertTrue(PrivateNote.objects.exists())


class ErasureRequestRowTests(TestCase):
    def test_one_pending_request_per_person_is_a_database_rule(self):
        from django.db import IntegrityError, transaction

        person = make_user("twice@example.com", "Tess Twice")
        now = timezone.now()
        ErasureRequest.objects.create(person=person, erase_after=now + timedelta(days=1))
        with self.assertRaises(IntegrityError), transaction.atomic():
            ErasureRequest.objects.create(person=person, erase_after=now + timedelta(days=1))


class ErasureViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = make_world()

    def test_asking_needs_a_fresh_sign_in(self):
        from bearing.testing import sign_in

        sign_in(self.client, self.w.coachee)
        session = self.client.session
        session[AUTH_AT_KEY] = int(time.time()) - 6 * 60
        session.save()
        response = self.client.post("/account/data/erasure/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("confirm", response["Location"])
        self.assertFalse(ErasureRequest.objects.exists())

    def test_the_coachee_asks_sees_the_date_and_cancels_and_the_coach_is_told(self):
        from bearing.testing import sign_in

        sign_in(self.client, self.w.coachee)  # signing in counts as recent
        response = self.client.post("/account/data/erasure/", follow=True)
        request = ErasureRequest.objects.get(person=self.w.coachee)
        self.assertContains(response, "Your erasure is set for")
        self.assertContains(response, "Cancel the erasure")
        # The coach sees it on the engagement.
        coach = self.client_class()
        sign_in(coach, self.w.coach)
        page = coach.get(f"/engagements/{self.w.engagement.code}/")
        self.assertContains(page, "asked on")
        self.assertContains(page, request.erase_after.strftime("%-d %b %Y"))
        # The sponsor does not.
        sponsor = self.client_class()
        sign_in(sponsor, self.w.sponsor)
        for url in ("/", "/dashboard/"):
            self.assertNotContains(sponsor.get(url, follow=True), "erase")
        # Staff see it waiting.
        staff = self.client_class()
        sign_in(staff, self.w.staff)
        staff_page = staff.get("/staff/")
        self.assertContains(staff_page, "Erasures waiting")
        self.assertContains(staff_page, "Lena Leader")
        response = self.client.post("/account/data/erasure/cancel/", follow=True)
        self.assertContains(response, "Your erasure is cancelled")
        request.refresh_from_db()
        self.assertEqual(request.state, ErasureState.CANCELLED)
        self.assertNotContains(coach.get(f"/engagements/{self.w.engagement.code}/"), "asked on")
        self.assertContains(staff.get("/staff/"), "No erasure is waiting")


class KeysFileTests(TransactionTestCase):
    def setUp(self):
        if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
            self.skipTest("pg_dump is missing")  # test_backup_restore fails loudly in CI
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        override = override_settings(DATA_KEYS_BACKUP=self.tmp / "data-keys.json")
        override.enable()
        self.addCleanup(override.disable)

    def test_a_key_destroyed_while_a_backup_runs_is_not_written_back(self):
        make_world()
        gone = {"id": 999999, "kid": "dgone", "scope": "person:999999", "wrapped": "x"}
        gone["created_at"] = timezone.now().isoformat()
        reader = "_sqlite_take_data_keys" if connection.vendor == "sqlite" else "_live_data_keys"
        original = getattr(backup, reader)
        with mock.patch.object(backup, reader, lambda *a: [*original(*a), gone]):
            call_command("backup", str(self.tmp / "b.backup"), stdout=StringIO())
        written = (self.tmp / "data-keys.json").read_text()
        self.assertNotIn("dgone", written)
        self.assertIn('"engagement:', written)  # the live keys are all there


class DisposedEngagementTests(TestCase):
    def test_nothing_more_is_written_to_an_engagement_whose_records_were_disposed(self):
        w = make_world()
        Engagement.objects.filter(pk=w.engagement.pk).update(
            status=EngagementStatus.COMPLETED,
            ended_at=timezone.now() - timedelta(days=800),
            started_at=timezone.now() - timedelta(days=900),
        )
        self.assertEqual(erasure.disposals_due(), 1)
        engagement = Engagement.objects.get(pk=w.engagement.pk)
        with self.assertRaises(ValidationError), transaction.atomic():
            PrivateNote.objects.create(
                session=CoachingSession.objects.get(pk=w.past_session.pk),
                author=w.coach,
                body="written after the disposal",
            )
        self.assertEqual(datakeys.scopes_exist([datakeys.engagement_scope(engagement.code)]), set())
