"""The audit chain is keyed: without the key nobody can rewrite it unseen.

Before, the chain was SHA-256 with no key: a short script deleted the rows that
recorded a coach reading companion conversations, recomputed the chain, and
``audit_verify`` passed. These tests play that attack and its variants.
"""

import hashlib
import importlib
import json
from io import StringIO

from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings

from bearing.accounts.models import User
from bearing.audit import chain
from bearing.audit.models import GENESIS, AuditAction, AuditEntry, AuditHead
from bearing.audit.services import audit_record, audit_verify_chain, email_hash

rechain = importlib.import_module("bearing.audit.migrations.0005_keyed_chain")


def rewrite_chain(mac) -> None:
    """What an attacker with the database does: recompute every link and every
    lane's head (each lane from the genesis value its first entry shows)."""
    prevs: dict[int, str] = {}
    for row in AuditEntry.objects.order_by("id"):
        prev = prevs.get(row.lane, row.prev_hash)
        row.prev_hash = prev
        digest = mac(row.canonical())
        AuditEntry.objects.filter(pk=row.pk).update(prev_hash=prev, entry_hash=digest)
        prevs[row.lane] = digest
    for lane, prev in prevs.items():
        AuditHead.objects.filter(id=lane).update(last_hash=prev)


class AuditTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coach = User.objects.create_user("coach@example.com", "pw-irrelevant", name="C")
        for field in ("agenda", "companion", "companion", "journal", "agenda"):
            audit_record(action=AuditAction.READ, actor=cls.coach, target=cls.coach, field=field)

    def delete_rows(self, ids):
        with connection.cursor() as cursor:
            for pk in ids:
                cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [pk])

    def verify_command(self, *args):
        out = StringIO()
        call_command("audit_verify", *args, stdout=out)
        return out.getvalue()


class RewriteAttackTests(AuditTestCase):
    def test_deleting_rows_and_recomputing_the_chain_without_the_key_is_detected(self):
        companion_reads = AuditEntry.objects.filter(detail__field="companion")
        self.delete_rows(list(companion_reads.values_list("id", flat=True)))
        rewrite_chain(lambda body: hashlib.sha256(body).hexdigest())
        self.assertFalse(audit_verify_chain().ok)
        with self.assertRaises(CommandError):
            self.verify_command()

    def test_recomputing_with_a_guessed_key_is_detected_too(self):
        self.delete_rows([AuditEntry.objects.order_by("id")[1].id])
        rewrite_chain(lambda body: chain.hmac.new(b"guess", body, hashlib.sha256).hexdigest())
        report = audit_verify_chain()
        self.assertEqual((report.ok, report.reason), (False, "entry was altered"))

    def test_with_the_right_key_the_chain_verifies(self):
        self.assertIn("5 entries", self.verify_command())

    def test_another_key_does_not_verify_this_chain(self):
        other = chain.generate_key()
        with override_settings(AUDIT_KEY=other):
            chain.reset_audit_key()
            try:
                self.assertFalse(audit_verify_chain().ok)
            finally:
                chain.reset_audit_key()
        self.assertTrue(audit_verify_chain().ok)


class CheckpointTests(AuditTestCase):
    def checkpoint(self, tmp_name="checkpoint.json"):
        from pathlib import Path
        from tempfile import mkdtemp

        path = Path(mkdtemp()) / tmp_name
        call_command("audit_checkpoint", "--output", str(path), stdout=StringIO())
        return path

    def test_the_checkpoint_names_the_head_and_is_signed(self):
        path = self.checkpoint()
        document = json.loads(path.read_text())
        last = AuditEntry.objects.order_by("-id").first()
        self.assertEqual(
            document["lanes"],
            {str(last.lane): {"entry_id": last.id, "entry_hash": last.entry_hash, "count": 5}},
        )
        self.assertEqual((document["version"], document["count"]), (2, 5))
        self.assertTrue(chain.checkpoint_valid(document))
        self.assertIn("checkpoint's 5 entries", self.verify_command("--checkpoint", path))
        # Later entries are fine: the checkpoint only says what must still be there.
        audit_record(action=AuditAction.READ, actor=self.coach, field="agenda")
        self.verify_command("--checkpoint", path)

    def test_cutting_off_the_newest_rows_passes_alone_but_not_against_a_checkpoint(self):
        path = self.checkpoint()
        newest = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True)[:2])
        self.delete_rows(newest)
        remaining = AuditEntry.objects.order_by("-id").first()
        AuditHead.objects.filter(id=remaining.lane).update(last_hash=remaining.entry_hash)
        self.assertTrue(audit_verify_chain().ok)  # nothing inside the database shows it
        with self.assertRaisesMessage(CommandError, "cut back"):
            self.verify_command("--checkpoint", path)

    def test_a_forged_checkpoint_is_refused(self):
        path = self.checkpoint()
        document = json.loads(path.read_text())
        for head in document["lanes"].values():
            head["entry_id"] -= 1
        path.write_text(json.dumps(document))
        with self.assertRaisesMessage(CommandError, "signature"):
            self.verify_command("--checkpoint", path)

    def test_checkpoint_to_stdout(self):
        out = StringIO()
        call_command("audit_checkpoint", stdout=out)
        self.assertTrue(chain.checkpoint_valid(json.loads(out.getvalue())))


class EmailDigestTests(TestCase):
    def test_email_digests_are_keyed(self):
        self.assertEqual(email_hash("A@Example.com "), email_hash("a@example.com"))
        self.assertNotEqual(
            email_hash("a@example.com"), chain.unsalted_email_digest("a@example.com")
        )
        audit_record(action=AuditAction.LOGIN_FAILED, email="a@example.com")
        stored = AuditEntry.objects.get().actor_email_hash
        # A list of guessed addresses hashed without the key finds nothing.
        guesses = {hashlib.sha256(e.encode()).hexdigest() for e in ("a@example.com", "b@x.org")}
        self.assertNotIn(stored, guesses)


@override_settings(AUDIT_DENIALS_PER_MINUTE=3)
class DenialFloodTests(TestCase):
    def test_denials_from_one_person_are_capped_with_one_summary_a_minute(self):
        prober = User.objects.create_user("p@example.com", "pw-irrelevant", name="P")
        other = User.objects.create_user("o@example.com", "pw-irrelevant", name="O")
        for i in range(50):
            audit_record(action=AuditAction.DENIED, actor=prober, target_type="x", target_code=i)
        audit_record(action=AuditAction.DENIED, actor=other, target_type="x", target_code="1")
        rows = list(AuditEntry.objects.filter(actor_id=prober.pk).order_by("id"))
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[-1].detail, {"kind": "rate_limited", "count": "3"})
        self.assertEqual(AuditEntry.objects.filter(actor_id=other.pk).count(), 1)
        self.assertTrue(audit_verify_chain().ok)

    def test_probing_urls_does_not_flood_the_log(self):
        from bearing.testing import make_user

        prober = make_user("prober@example.com", "Pat Prober")
        self.client.force_login(prober)
        before = AuditEntry.objects.count()
        for _ in range(30):
            response = self.client.get("/engagements/00000000-0000-0000-0000-000000000000/")
            self.assertEqual(response.status_code, 404)
        denied = AuditEntry.objects.filter(action=AuditAction.DENIED).count()
        self.assertEqual(denied, 4)
        self.assertLess(AuditEntry.objects.count() - before, 10)


class RechainMigrationTests(TestCase):
    """Existing rows, chained without a key, are re-chained under it."""

    def write_unkeyed(self, n=4):
        prev = GENESIS
        for i in range(n):
            row = AuditEntry(
                action=AuditAction.READ,
                actor_email_hash=chain.unsalted_email_digest("c@example.com"),
                target_type="t",
                target_code=str(i),
                detail={"field": "agenda"},
                prev_hash=prev,
            )
            row.entry_hash = hashlib.sha256(row.canonical()).hexdigest()
            row.save()
            prev = row.entry_hash
        AuditHead.objects.update_or_create(id=1, defaults={"last_hash": prev})

    def test_an_intact_unkeyed_chain_is_rechained_and_marked_verified(self):
        self.write_unkeyed()
        self.assertFalse(audit_verify_chain().ok)  # the old chain is not keyed
        rechain.key_the_chain(apps, None)
        self.assertEqual(audit_verify_chain().checked, 5)
        marker = AuditEntry.objects.order_by("-id").first()
        self.assertEqual(
            (marker.action, marker.detail), ("chain_keyed", {"status": "verified", "count": "4"})
        )
        # Email digests are salted, and the same address keeps one value.
        self.assertEqual(
            set(
                AuditEntry.objects.exclude(pk=marker.pk).values_list("actor_email_hash", flat=True)
            ),
            {email_hash("c@example.com")},
        )

    def test_a_chain_already_broken_is_rechained_but_marked_broken(self):
        self.write_unkeyed()
        second = AuditEntry.objects.order_by("id")[1]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [second.id])
        rechain.key_the_chain(apps, None)
        marker = AuditEntry.objects.order_by("-id").first()
        self.assertEqual(marker.detail["status"], "broken")
        self.assertIn(str(AuditEntry.objects.order_by("id")[1].id), marker.detail["reason"])

    def test_an_empty_log_gets_no_marker(self):
        rechain.key_the_chain(apps, None)
        self.assertFalse(AuditEntry.objects.exists())
