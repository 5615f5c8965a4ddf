from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from bearing.engagements.models import Action, CoachingSession, PrivateNote
from bearing.lib import crypto, datakeys
from bearing.testing import CANARY, WorldTestCase

KEY_A = "ktest1:dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLXVzZSE="
KEY_B = f"knew2:{crypto.generate_key()}"


def _stored(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


class KeyRotationTests(WorldTestCase):
    def tearDown(self):
        crypto.reset_keyring()
        super().tearDown()

    def test_rotation_keeps_every_value_readable_under_the_new_key(self):
        with override_settings(ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}"):
            crypto.reset_keyring()
            with self.assertRaises(CommandError):
                call_command("rotate_encryption", "--check", stdout=StringIO())
            out = StringIO()
            call_command("rotate_encryption", stdout=out)
            self.assertIn("Re-encrypted", out.getvalue())
            call_command("rotate_encryption", "--check", stdout=StringIO())
            # The values stay under their data keys; the data keys are re-wrapped.
            wrapping = datakeys.wrapping_key_ids()
            for value in _stored("engagements_privatenote", "body") + _stored(
                "engagements_coachingsession", "shared_notes"
            ):
                self.assertEqual(wrapping[crypto.key_id_of(value)], "knew2")
            self.assertEqual(set(wrapping.values()), {"knew2"})
        # With only the new key, everything still decrypts.
        with override_settings(ENCRYPTION_KEYS=KEY_B):
            crypto.reset_keyring()
            self.assertEqual(PrivateNote.objects.get().body, CANARY.private_note)
            self.assertEqual(Action.objects.get().title, CANARY.action)
            session = CoachingSession.objects.get(pk=self.w.next_session.pk)
            self.assertEqual(session.agenda_outcome, CANARY.agenda_outcome)

    def test_without_the_old_key_old_values_do_not_decrypt(self):
        with override_settings(ENCRYPTION_KEYS=KEY_B):
            crypto.reset_keyring()
            with self.assertRaises(crypto.DecryptionError):
                _ = PrivateNote.objects.get().body

    def test_database_holds_no_plaintext_of_any_encrypted_field(self):
        columns = [
            ("engagements_privatenote", "body"),
            ("engagements_coachingsession", "shared_notes"),
            ("engagements_coachingsession", "agenda_outcome"),
            ("engagements_coachingsession", "agenda_measure"),
            ("engagements_coachingsession", "agenda_why"),
            ("engagements_action", "title"),
            ("engagements_agreement", "objectives"),
        ]
        for table, column in columns:
            values = _stored(table, column)
            self.assertTrue(values, f"{table}.{column} has test data")
            for value in values:
                self.assertTrue(value.startswith("bx2$"))
                self.assertNotIn("CANARY", value)

    def test_values_from_before_data_keys_move_to_their_data_key(self):
        note = PrivateNote.objects.get()
        legacy = crypto.encrypt(CANARY.private_note, f"engagements.privatenote.body.{note.code}")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE engagements_privatenote SET body = %s", [legacy])
        with self.assertRaises(CommandError):
            call_command("rotate_encryption", "--check", stdout=StringIO())
        call_command("rotate_encryption", stdout=StringIO())
        call_command("rotate_encryption", "--check", stdout=StringIO())
        (stored,) = _stored("engagements_privatenote", "body")
        self.assertTrue(stored.startswith("bx2$"))
        self.assertEqual(PrivateNote.objects.get().body, CANARY.private_note)

    def test_keygen_prints_a_usable_key(self):
        out = StringIO()
        call_command("encryption_keygen", stdout=out)
        ring = crypto.parse_keys(out.getvalue().strip())
        self.assertEqual(len(ring.keys[ring.current_id]), 32)
