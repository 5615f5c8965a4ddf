"""Long text: every long field states its limit, and the server refuses text over
it (never keeps the first part of it)."""

from __future__ import annotations

from datetime import timedelta

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from bearing.companion.models import CompanionMessage
from bearing.engagements.forms import (
    ActionForm,
    AgendaForm,
    AgreementForm,
    CommitmentsForm,
    EngagementCreateForm,
    NotesForm,
    SessionCancelForm,
    SessionForm,
)
from bearing.engagements.models import Action, CoachingSession, PrivateNote
from bearing.testing import CANARY, WorldTestCase

PASTE = "word " * 1000  # 5,000 characters


class HelpTextStatesTheLimitTests(SimpleTestCase):
    def help_of(self, form, name) -> str:
        return str(form[name].help_text)

    def test_long_fields_say_how_long_they_may_be(self):
        self.assertIn("Up to 2,000 characters.", self.help_of(AgendaForm(), "outcome"))
        self.assertIn("Up to 20,000 characters.", self.help_of(NotesForm(label="x"), "body"))
        self.assertIn("Up to 300 characters.", self.help_of(SessionForm(), "location"))
        self.assertIn(
            "Up to 5,000 characters.", self.help_of(AgreementForm(), "confidentiality_limits")
        )
        self.assertIn("Up to 500 characters.", self.help_of(ActionForm(), "title"))
        self.assertIn("Up to 500 characters.", self.help_of(CommitmentsForm(), "title_1"))
        # Help text of its own keeps its words, and the limit follows.
        location = self.help_of(SessionForm(), "location")
        self.assertTrue(location.startswith("A room, or a video-call link."), location)
        # Said once, where the form says it already.
        self.assertEqual(self.help_of(SessionCancelForm(), "reason").count("characters"), 1)

    def test_short_fields_are_left_alone(self):
        form = EngagementCreateForm(coach=None, practices=[])
        self.assertNotIn("characters", self.help_of(form, "coachee_name"))
        self.assertNotIn("characters", self.help_of(AgreementForm(), "cadence"))

    def test_the_help_text_is_tied_to_the_field(self):
        html = AgendaForm()["outcome"].as_field_group()
        self.assertIn("Up to 2,000 characters.", html)
        self.assertIn('aria-describedby="id_outcome_helptext"', html)
        self.assertIn('maxlength="2000"', html)  # bearing.js reads it, then counts


class ServerRefusesTooLongTextTests(WorldTestCase):
    def post(self, user, name, code, data):
        self.login(user)
        return self.client.post(reverse(f"engagements:{name}", args=[code]), data)

    def assertRefused(self, response, limit: str):
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, f"at most {limit} characters", status_code=400)

    def test_an_agenda_too_long_is_refused_whole(self):
        before = CoachingSession.objects.get(pk=self.w.next_session.pk).agenda_outcome
        response = self.post(self.w.coachee, "agenda", self.w.next_session.code, {"outcome": PASTE})
        self.assertRefused(response, "2000")
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(session.agenda_outcome, before)
        # The refused text comes back in the box, whole: nothing to retype.
        self.assertContains(response, PASTE.strip(), status_code=400)

    def test_notes_too_long_are_refused_whole(self):
        long_notes = "x" * 20_001
        response = self.post(
            self.w.coach, "private_notes", self.w.past_session.code, {"private-body": long_notes}
        )
        self.assertRefused(response, "20000")
        self.assertEqual(
            PrivateNote.objects.get(pk=self.w.private_note.pk).body, CANARY.private_note
        )
        response = self.post(
            self.w.coachee, "shared_notes", self.w.past_session.code, {"shared-body": long_notes}
        )
        self.assertRefused(response, "20000")
        self.assertEqual(
            CoachingSession.objects.get(pk=self.w.past_session.pk).shared_notes,
            CANARY.shared_notes,
        )

    def test_commitments_and_actions_too_long_are_refused(self):
        due = (timezone.localdate() + timedelta(days=3)).isoformat()
        count = Action.objects.count()
        response = self.post(
            self.w.coachee,
            "commitments",
            self.w.past_session.code,
            {"title_1": "a" * 501, "due_1": due},
        )
        self.assertRefused(response, "500")
        self.assertEqual(Action.objects.count(), count)
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("engagements:action_edit", args=[self.w.action.code]),
            {"title": "a" * 501, "due_on": due},
        )
        self.assertContains(response, "at most 500 characters")
        self.assertEqual(Action.objects.get(pk=self.w.action.pk).title, CANARY.action)

    def test_a_cancellation_reason_too_long_is_refused(self):
        response = self.post(
            self.w.coachee,
            "session_cancel",
            self.w.next_session.code,
            {"confirm": "True", "reason": "r" * 1001},
        )
        self.assertRefused(response, "1000")
        self.assertEqual(CoachingSession.objects.get(pk=self.w.next_session.pk).status, "scheduled")

    def test_a_companion_message_too_long_is_refused_not_cut(self):
        self.login(self.w.coachee)
        count = CompanionMessage.objects.count()
        response = self.client.post(
            reverse("companion:conversation", args=[self.w.conversation.code]), {"text": PASTE}
        )
        self.assertContains(response, "under 2,000 characters", status_code=400)
        self.assertEqual(CompanionMessage.objects.count(), count)
        self.assertContains(response, "Up to 2,000 characters.", status_code=400)
