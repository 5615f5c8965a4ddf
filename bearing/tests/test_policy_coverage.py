"""Every record kind that holds personal or confidential data is declared once
(``bearing.lib.policy``), and every confidential field says who writes it.

Personal or confidential: a model with an encrypted field (``bearing.lib.fields``),
a foreign key to the user model, or the user model itself.
"""

from __future__ import annotations

from unittest import mock

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.test import SimpleTestCase

from bearing.lib import policy
from bearing.lib.fields import encrypted_fields
from bearing.lib.policy import Author, Reader, RecordKind

# Rows that are the person, or name them by a plain id (the audit log keeps no
# foreign key, so that its chain outlives an erased account).
_OWNER_BY_ID = {("accounts.User", "id"), ("audit.AuditEntry", "actor_id")}


def _personal_models():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        to_user = any(
            f.is_relation and f.related_model is user_model for f in model._meta.concrete_fields
        )
        if model is user_model or to_user or encrypted_fields(model):
            yield model


def _resolve(model, path: str):
    """The model a ``a__b__c`` path ends on (or the field's model for a plain column)."""
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if not field.is_relation:
            return None
        model = field.related_model
    return model


def policy_problems() -> list[str]:
    problems: list[str] = []
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    engagement_model = apps.get_model("engagements", "Engagement")
    for model in _personal_models():
        kind = policy.kind_of(model)
        if kind is None:
            problems.append(f"{model._meta.label} holds personal data and has no declaration")
            continue
        encrypted = {f.name for f in encrypted_fields(model)}
        for name in sorted(encrypted - set(kind.authors)):
            problems.append(f"{model._meta.label}.{name} is confidential and has no author")
        for name in sorted(set(kind.authors) - encrypted):
            problems.append(f"{model._meta.label}.{name} has an author but is not encrypted")
    for kind in policy.record_kinds():
        try:
            model = kind.model_class()
        except LookupError:
            problems.append(f"{kind.model} is declared but is no model")
            continue
        try:
            owner = _resolve(model, kind.owner)
        except FieldDoesNotExist:
            owner = None
        if (kind.model, kind.owner) in _OWNER_BY_ID:
            owner = user_model
        if owner is not user_model:
            problems.append(f"{kind.model}: owner path {kind.owner!r} does not reach a person")
        if kind.engagement:
            try:
                reached = _resolve(model, kind.engagement)
            except FieldDoesNotExist:
                reached = None
            if reached is not engagement_model:
                problems.append(f"{kind.model}: {kind.engagement!r} does not reach an engagement")
        fields = list(kind.export) if isinstance(kind.export, tuple) else []
        for path in fields + list(kind.coach_notes):
            try:
                _walk_fields(model, path)
            except FieldDoesNotExist:
                problems.append(f"{kind.model}: exported field {path!r} does not exist")
    return problems


def _walk_fields(model, path: str) -> None:
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    model._meta.get_field(parts[-1])


class PolicyCoverageTests(SimpleTestCase):
    def test_every_personal_record_kind_is_declared_with_an_author_for_each_confidential_field(
        self,
    ):
        self.assertEqual(policy_problems(), [])

    def test_a_model_without_a_declaration_is_reported(self):
        kept = dict(policy._REGISTRY)
        del kept["engagements.privatenote"]
        with mock.patch.dict(policy._REGISTRY, kept, clear=True):
            self.assertIn(
                "engagements.PrivateNote holds personal data and has no declaration",
                policy_problems(),
            )

    def test_a_confidential_field_without_an_author_is_reported(self):
        kind = policy.kind_of("growth.CheckIn")
        authors = {k: v for k, v in kind.authors.items() if k != "obstacles"}
        changed = RecordKind(**{**kind.__dict__, "authors": authors})
        with mock.patch.dict(policy._REGISTRY, {kind.label: changed}):
            self.assertIn(
                "growth.CheckIn.obstacles is confidential and has no author", policy_problems()
            )

    def test_the_personal_models_include_every_kind_the_table_names(self):
        labels = {m._meta.label for m in _personal_models()}
        for label in (
            "engagements.PrivateNote",
            "engagements.CoachingSession",
            "growth.CheckIn",
            "companion.CompanionMessage",
            "accounts.User",
            "growth.Reminder",
        ):
            self.assertIn(label, labels)


class DeclarationTests(SimpleTestCase):
    def test_only_the_coach_reads_private_notes_and_nobody_else_is_ever_a_reader(self):
        kind = policy.kind_of("engagements.PrivateNote")
        self.assertEqual(kind.readers, {Reader.COACH})
        self.assertEqual(kind.owner_is, Reader.COACH)

    def test_a_read_by_someone_other_than_the_author_is_audited(self):
        session = policy.kind_of("engagements.CoachingSession")
        self.assertTrue(session.read_is_audited(Reader.COACH, ["agenda_outcome"]))
        self.assertFalse(session.read_is_audited(Reader.COACHEE, ["agenda_outcome"]))
        self.assertFalse(session.read_is_audited(Reader.COACH, ["shared_notes"]))
        self.assertTrue(session.read_is_audited(Reader.COACH))  # all fields: the agenda too
        check_in = policy.kind_of("growth.CheckIn")
        self.assertTrue(check_in.read_is_audited(Reader.COACH))
        self.assertFalse(check_in.read_is_audited(Reader.COACHEE))
        engagement = policy.kind_of("engagements.Engagement")
        self.assertFalse(engagement.read_is_audited(Reader.COACHEE))  # declared unaudited

    def test_a_kind_exported_to_an_owner_who_may_not_read_it_is_refused(self):
        with self.assertRaises(ValueError):
            RecordKind(
                model="engagements.PrivateNote",
                title="x",
                owner="session__engagement__coachee",
                owner_is=Reader.COACHEE,
                readers={Reader.COACH},
                authors={"body": Author.COACH},
                audit_non_author_reads=True,
                export=("body",),
            )

    def test_a_second_different_declaration_of_one_model_is_refused(self):
        kind = policy.kind_of("growth.Win")
        with self.assertRaises(ValueError):
            policy.register(RecordKind(**{**kind.__dict__, "title": "Something else"}))
        policy.register(kind)  # the same declaration again is harmless
