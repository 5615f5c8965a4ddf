"""Every text, char and JSON column in the whole schema is either encrypted or
declared plaintext, with a reason, in bearing/lib/schema_policy.py."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.test import SimpleTestCase

from bearing.lib.fields import EncryptedTextField
from bearing.lib.schema_policy import PLAINTEXT

TEXT_LIKE = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField)


def text_columns() -> dict[str, models.Field]:
    columns = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_LIKE):
                columns[f"{model._meta.label}.{field.name}"] = field
    return columns


class SchemaPolicyTests(SimpleTestCase):
    def test_every_text_column_is_encrypted_or_declared_plaintext(self):
        undeclared = sorted(
            label
            for label, field in text_columns().items()
            if not isinstance(field, EncryptedTextField) and label not in PLAINTEXT
        )
        self.assertEqual(
            undeclared,
            [],
            "Encrypt these (bearing.lib.fields) if they can carry anyone's words, or declare "
            "them in bearing/lib/schema_policy.py with the reason they may stay plaintext",
        )

    def test_no_declaration_is_stale_or_contradicts_the_schema(self):
        columns = text_columns()
        stale = sorted(label for label in PLAINTEXT if label not in columns)
        self.assertEqual(stale, [], "declared plaintext, but no such column")
        both = sorted(
            label for label in PLAINTEXT if isinstance(columns.get(label), EncryptedTextField)
        )
        self.assertEqual(both, [], "declared plaintext, but encrypted")

    def test_every_declaration_gives_a_reason(self):
        self.assertEqual([k for k, why in PLAINTEXT.items() if len(why.strip()) < 10], [])

    def test_the_words_the_issue_named_are_encrypted(self):
        columns = text_columns()
        for label in (
            "companion.CompanionConversation.state",
            "growth.Goal.custom_focus",
            "growth.KeyResult.unit",
            "engagements.Engagement.title",
        ):
            with self.subTest(column=label):
                self.assertIsInstance(columns[label], EncryptedTextField)
