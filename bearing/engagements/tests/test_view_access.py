"""Who may use each engagement page: for every view, outsiders get 404 (nothing
reveals that the record exists), anonymous visitors are sent to sign in, and a
wrong method gets 405. A refused write changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import Action, Agreement, CoachingSession, Engagement, PrivateNote
from bearing.testing import WorldTestCase, canary_strings, rows_where

OUTSIDERS = ("other_coach", "sponsor", "other_sponsor", "staff")


@dataclass(frozen=True)
class View:
    name: str
    target: str  # which world object's code goes in the URL ("" for none)
    methods: tuple[str, ...]
    allow: tuple[str, ...] = ("coach", "coachee")  # who gets past the door


VIEWS = [
    View("engagements:detail", "engagement", ("GET",)),
    View("engagements:status", "engagement", ("POST",), allow=("coach",)),
    View("engagements:complete", "engagement", ("GET", "POST"), allow=("coach",)),
    View("engagements:end_early", "engagement", ("GET", "POST"), allow=("coach",)),
    View("engagements:reopen", "engagement", ("POST",), allow=("coach",)),
    View("engagements:agreement", "engagement", ("GET", "POST")),
    View("engagements:agreement_accept", "engagement", ("POST",), allow=("coachee",)),
    View("engagements:session_new", "engagement", ("GET", "POST")),
    View("engagements:session_detail", "past_session", ("GET",)),
    View("engagements:session_reschedule", "next_session", ("GET", "POST")),
    View("engagements:session_cancel", "next_session", ("GET", "POST")),
    View("engagements:session_restore", "next_session", ("POST",)),
    View("engagements:session_attendance", "past_session", ("POST",), allow=("coach",)),
    View("engagements:agenda", "next_session", ("POST",), allow=("coachee",)),
    View("engagements:shared_notes", "past_session", ("POST",)),
    View("engagements:shared_notes_history", "past_session", ("GET",)),
    View("engagements:private_notes", "past_session", ("POST",), allow=("coach",)),
    View("engagements:commitments", "past_session", ("POST",), allow=("coachee",)),
    View("engagements:action_edit", "action", ("GET", "POST")),
    View("engagements:action_done", "action", ("POST",)),
]

# A POST that would change something if it got through.
EFFECTIVE_POST = {
    "engagements:status": {"status": "paused"},
    "engagements:complete": {"confirm": "True"},
    "engagements:end_early": {"confirm": "True", "reason": "The coachee moved on."},
    "engagements:session_cancel": {"confirm": "True", "reason": "I am away."},
    "engagements:agreement": {
        "objectives": "x",
        "cadence": "Weekly",
        "session_minutes": "60",
        "session_count": "6",
        "confidentiality_limits": "y",
    },
    "engagements:agreement_accept": {"version": "1"},
    "engagements:session_reschedule": {"scheduled_for": "2099-01-01T09:00"},
    "engagements:session_attendance": {"status": "no_show"},
    "engagements:agenda": {"outcome": "overwritten"},
    "engagements:shared_notes": {"shared-body": "overwritten"},
    "engagements:private_notes": {"private-body": "overwritten"},
    "engagements:commitments": {"title_1": "overwritten", "due_1": "2099-01-01"},
    "engagements:action_edit": {"title": "overwritten", "due_on": "2099-01-01"},
    "engagements:action_done": {"done": "1"},
}


def _snapshot() -> tuple:
    """Everything a refused write could have touched."""
    sessions = tuple(
        (s.status, s.scheduled_for, s.agenda_outcome, s.shared_notes, s.attendance_marked_at)
        for s in CoachingSession.objects.order_by("pk")
    )
    return (
        tuple(Engagement.objects.order_by("pk").values_list("status", flat=True)),
        tuple(Agreement.objects.order_by("pk").values_list("version", "accepted_at")),
        sessions,
        tuple(n.body for n in PrivateNote.objects.order_by("pk")),
        tuple((a.title, a.due_on, a.completed_at) for a in Action.objects.order_by("pk")),
    )


class ViewAccessTests(WorldTestCase):
    def url(self, view: View) -> str:
        return reverse(view.name, args=[getattr(self.w, view.target).code])

    def test_every_engagements_url_is_in_this_table(self):
        from bearing.engagements import urls

        names = {f"engagements:{p.name}" for p in urls.urlpatterns}
        # No record in the URL: creating one, and one's own month of coaching sessions
        # (its access is tested in test_month_calendar and the route sweep).
        unscoped = {"engagements:create", "engagements:month_calendar"}
        self.assertEqual(names - unscoped, {v.name for v in VIEWS})

    def test_outsiders_get_404_for_every_method_and_nothing_changes(self):
        before = _snapshot()
        for persona in OUTSIDERS:
            self.login(getattr(self.w, persona))
            for view in VIEWS:
                for method in view.methods:
                    with self.subTest(persona=persona, view=view.name, method=method):
                        if method == "GET":
                            response = self.client.get(self.url(view))
                        else:
                            response = self.client.post(
                                self.url(view), EFFECTIVE_POST.get(view.name, {})
                            )
                        self.assertEqual(response.status_code, 404)
                        for tag in canary_strings():
                            self.assertNotIn(tag.encode(), response.content)
        self.assertEqual(_snapshot(), before)

    def test_the_other_party_gets_404_where_a_page_is_for_one_of_them(self):
        before = _snapshot()
        for view in VIEWS:
            for persona in {"coach", "coachee"} - set(view.allow):
                self.login(getattr(self.w, persona))
                for method in view.methods:
                    with self.subTest(persona=persona, view=view.name, method=method):
                        response = getattr(self.client, method.lower())(
                            self.url(view), EFFECTIVE_POST.get(view.name, {})
                        )
                        self.assertEqual(response.status_code, 404)
        self.assertEqual(_snapshot(), before)

    def test_anonymous_is_sent_to_sign_in(self):
        login = reverse("accounts:login")
        urls = [(v.name, self.url(v), m) for v in VIEWS for m in v.methods]
        urls += [("engagements:create", reverse("engagements:create"), "GET")]
        for name, url, method in urls:
            with self.subTest(view=name, method=method):
                response = getattr(self.client, method.lower())(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(login))

    def test_wrong_methods_get_405(self):
        for persona in ("coach", "coachee"):
            self.login(getattr(self.w, persona))
            for view in VIEWS:
                for method in {"GET", "POST", "PUT", "DELETE"} - set(view.methods):
                    with self.subTest(persona=persona, view=view.name, method=method):
                        response = getattr(self.client, method.lower())(self.url(view))
                        self.assertEqual(response.status_code, 405)
        self.login(self.w.coach)
        self.assertEqual(self.client.put(reverse("engagements:create")).status_code, 405)

    def test_only_coaches_may_start_an_engagement(self):
        for persona in ("coachee", "sponsor", "staff"):
            self.login(getattr(self.w, persona))
            with self.subTest(persona=persona):
                self.assertEqual(self.client.get(reverse("engagements:create")).status_code, 404)
                response = self.client.post(reverse("engagements:create"), {"title": "x"})
                self.assertEqual(response.status_code, 404)
        self.assertFalse(rows_where(Engagement, title="x"))

    def test_a_session_of_someone_elses_engagement_is_404_for_another_coach(self):
        """The other coach's own engagement gives no way into this one's records."""
        from bearing.testing import make_engagement, make_session

        theirs = make_engagement(
            coach=self.w.other_coach,
            coachee=self.w.coachee,
            practice=self.w.practice,
            organization=self.w.organization,
        )
        make_session(theirs, days=3)
        self.login(self.w.other_coach)
        for code in (self.w.past_session.code, self.w.next_session.code):
            response = self.client.get(reverse("engagements:session_detail", args=[code]))
            self.assertEqual(response.status_code, 404)
        # ...and the coachee's other engagement does not widen this coach's view either.
        self.login(self.w.coach)
        response = self.client.get(reverse("engagements:detail", args=[theirs.code]))
        self.assertEqual(response.status_code, 404)
        due = (timezone.localdate() + timedelta(days=3)).isoformat()
        self.assertEqual(
            self.client.post(
                reverse("engagements:session_new", args=[theirs.code]),
                {"scheduled_for": f"{due}T10:00"},
            ).status_code,
            404,
        )
