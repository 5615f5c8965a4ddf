from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase

from bearing.accounts.models import User
from bearing.audit.models import AuditAction, AuditEntry
from bearing.audit.services import audit_record, audit_verify_chain


class AuditChainTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_user("a@example.com", "pw-irrelevant-here", name="A")
        for _ in range(5):
            audit_record(action=AuditAction.READ, actor=cls.user, target=cls.user, field="agenda")

    def test_chain_verifies(self):
        report = audit_verify_chain()
        self.assertTrue(report.ok)
        self.assertEqual(report.checked, 5)
        out = StringIO()
        call_command("audit_verify", stdout=out)
        self.assertIn("5 entries", out.getvalue())

    def test_each_entry_links_to_the_one_before(self):
        rows = list(AuditEntry.objects.order_by("id"))
        for before, after in zip(rows, rows[1:], strict=False):
            self.assertEqual(after.prev_hash, before.entry_hash)

    def test_altered_row_breaks_the_chain(self):
        target = AuditEntry.objects.order_by("id")[2]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditentry SET action = %s WHERE id = %s",
                [AuditAction.EXPORT.value, target.id],
            )
        report = audit_verify_chain()
        self.assertFalse(report.ok)
        self.assertEqual(report.broken_at, target.id)
        with self.assertRaises(CommandError):
            call_command("audit_verify", stdout=StringIO())

    def test_removed_newest_row_is_detected(self):
        last = AuditEntry.objects.order_by("-id").first()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [last.id])
        self.assertFalse(audit_verify_chain().ok)

    def test_removed_middle_row_is_detected(self):
        middle = AuditEntry.objects.order_by("id")[1]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [middle.id])
        self.assertFalse(audit_verify_chain().ok)

    def test_entries_cannot_be_changed_or_deleted_through_the_model(self):
        entry = AuditEntry.objects.first()
        entry.action = AuditAction.EXPORT
        with self.assertRaises(RuntimeError):
            entry.save()
        with self.assertRaises(RuntimeError):
            entry.delete()

    def test_detail_refuses_unknown_keys_so_content_cannot_slip_in(self):
        with self.assertRaises(ValueError):
            audit_record(action=AuditAction.READ, actor=self.user, body="secret text")

    def test_login_and_failed_login_are_audited_without_the_password(self):
        self.client.login(email="a@example.com", password="wrong-password")
        failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).get()
        self.assertNotIn("wrong-password", failed.canonical().decode())
        self.assertIsNone(failed.actor_id)
        self.client.force_login(self.user)
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.LOGIN).exists())
