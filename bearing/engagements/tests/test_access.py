"""The access module: one door, read from the record kinds' declarations."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements import access
from bearing.engagements.access import Relation
from bearing.engagements.models import Action, CoachingSession, Engagement, PrivateNote
from bearing.growth.models import CheckIn
from bearing.testing import WorldTestCase


def _denials(user) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(actor_id=user.id, action=AuditAction.DENIED))


def _reads(user) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(actor_id=user.id, action=AuditAction.READ))


class GetForTests(WorldTestCase):
    def test_the_coach_and_the_coachee_get_the_record_with_their_relation(self):
        code = self.w.next_session.code
        session, relation = access.get_for(self.w.coach, CoachingSession, code)
        self.assertEqual((session, relation), (self.w.next_session, Relation.COACH))
        session, relation = access.get_for(self.w.coachee, "engagements.CoachingSession", code)
        self.assertEqual((session, relation), (self.w.next_session, Relation.COACHEE))

    def test_another_coach_gets_404_and_the_attempt_is_audited_without_content(self):
        with self.assertRaises(Http404):
            access.get_for(self.w.other_coach, Action, self.w.action.code)
        [entry] = _denials(self.w.other_coach)
        self.assertEqual(entry.target_type, "engagements.action")
        self.assertEqual(entry.target_code, str(self.w.action.code))

    def test_a_code_that_does_not_exist_gets_the_same_404(self):
        missing = "00000000-0000-4000-8000-000000000000"
        with self.assertRaises(Http404):
            access.get_for(self.w.coach, Action, missing)
        self.assertEqual(len(_denials(self.w.coach)), 1)

    def test_a_signed_out_visitor_gets_404_and_nothing_is_written(self):
        before = AuditEntry.objects.count()
        with self.assertRaises(Http404):
            access.get_for(AnonymousUser(), Engagement, self.w.engagement.code)
        self.assertEqual(AuditEntry.objects.count(), before)

    def test_want_narrows_a_step_to_one_party(self):
        with self.assertRaises(Http404):
            access.get_for(self.w.coachee, CoachingSession, self.w.next_session.code, want="coach")
        _, relation = access.get_for(
            self.w.coach, CoachingSession, self.w.next_session.code, want=Relation.COACH
        )
        self.assertEqual(relation, Relation.COACH)

    def test_a_sponsor_passes_only_when_asked_for_and_only_where_an_allow_list_is_declared(self):
        with self.assertRaises(Http404):
            access.get_for(self.w.sponsor, Engagement, self.w.engagement.code)
        _, relation = access.get_for(
            self.w.sponsor, Engagement, self.w.engagement.code, want=Relation.SPONSOR
        )
        self.assertEqual(relation, Relation.SPONSOR)
        with self.assertRaises(Http404):  # actions: the coach and the coachee only
            access.get_for(self.w.sponsor, Action, self.w.action.code, want=Relation.SPONSOR)

    def test_private_notes_are_for_the_coach_alone(self):
        note, relation = access.get_for(self.w.coach, PrivateNote, self.w.private_note.code)
        self.assertEqual(relation, Relation.COACH)
        with self.assertRaises(Http404):
            access.get_for(self.w.coachee, PrivateNote, self.w.private_note.code)

    def test_the_coach_reads_a_conversation_only_once_the_coachee_shares_it(self):
        conv = self.w.conversation
        with self.assertRaises(Http404):
            access.get_for(self.w.coach, "companion.CompanionConversation", conv.code)
        conv.shared_with_coach_at = timezone.now()
        conv.save(update_fields=["shared_with_coach_at"])
        _, relation = access.get_for(self.w.coach, "companion.CompanionConversation", conv.code)
        self.assertEqual(relation, Relation.COACH)

    def test_may_read_answers_from_the_declaration(self):
        self.assertTrue(access.may_read(PrivateNote, Relation.COACH))
        for relation in (Relation.COACHEE, Relation.SPONSOR, None):
            self.assertFalse(access.may_read(PrivateNote, relation))
        with self.assertRaises(ValueError):  # shared or not: the row decides
            access.may_read("companion.CompanionConversation", Relation.COACH)
        self.assertFalse(
            access.may_read("companion.CompanionConversation", Relation.COACH, self.w.conversation)
        )

    def test_a_model_without_a_declaration_has_no_door(self):
        from bearing.audit.models import AuditHead

        with self.assertRaises(LookupError):
            access.get_for(self.w.coach, AuditHead, "x")


class AuditReadTests(WorldTestCase):
    def test_a_read_by_someone_other_than_the_author_is_audited_and_the_authors_is_not(self):
        check_in = CheckIn.objects.get(pk=self.w.check_in.pk)
        self.assertFalse(access.audit_read(self.w.coachee, check_in, Relation.COACHEE))
        self.assertEqual(_reads(self.w.coachee), [])
        self.assertTrue(access.audit_read(self.w.coach, check_in, Relation.COACH))
        [entry] = _reads(self.w.coach)
        self.assertEqual(
            (entry.target_type, entry.target_code, entry.detail),
            ("growth.checkin", str(check_in.code), {"field": "checkin"}),
        )

    def test_text_both_write_is_audited_when_the_other_party_wrote_it(self):
        session = self.w.past_session
        for writer, audited in ((self.w.coach, False), (self.w.coachee, True), (None, False)):
            with self.subTest(writer=writer):
                self.assertEqual(
                    access.audit_read(
                        self.w.coach,
                        session,
                        Relation.COACH,
                        fields=["shared_notes"],
                        written_by=[writer.pk if writer else None],
                    ),
                    audited,
                )

    def test_a_kind_declared_unaudited_is_never_audited(self):
        self.assertFalse(
            access.audit_read(
                self.w.sponsor, self.w.engagement, Relation.SPONSOR, written_by=[self.w.coach.pk]
            )
        )
        self.assertEqual(_reads(self.w.sponsor), [])

    def test_an_allow_list_row_is_named_by_its_kind_and_code(self):
        row = SimpleNamespace(code="a1b2", body="not in the log")
        access.audit_read(self.w.sponsor, row, Relation.SPONSOR, kind="growth.ProgressSummary")
        [entry] = _reads(self.w.sponsor)
        self.assertEqual((entry.target_type, entry.target_code), ("growth.progresssummary", "a1b2"))
        self.assertNotIn("not in the log", str(entry.detail))


class DashboardReadTests(WorldTestCase):
    def _open_list_reads(self):
        return [e for e in _reads(self.w.coachee) if e.target_code == "open-list"]

    def test_the_coachee_reading_action_titles_the_coach_wrote_is_audited(self):
        from django.urls import reverse

        self.login(self.w.coachee)
        self.client.get(reverse("dashboard"))
        self.assertEqual(self._open_list_reads(), [])  # every open action is their own
        Action.objects.create(
            engagement=self.w.engagement,
            owner=self.w.coachee,
            title="Written by the coach",
            due_on=timezone.localdate(),
            created_by=self.w.coach,
        )
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, "Written by the coach")
        [entry] = self._open_list_reads()
        self.assertEqual(
            (entry.target_type, entry.detail), ("engagements.action", {"field": "actions"})
        )
