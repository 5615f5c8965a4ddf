"""The migrations that encrypt existing plaintext columns: rows written before
them are ciphertext after them and read back as written; rolled back, they are
plaintext again."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

ENGAGEMENTS = ("engagements", "0005_encrypt_title_terms_location")
GROWTH = ("growth", "0002_encrypt_custom_focus_and_unit")


def migrate(*targets):
    """Migrate these apps to these migrations; the models as the database now has
    them (every app as far as its applied migrations go: apps that depend on a
    later migration of these are unapplied with it)."""
    MigrationExecutor(connection).migrate(list(targets))
    loader = MigrationExecutor(connection).loader
    applied = [node for node in loader.applied_migrations if node in loader.graph.nodes]
    return loader.project_state(applied).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def stored(table: str, column: str, code) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE code = %s", [code.hex])  # noqa: S608
        row = cursor.fetchone()
    if row is None:  # PostgreSQL stores a uuid, SQLite its hex
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} WHERE code = %s", [code])  # noqa: S608
            row = cursor.fetchone()
    return row[0]


class EncryptionMigrationTests(TransactionTestCase):
    def tearDown(self):
        migrate_to_latest()
        super().tearDown()

    def plant_old_rows(self, old):
        now = timezone.now()
        practice = old.get_model("accounts", "Practice").objects.create(name="P")
        organization = old.get_model("accounts", "Organization").objects.create(name="O")
        user_model = old.get_model("accounts", "User")
        coach = user_model.objects.create(email="c@example.com", name="C", password="!")
        coachee = user_model.objects.create(email="l@example.com", name="L", password="!")
        engagement = old.get_model("engagements", "Engagement").objects.create(
            code=uuid.uuid4(),
            practice=practice,
            organization=organization,
            coach=coach,
            coachee=coachee,
            title="Stepping up to CFO",
        )
        agreement = old.get_model("engagements", "Agreement").objects.create(
            code=uuid.uuid4(),
            engagement=engagement,
            version=1,
            cadence="Weekly, then every two weeks",
            confidentiality_limits="Only a risk of serious harm.",
            created_by=coach,
        )
        session = old.get_model("engagements", "CoachingSession").objects.create(
            code=uuid.uuid4(),
            engagement=engagement,
            scheduled_for=now + timedelta(days=3),
            location="Room 4, by the board room",
        )
        goal = old.get_model("growth", "Goal").objects.create(
            code=uuid.uuid4(),
            engagement=engagement,
            focus_area="custom",
            custom_focus="Being heard by the board",
            kind="measurable",
        )
        key_result = old.get_model("growth", "KeyResult").objects.create(
            code=uuid.uuid4(), goal=goal, unit="board meetings", baseline=0, target=3, current=1
        )
        return {
            ("engagements_engagement", "title", engagement.code): "Stepping up to CFO",
            ("engagements_agreement", "cadence", agreement.code): "Weekly, then every two weeks",
            (
                "engagements_agreement",
                "confidentiality_limits",
                agreement.code,
            ): "Only a risk of serious harm.",
            (
                "engagements_coachingsession",
                "location",
                session.code,
            ): "Room 4, by the board room",
            ("growth_goal", "custom_focus", goal.code): "Being heard by the board",
            ("growth_keyresult", "unit", key_result.code): "board meetings",
        }

    def test_existing_titles_terms_locations_focus_and_units_are_encrypted_in_place(self):
        old = migrate(("engagements", "0004_engagement_invitation"), ("growth", "0001_initial"))
        planted = self.plant_old_rows(old)
        for (table, column, code), plain in planted.items():
            self.assertEqual(stored(table, column, code), plain)  # plaintext before

        migrate(ENGAGEMENTS, GROWTH)
        for (table, column, code), plain in planted.items():
            with self.subTest(column=f"{table}.{column}"):
                raw = stored(table, column, code)
                self.assertTrue(raw.startswith("bx1$"), raw)
                self.assertNotIn(plain, raw)

        migrate_to_latest()
        from bearing.engagements.models import Agreement, CoachingSession, Engagement
        from bearing.growth.models import Goal, KeyResult

        models = {
            "engagements_engagement": Engagement,
            "engagements_agreement": Agreement,
            "engagements_coachingsession": CoachingSession,
            "growth_goal": Goal,
            "growth_keyresult": KeyResult,
        }
        for (table, column, code), plain in planted.items():
            with self.subTest(read=f"{table}.{column}"):
                self.assertEqual(getattr(models[table].objects.get(code=code), column), plain)

    def test_running_the_encryption_twice_changes_nothing_and_rolling_back_decrypts(self):
        old = migrate(("engagements", "0004_engagement_invitation"), ("growth", "0001_initial"))
        planted = self.plant_old_rows(old)
        new = migrate(ENGAGEMENTS, GROWTH)
        before = {key: stored(*key) for key in planted}
        from bearing.lib.fields import encrypt_rows

        self.assertEqual(encrypt_rows(new.get_model("growth", "KeyResult"), ["unit"]), 0)
        self.assertEqual({key: stored(*key) for key in planted}, before)

        migrate(("engagements", "0004_engagement_invitation"), ("growth", "0001_initial"))
        for (table, column, code), plain in planted.items():
            with self.subTest(column=f"{table}.{column}"):
                self.assertEqual(stored(table, column, code), plain)


class CalendarTokenMigrationTests(TransactionTestCase):
    def tearDown(self):
        migrate_to_latest()
        super().tearDown()

    def test_stored_calendar_tokens_become_hashes_and_old_links_keep_working(self):
        import hashlib

        old = migrate(("accounts", "0004_invitation_approval"))
        user_model = old.get_model("accounts", "User")
        tokens = {}
        for i in range(3):  # more than one, so rolling back must give distinct tokens
            user = user_model.objects.create(
                email=f"p{i}@example.com", name=f"P{i}", password="!", calendar_token=f"tok{i}" * 8
            )
            tokens[user.pk] = user.calendar_token

        migrate(("accounts", "0005_calendar_token_hash"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_user")
            everything = repr(cursor.fetchall())
        for token in tokens.values():
            self.assertNotIn(token, everything)
            self.assertIn(hashlib.sha256(token.encode()).hexdigest(), everything)

        migrate_to_latest()
        from bearing.accounts.queries import user_for_calendar_token

        for pk, token in tokens.items():
            self.assertEqual(user_for_calendar_token(token).pk, pk)

        back = migrate(("accounts", "0004_invitation_approval"))
        rolled = dict(
            back.get_model("accounts", "User").objects.values_list("pk", "calendar_token")
        )
        self.assertEqual(len(set(rolled.values())), 3)  # new, distinct links
        self.assertTrue(all(rolled.values()))


class ConversationStateMigrationTests(TransactionTestCase):
    def tearDown(self):
        migrate_to_latest()
        super().tearDown()

    def test_a_conversations_state_is_encrypted_in_place_and_reads_back(self):
        old = migrate(("companion", "0003_support_resources"))
        practice = old.get_model("accounts", "Practice").objects.create(name="P")
        organization = old.get_model("accounts", "Organization").objects.create(name="O")
        user_model = old.get_model("accounts", "User")
        coach = user_model.objects.create(email="c@example.com", name="C", password="!")
        coachee = user_model.objects.create(email="l@example.com", name="L", password="!")
        engagement = old.get_model("engagements", "Engagement").objects.create(
            code=uuid.uuid4(),
            practice=practice,
            organization=organization,
            coach=coach,
            coachee=coachee,
            title="T",
        )
        state = {
            "stage": "will",
            "commitment": "I will tell Priya I am stepping back from the launch",
            "topics": ["the CFO talks over me"],
        }
        conversation = old.get_model("companion", "CompanionConversation").objects.create(
            code=uuid.uuid4(), engagement=engagement, state=state
        )
        self.assertIn(
            "Priya", stored("companion_companionconversation", "state", conversation.code)
        )

        migrate(("companion", "0004_encrypt_conversation_state"))
        raw = stored("companion_companionconversation", "state", conversation.code)
        self.assertTrue(raw.startswith("bx1$"), raw)
        self.assertNotIn("Priya", raw)

        migrate_to_latest()
        from bearing.companion.models import CompanionConversation

        self.assertEqual(CompanionConversation.objects.get(code=conversation.code).state, state)

        back = migrate(("companion", "0003_support_resources"))
        model = back.get_model("companion", "CompanionConversation")
        self.assertEqual(model.objects.get(code=conversation.code).state, state)
