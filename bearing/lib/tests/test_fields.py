from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bearing.engagements.models import Action, PrivateNote
from bearing.lib import crypto, datakeys
from bearing.lib.fields import associated_data
from bearing.testing import CANARY, WorldTestCase


class EncryptedFieldTests(WorldTestCase):
    def test_value_reads_back_as_written(self):
        note = PrivateNote.objects.get(pk=self.w.private_note.pk)
        self.assertEqual(note.body, CANARY.private_note)

    def test_database_holds_only_ciphertext(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM engagements_privatenote")
            (stored,) = cursor.fetchone()
        self.assertTrue(stored.startswith("bx2$"))
        self.assertNotIn("CANARY", stored)

    def test_ciphertext_is_bound_to_its_row(self):
        note = PrivateNote.objects.get(pk=self.w.private_note.pk)
        stored = note.__dict__["body"]
        other_aad = associated_data(self.w.action, "title")
        with self.assertRaises(crypto.DecryptionError):
            crypto.decrypt(str(stored), other_aad)

    def test_update_with_plaintext_is_refused(self):
        with self.assertRaises(ValueError):
            PrivateNote.objects.filter(pk=self.w.private_note.pk).update(body="plain")


class KeyringTests(TestCase):
    def test_keys_parse_and_the_first_encrypts(self):
        ring = crypto.parse_keys(f"new:{crypto.generate_key()},old:{crypto.generate_key()}")
        self.assertEqual(ring.current_id, "new")
        self.assertEqual(set(ring.keys), {"new", "old"})

    def test_bad_key_is_refused_clearly(self):
        from django.core.exceptions import ImproperlyConfigured

        with self.assertRaises(ImproperlyConfigured):
            crypto.parse_keys("k1:c2hvcnQ=")


class SerializationTests(WorldTestCase):
    def test_dump_carries_ciphertext_and_load_keeps_it_readable(self):
        from django.core import serializers

        dumped = serializers.serialize("json", PrivateNote.objects.all())
        self.assertNotIn("CANARY", dumped)
        self.assertIn("bx2$", dumped)
        PrivateNote.objects.all().delete()
        for obj in serializers.deserialize("json", dumped):
            obj.save()
        self.assertEqual(PrivateNote.objects.get().body, CANARY.private_note)


class NewlyEncryptedColumnsTests(WorldTestCase):
    """The engagement's title, agreement terms, a session's location, a goal's own
    focus name and a key result's unit: ciphertext in the database and in a dump."""

    def test_database_and_dump_hold_only_ciphertext_and_load_reads_back(self):
        from django.core import serializers

        from bearing.engagements.models import Engagement
        from bearing.growth.models import KeyResult

        self.w.key_result.unit = "board meetings"
        self.w.key_result.save()
        with connection.cursor() as cursor:
            cursor.execute("SELECT title FROM engagements_engagement")
            (title,) = cursor.fetchone()
            cursor.execute("SELECT unit FROM growth_keyresult")
            (unit,) = cursor.fetchone()
        self.assertTrue(title.startswith("bx2$") and unit.startswith("bx2$"))
        dumped = serializers.serialize("json", KeyResult.objects.all())
        self.assertNotIn("board meetings", dumped)
        KeyResult.objects.all().delete()
        for obj in serializers.deserialize("json", dumped):
            obj.save()
        self.assertEqual(KeyResult.objects.get().unit, "board meetings")
        self.assertEqual(Engagement.objects.get().title, "Leadership coaching")

    def test_a_goal_with_its_own_focus_area_must_name_it(self):
        from django.core.exceptions import ValidationError

        from bearing.growth import services

        goal = services.goal_create(
            engagement=self.w.engagement,
            by=self.w.coachee,
            title="Be heard",
            focus_area="custom",
            custom_focus="Being heard by the board",
            kind="qualitative",
            baseline_rating=3,
            target_rating=7,
        )
        self.assertEqual(goal.custom_focus, "Being heard by the board")
        with self.assertRaises(ValidationError) as caught:
            services.goal_create(
                engagement=self.w.engagement,
                by=self.w.coachee,
                title="Be heard",
                focus_area="custom",
                custom_focus="",
                kind="qualitative",
                baseline_rating=3,
                target_rating=7,
            )
        self.assertIn("custom_focus", caught.exception.message_dict)


class EncryptedJSONFieldTests(WorldTestCase):
    """A companion conversation's state: structured, and encrypted as a whole."""

    STATE = {"stage": "will", "commitment": "I will tell Priya", "asked": ["g1", "r4"]}

    def conversation(self):
        from bearing.companion.models import CompanionConversation

        conv = CompanionConversation.objects.get(pk=self.w.conversation.pk)
        conv.state = dict(self.STATE)
        conv.save()
        return CompanionConversation.objects.get(pk=conv.pk)

    def test_state_reads_back_and_the_database_holds_only_ciphertext(self):
        self.assertEqual(self.conversation().state, self.STATE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT state FROM companion_companionconversation")
            stored = [row[0] for row in cursor.fetchall()]
        self.assertTrue(all(s.startswith("bx2$") for s in stored), stored)
        self.assertFalse(any("Priya" in s for s in stored))

    def test_a_change_inside_the_state_is_saved(self):
        conv = self.conversation()
        conv.state["stage"] = "options"
        conv.save(update_fields=["state"])
        conv.refresh_from_db()
        self.assertEqual(conv.state["stage"], "options")

    def test_state_is_bound_to_its_row_and_plain_update_is_refused(self):
        from bearing.companion.models import CompanionConversation

        conv = self.conversation()
        with self.assertRaises(ValueError):
            CompanionConversation.objects.filter(pk=conv.pk).update(state={"stage": "goal"})
        with self.assertRaises(crypto.DecryptionError):
            crypto.decrypt(str(conv.__dict__["state"]), associated_data(self.w.action, "state"))

    def test_dump_and_load_keep_it_sealed_and_readable(self):
        from django.core import serializers

        from bearing.companion.models import CompanionConversation

        self.conversation()
        dumped = serializers.serialize("json", CompanionConversation.objects.all())
        self.assertNotIn("Priya", dumped)
        CompanionConversation.objects.all().delete()
        for obj in serializers.deserialize("json", dumped):
            obj.save()
        self.assertEqual(CompanionConversation.objects.get().state, self.STATE)

    def test_key_rotation_rewraps_the_state_s_data_key(self):
        from django.test import override_settings

        from bearing.companion.models import CompanionConversation
        from bearing.lib import rotation

        from .test_rotation import KEY_A, KEY_B

        conv = self.conversation()
        try:
            with override_settings(ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}"):
                crypto.reset_keyring()
                self.assertGreater(rotation.rotate_all(), 0)
                stored = CompanionConversation.objects.get(pk=conv.pk).__dict__["state"]
                data_kid = crypto.key_id_of(str(stored))
                wrapping = datakeys.wrapping_key_ids()
                self.assertEqual(wrapping[data_kid], KEY_B.split(":")[0])
            with override_settings(ENCRYPTION_KEYS=KEY_B):
                crypto.reset_keyring()
                self.assertEqual(CompanionConversation.objects.get(pk=conv.pk).state, self.STATE)
        finally:
            crypto.reset_keyring()


class DataKeyLookupTests(WorldTestCase):
    def test_many_rows_of_one_scope_ask_for_its_key_once(self):
        datakeys.forget_scopes()
        with CaptureQueriesContext(connection) as queries:
            # The first write makes the scope known once its transaction commits.
            with self.captureOnCommitCallbacks(execute=True):
                self.w.engagement.title = "renamed"
                self.w.engagement.save(update_fields=["title"])
            for i in range(5):
                Action.objects.create(
                    engagement=self.w.engagement,
                    owner=self.w.coachee,
                    title=f"step {i}",
                    due_on=timezone.localdate(),
                    created_by=self.w.coachee,
                )
        asked = [q for q in queries.captured_queries if "lib_datakey" in q["sql"]]
        self.assertEqual(len(asked), 1)

    def test_a_key_made_in_a_transaction_that_rolls_back_is_not_remembered(self):
        scope = datakeys.person_scope(self.w.coachee.pk)
        datakeys.forget_scopes()
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    made, _ = datakeys.key_for_scope(scope)
                    raise RuntimeError("the request fails after the key was made")
            except RuntimeError:
                pass
        self.assertEqual(datakeys.scopes_exist([scope]), set())
        again, _ = datakeys.key_for_scope(scope)
        self.assertNotEqual(again, made)
        self.assertEqual(datakeys.scopes_exist([scope]), {scope})

    def test_a_destroyed_key_is_not_used_for_new_text(self):
        scope = datakeys.engagement_scope(self.w.engagement.code)
        old_kid, _ = datakeys.key_for_scope(scope)
        datakeys.destroy([scope])
        new_kid, _ = datakeys.key_for_scope(scope)
        self.assertNotEqual(old_kid, new_kid)
