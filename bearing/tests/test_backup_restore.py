"""Backups restore: a backup of a populated Bearing, restored into an empty database,
holds every table row for row, and the audit chain verifies after the restore.

Runs on the suite's engine: SQLite in the normal run (the restore goes into a new
file), PostgreSQL when the suite runs there (into a database the test creates).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import TransactionTestCase
from django.urls import reverse

from bearing.accounts.models import Practice
from bearing.audit.models import AuditAction, AuditEntry
from bearing.audit.services import audit_record
from bearing.lib.backup import tables_with_data
from bearing.testing import make_world

from . import figures
from .test_route_sweep import add_route_objects

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def table_rows(conn) -> dict[str, list[tuple]]:
    """Every row of every table, as stored (ciphertext stays ciphertext), in a
    stable order."""
    out = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(table)}")  # noqa: S608
            rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
            out[table] = sorted(rows, key=repr)
    return out


@contextmanager
def empty_database(tmp: Path):
    """A new, empty database of the suite's engine, standing in as ``default``."""
    original = connections["default"]
    settings_dict = dict(original.settings_dict)
    created = None
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp / "restored.sqlite3")
    else:
        created = f"bearing_restore_{uuid.uuid4().hex[:10]}"
        with original.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {original.ops.quote_name(created)}")
        settings_dict["NAME"] = created
    target = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = target
    try:
        yield target
    finally:
        target.close()
        connections["default"] = original
        if created:
            with original.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {original.ops.quote_name(created)}")


class BackupRestoreTests(TransactionTestCase):
    def setUp(self):
        if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
            if CI:
                self.fail("pg_dump is missing: install postgresql-client")
            self.skipTest("pg_dump is missing: install postgresql-client")
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)

    def populate(self):
        w = make_world()
        add_route_objects(w)
        # Audited reads and sign-ins, so the chain has something to prove.
        self.client.force_login(w.coach)
        self.client.get(reverse("growth:check_ins", args=[w.engagement.code]))
        for _ in range(3):
            audit_record(action=AuditAction.READ, actor=w.coach, target=w.engagement)
        self.assertGreater(AuditEntry.objects.count(), 2)
        return w

    def test_a_backup_restores_into_an_empty_database_row_for_row(self):
        self.populate()
        before = table_rows(connection)
        path = self.tmp / "bearing.backup"
        out = StringIO()
        call_command("backup", str(path), stdout=out)
        self.assertIn(
            "does not hold the encryption keys, the data keys or the audit key", out.getvalue()
        )
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)

        with empty_database(self.tmp) as target:
            self.assertEqual(tables_with_data(target), [])
            out = StringIO()
            call_command("restore", str(path), stdout=out)
            self.assertIn("same encryption keys", out.getvalue())
            after = table_rows(target)
            self.assertEqual(sorted(after), sorted(before))
            for table, rows in before.items():
                self.assertEqual(after[table], rows, f"{table} differs after the restore")
            verified = StringIO()
            call_command("audit_verify", stdout=verified)
            self.assertIn("verified", verified.getvalue())
            # The restored database takes new writes, with ids after the restored ones.
            newest = Practice.objects.order_by("-id").first().id
            self.assertGreater(Practice.objects.create(name="After the restore").id, newest)
        figures.add("restore_tables", len(before))
        figures.add("restore_rows", sum(len(rows) for rows in before.values()))

    def test_a_database_that_holds_data_is_refused_unless_forced(self):
        self.populate()
        path = self.tmp / "bearing.backup"
        call_command("backup", str(path), stdout=StringIO())
        Practice.objects.create(name="Written after the backup")
        with self.assertRaisesRegex(CommandError, "not empty"):
            call_command("restore", str(path), stdout=StringIO())
        self.assertTrue(Practice.objects.filter(name="Written after the backup").exists())
        call_command("restore", str(path), "--force", stdout=StringIO())
        self.assertFalse(Practice.objects.filter(name="Written after the backup").exists())
        call_command("audit_verify", stdout=StringIO())

    def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(self):
        junk = self.tmp / "notes.txt"
        junk.write_text("not a backup\n")
        with empty_database(self.tmp) as target:
            with self.assertRaisesRegex(CommandError, "not a Bearing backup"):
                call_command("restore", str(junk), stdout=StringIO())
            self.assertEqual(tables_with_data(target), [])

    def test_an_existing_file_is_never_overwritten(self):
        path = self.tmp / "taken.backup"
        path.write_text("keep me")
        with self.assertRaisesRegex(CommandError, "exists already"):
            call_command("backup", str(path), stdout=StringIO())
        self.assertEqual(path.read_text(), "keep me")
