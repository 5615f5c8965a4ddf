"""Shared notes: a save over someone else's newer text is refused with both texts
shown; every saved text is kept (encrypted) and readable by the coach and the
coachee only; the page says who last edited and when."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements import services as s
from bearing.engagements.models import CoachingSession, SharedNotesVersion
from bearing.testing import CANARY, WorldTestCase
from bearing.tests.test_htmx_errors import htmx_swaps

HTMX = {"HX-Request": "true"}
COACH_TEXT = "COACH-TEXT-31a: agreed to try the weekly one-to-ones"
COACHEE_TEXT = "COACHEE-TEXT-9f2: I will ask Priya to lead the board pack"


class SharedNotesConflictTests(WorldTestCase):
    def url(self, name="shared_notes"):
        return reverse(f"engagements:{name}", args=[self.w.past_session.code])

    def save(self, user, body, version, headers=None):
        self.login(user)
        return self.client.post(
            self.url(), {"shared-body": body, "shared-version": str(version)}, headers=headers or {}
        )

    def session(self):
        return CoachingSession.objects.get(pk=self.w.past_session.pk)

    def test_the_second_of_two_editors_is_refused_and_both_texts_are_shown(self):
        start = self.session().shared_notes_version  # both opened the page at this version
        first = self.save(self.w.coach, COACH_TEXT, start, HTMX)
        self.assertEqual(first.status_code, 200)
        second = self.save(self.w.coachee, COACHEE_TEXT, start, HTMX)
        self.assertEqual(second.status_code, 409)
        self.assertTrue(htmx_swaps(409))
        self.assertContains(second, COACH_TEXT, status_code=409)  # theirs, beside
        self.assertContains(second, COACHEE_TEXT, status_code=409)  # mine, still in the box
        self.assertContains(second, f"{self.w.coach.name} saved these notes", status_code=409)
        self.assertEqual(self.session().shared_notes, COACH_TEXT)
        # The box now carries the newer version: saving the combined text goes through.
        self.assertContains(
            second,
            f'name="shared-version" value="{self.session().shared_notes_version}"',
            status_code=409,
        )
        combined = f"{COACH_TEXT}\n{COACHEE_TEXT}"
        third = self.save(self.w.coachee, combined, self.session().shared_notes_version, HTMX)
        self.assertEqual(third.status_code, 200)
        self.assertEqual(self.session().shared_notes, combined)

    def test_without_javascript_the_whole_page_shows_the_conflict(self):
        start = self.session().shared_notes_version
        self.save(self.w.coach, COACH_TEXT, start)
        response = self.save(self.w.coachee, COACHEE_TEXT, start)
        self.assertContains(response, "<html", status_code=409)
        self.assertContains(response, COACH_TEXT, status_code=409)
        self.assertContains(response, COACHEE_TEXT, status_code=409)

    def test_the_service_refuses_a_stale_version_and_keeps_every_saved_text(self):
        session = self.w.past_session
        start = self.session().shared_notes_version
        s.shared_notes_update(session=session, by=self.w.coach, body=COACH_TEXT, base_version=start)
        with self.assertRaises(s.SharedNotesConflict):
            s.shared_notes_update(
                session=session, by=self.w.coachee, body=COACHEE_TEXT, base_version=start
            )
        versions = list(SharedNotesVersion.objects.filter(session=session).order_by("version"))
        # The text from before versions were kept, then the coach's.
        self.assertEqual([v.body for v in versions], [CANARY.shared_notes, COACH_TEXT])
        self.assertEqual(versions[-1].saved_by, self.w.coach)
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM engagements_sharednotesversion")
            for (raw,) in cursor.fetchall():
                self.assertNotIn("COACH-TEXT", raw)
                self.assertNotIn("CANARY", raw)

    def test_the_page_says_who_last_edited_and_when(self):
        self.save(self.w.coachee, COACHEE_TEXT, self.session().shared_notes_version)
        self.login(self.w.coach)
        page = self.client.get(self.url("session_detail"))
        self.assertContains(page, f"Last edited by {self.w.coachee.name},")
        self.assertContains(page, self.url("shared_notes_history"))
        self.login(self.w.coachee)
        self.assertContains(self.client.get(self.url("session_detail")), "Last edited by you,")


class SharedNotesHistoryTests(WorldTestCase):
    def url(self):
        return reverse("engagements:shared_notes_history", args=[self.w.past_session.code])

    def setUp(self):
        s.shared_notes_update(
            session=self.w.past_session, by=self.w.coach, body=COACH_TEXT, base_version=0
        )
        s.shared_notes_update(
            session=self.w.past_session, by=self.w.coachee, body=COACHEE_TEXT, base_version=1
        )

    def test_the_coach_and_the_coachee_read_every_version(self):
        for user in (self.w.coach, self.w.coachee):
            self.login(user)
            page = self.client.get(self.url())
            for text in (CANARY.shared_notes, COACH_TEXT, COACHEE_TEXT):
                self.assertContains(page, text)
            self.assertContains(page, "Version 2 (current)")

    def test_a_read_of_the_other_persons_versions_is_audited_without_content(self):
        self.login(self.w.coach)
        self.client.get(self.url())
        entry = AuditEntry.objects.get(
            action=AuditAction.READ, detail__field="shared_notes_history"
        )
        self.assertEqual(entry.actor_id, self.w.coach.pk)
        self.assertNotIn("COACHEE-TEXT", str(entry.detail))

    def test_the_sponsor_and_outsiders_get_404(self):
        for user in (self.w.sponsor, self.w.other_coach, self.w.staff, self.w.other_sponsor):
            self.login(user)
            response = self.client.get(self.url())
            self.assertEqual(response.status_code, 404, user.email)
            self.assertNotContains(response, "COACH-TEXT", status_code=404)
