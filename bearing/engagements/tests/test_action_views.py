"""Actions: editing one, and marking it done (in place with htmx, or not)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import Action
from bearing.testing import CANARY, WorldTestCase

HTMX = {"HX-Request": "true"}


class ActionEditTests(WorldTestCase):
    def setUp(self):
        self.url = reverse("engagements:action_edit", args=[self.w.action.code])

    def test_the_coachee_edits_an_action(self):
        self.login(self.w.coachee)
        form = self.client.get(self.url).context["form"]
        self.assertEqual(form.initial["title"], CANARY.action)
        due = timezone.localdate() + timedelta(days=10)
        response = self.client.post(self.url, {"title": "Talk to Priya", "due_on": due.isoformat()})
        self.assertRedirects(
            response,
            reverse("engagements:detail", args=[self.w.engagement.code]),
            fetch_redirect_response=False,
        )
        action = Action.objects.get(pk=self.w.action.pk)
        self.assertEqual((action.title, action.due_on), ("Talk to Priya", due))

    def test_the_coach_may_edit_too_and_return_to_the_session(self):
        self.login(self.w.coach)
        due = timezone.localdate() + timedelta(days=3)
        response = self.client.post(
            self.url + "?back=session",
            {"title": "Ask", "due_on": due.isoformat(), "back": "session"},
        )
        self.assertRedirects(
            response,
            reverse("engagements:session_detail", args=[self.w.past_session.code]) + "#actions",
            fetch_redirect_response=False,
        )
        self.assertEqual(Action.objects.get(pk=self.w.action.pk).title, "Ask")

    def test_an_overdue_action_may_keep_its_date_but_not_move_into_the_past(self):
        self.login(self.w.coachee)
        old_due = self.w.action.due_on  # two days ago
        response = self.client.post(self.url, {"title": "Renamed", "due_on": old_due.isoformat()})
        self.assertEqual(response.status_code, 302)
        response = self.client.post(
            self.url, {"title": "Again", "due_on": (old_due - timedelta(days=1)).isoformat()}
        )
        self.assertEqual(
            response.context["form"].errors["due_on"], ["Choose today or a later date."]
        )
        self.assertEqual(Action.objects.get(pk=self.w.action.pk).title, "Renamed")

    def test_an_empty_title_is_refused_and_nothing_changes(self):
        self.login(self.w.coachee)
        response = self.client.post(self.url, {"title": "", "due_on": "not a date"})
        errors = response.context["form"].errors
        self.assertEqual(errors["title"], ["What will be done?"])
        self.assertEqual(errors["due_on"], ["Enter a date."])
        action = Action.objects.get(pk=self.w.action.pk)
        self.assertEqual((action.title, action.due_on), (CANARY.action, self.w.action.due_on))


class ActionDoneTests(WorldTestCase):
    def setUp(self):
        self.url = reverse("engagements:action_done", args=[self.w.action.code])

    def completed_at(self):
        return Action.objects.get(pk=self.w.action.pk).completed_at

    def test_marking_done_and_reopening(self):
        self.login(self.w.coachee)
        response = self.client.post(self.url, {"done": "1"})
        self.assertRedirects(
            response,
            reverse("engagements:detail", args=[self.w.engagement.code]),
            fetch_redirect_response=False,
        )
        self.assertIsNotNone(self.completed_at())
        self.client.post(self.url, {"done": "0"})
        self.assertIsNone(self.completed_at())

    def test_toggled_in_place_with_htmx(self):
        self.login(self.w.coach)
        response = self.client.post(self.url, {"done": "1", "back": "session"}, headers=HTMX)
        self.assertContains(response, f'id="action-{self.w.action.code}"')
        self.assertContains(response, 'aria-pressed="true"')
        self.assertContains(response, 'name="done" value="0"')  # the next press reopens it
        self.assertContains(response, 'name="back" value="session"')
        self.assertNotContains(response, "badge-overdue")
        self.assertNotContains(response, "<html")
        self.assertIsNotNone(self.completed_at())

    def test_from_the_session_page_without_javascript_it_returns_there(self):
        self.login(self.w.coachee)
        response = self.client.post(self.url, {"done": "1", "back": "session"})
        self.assertRedirects(
            response,
            reverse("engagements:session_detail", args=[self.w.past_session.code]) + "#actions",
            fetch_redirect_response=False,
        )

    def test_the_session_page_toggle_remembers_where_it_came_from(self):
        self.login(self.w.coachee)
        page = self.client.get(
            reverse("engagements:session_detail", args=[self.w.past_session.code])
        )
        self.assertContains(page, 'name="back" value="session"')
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.READ).exists())
