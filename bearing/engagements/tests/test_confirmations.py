"""Ending an engagement and cancelling a coaching session ask first, on a page of
their own; a cancellation can be undone for a short while; dates say what happened."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import CoachingSession, Engagement, SessionStatus
from bearing.testing import WorldTestCase

REASON = "REASON-77e1 the coachee took a new role abroad"


class EndingAnEngagementTests(WorldTestCase):
    def url(self, name):
        return reverse(f"engagements:{name}", args=[self.w.engagement.code])

    def engagement(self):
        return Engagement.objects.get(pk=self.w.engagement.pk)

    def test_the_status_button_for_ending_early_only_leads_to_the_confirmation_page(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("status"), {"status": "ended_early"})
        self.assertRedirects(response, self.url("end_early"), fetch_redirect_response=False)
        self.assertEqual(self.engagement().status, "active")
        self.assertEqual(mail.outbox, [])

    def test_the_confirmation_page_says_what_happens_and_changes_nothing(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(self.url("end_early"))
        self.assertContains(response, "End the engagement early?")
        self.assertContains(response, "You can undo this for 15 minutes")
        self.assertContains(response, "The coaching session still ahead is")
        self.assertContains(response, 'name="reason"')
        self.assertEqual(self.engagement().status, "active")
        self.assertEqual(mail.outbox, [])
        complete = self.client.get(self.url("complete"))
        self.assertContains(complete, "Mark the engagement as completed?")
        self.assertNotContains(complete, 'name="reason"')

    def test_an_unconfirmed_or_reasonless_post_changes_nothing(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            no_reason = self.client.post(self.url("end_early"), {"confirm": "True"})
            unconfirmed = self.client.post(self.url("complete"), {})
        self.assertContains(no_reason, "Say briefly why", status_code=400)
        self.assertEqual(unconfirmed.status_code, 400)
        self.assertEqual(self.engagement().status, "active")
        self.assertEqual(mail.outbox, [])

    def test_ending_early_keeps_the_reason_encrypted_and_cancels_what_is_ahead(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url("end_early"), {"confirm": "True", "reason": REASON}
            )
        self.assertRedirects(response, self.url("detail"), fetch_redirect_response=False)
        engagement = self.engagement()
        self.assertEqual(engagement.status, "ended_early")
        self.assertEqual(engagement.end_reason, REASON)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT end_reason FROM engagements_engagement WHERE id = %s", [engagement.pk]
            )
            self.assertNotIn("REASON-77e1", cursor.fetchone()[0])
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(session.status, SessionStatus.CANCELLED)
        self.assertEqual(session.cancel_reason, "The engagement ended early.")
        self.assertEqual(len(mail.outbox), 2)
        for message in mail.outbox:
            self.assertNotIn("REASON-77e1", message.body)
        self.login(self.w.coachee)
        self.assertContains(self.client.get(self.url("detail")), REASON)
        self.login(self.w.sponsor)
        page = self.client.get(reverse("programs:engagement", args=[engagement.code]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "REASON-77e1")

    def test_the_page_shows_the_day_it_ended_not_the_day_it_started(self):
        started = timezone.now() - timedelta(days=90)
        Engagement.objects.filter(pk=self.w.engagement.pk).update(started_at=started)
        self.login(self.w.coach)
        self.client.post(self.url("end_early"), {"confirm": "True", "reason": "Moved on."})
        page = self.client.get(self.url("detail")).content.decode()
        today = timezone.localdate().strftime("%-d %B %Y")
        start_day = timezone.localtime(started).strftime("%-d %B %Y")
        self.assertIn(f"Ended early</span>\n       on {today} (started {start_day})", page)
        self.assertNotIn(f"since {start_day}", page)

    def test_a_pause_shows_since_when_it_is_paused(self):
        started = timezone.now() - timedelta(days=90)
        Engagement.objects.filter(pk=self.w.engagement.pk).update(started_at=started)
        self.login(self.w.coach)
        self.client.post(self.url("status"), {"status": "paused"})
        page = self.client.get(self.url("detail")).content.decode()
        today = timezone.localdate().strftime("%-d %B %Y")
        self.assertIn(f"Paused</span>\n       since {today}", page)
        self.assertNotIn(timezone.localtime(started).strftime("%-d %B %Y"), page)


class ReopeningAnEngagementTests(WorldTestCase):
    def url(self, name):
        return reverse(f"engagements:{name}", args=[self.w.engagement.code])

    def end_early(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("end_early"), {"confirm": "True", "reason": REASON})
        mail.outbox.clear()

    def test_the_coach_can_undo_ending_it_and_the_sessions_come_back(self):
        self.end_early()
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "Undo: reopen the engagement")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("reopen"))
        engagement = Engagement.objects.get(pk=self.w.engagement.pk)
        self.assertEqual(engagement.status, "active")
        self.assertIsNone(engagement.ended_at)
        self.assertEqual(engagement.end_reason, "")
        session = CoachingSession.objects.get(pk=self.w.next_session.pk)
        self.assertEqual(session.status, SessionStatus.SCHEDULED)
        self.assertEqual(len(mail.outbox), 2)
        self.assertTrue(all("back on" in m.subject for m in mail.outbox))
        self.assertNotContains(self.client.get(self.url("detail")), "Undo: reopen")

    def test_after_15_minutes_it_stays_closed(self):
        self.end_early()
        later = timezone.now() + timedelta(minutes=16)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertNotContains(self.client.get(self.url("detail")), "Undo: reopen")
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(self.url("reopen"))
        self.assertEqual(Engagement.objects.get(pk=self.w.engagement.pk).status, "ended_early")
        self.assertEqual(mail.outbox, [])
        self.assertContains(self.client.get(response["Location"]), "too late to undo")

    def test_only_the_coach_may_reopen(self):
        self.end_early()
        self.login(self.w.coachee)
        self.assertEqual(self.client.post(self.url("reopen")).status_code, 404)
        self.assertNotContains(self.client.get(self.url("detail")), "Undo: reopen")
        self.assertEqual(Engagement.objects.get(pk=self.w.engagement.pk).status, "ended_early")


class CancellingASessionTests(WorldTestCase):
    def url(self, name, session=None):
        return reverse(f"engagements:{name}", args=[(session or self.w.next_session).code])

    def session(self):
        return CoachingSession.objects.get(pk=self.w.next_session.pk)

    def cancel(self, user, reason="REASON-c4c4 I am ill"):
        self.login(user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                self.url("session_cancel"), {"confirm": "True", "reason": reason}
            )

    def test_the_session_page_links_to_a_confirmation_page_instead_of_cancelling(self):
        self.login(self.w.coachee)
        page = self.client.get(self.url("session_detail"))
        self.assertContains(page, f'href="{self.url("session_cancel")}">Cancel the session…</a>')
        self.assertNotContains(page, f'action="{self.url("session_cancel")}"')
        with self.captureOnCommitCallbacks(execute=True):
            confirm = self.client.get(self.url("session_cancel"))
        self.assertContains(confirm, "Cancel the coaching session?")
        self.assertContains(confirm, "For 15 minutes you can undo it")
        self.assertEqual(self.session().status, SessionStatus.SCHEDULED)
        self.assertEqual(mail.outbox, [])

    def test_a_reason_is_needed_and_nothing_happens_without_it(self):
        response = self.cancel(self.w.coachee, reason="")
        self.assertContains(response, "Say briefly why", status_code=400)
        self.assertEqual(self.session().status, SessionStatus.SCHEDULED)
        self.assertEqual(mail.outbox, [])

    def test_both_see_who_cancelled_and_why_but_the_email_does_not_quote_it(self):
        self.cancel(self.w.coachee)
        session = self.session()
        self.assertEqual(session.status, SessionStatus.CANCELLED)
        self.assertEqual(session.cancelled_by, self.w.coachee)
        self.assertEqual(len(mail.outbox), 2)
        for message in mail.outbox:
            self.assertNotIn("REASON-c4c4", message.body)
            self.assertIn("The reason given is on the session's page.", message.body)
        self.login(self.w.coach)
        page = self.client.get(self.url("session_detail"))
        self.assertContains(page, "REASON-c4c4 I am ill")
        self.assertContains(page, f"by {self.w.coachee.name}")
        self.assertNotContains(page, "Undo the cancellation")  # only whoever cancelled

    def test_whoever_cancelled_can_restore_it_within_15_minutes(self):
        self.cancel(self.w.coachee)
        sequence = self.session().sequence
        page = self.client.get(self.url("session_detail"))
        self.assertContains(page, "Undo the cancellation")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("session_restore"))
        session = self.session()
        self.assertEqual(session.status, SessionStatus.SCHEDULED)
        self.assertIsNone(session.cancelled_at)
        self.assertEqual(session.cancel_reason, "")
        self.assertEqual(session.sequence, sequence + 1)
        self.assertEqual(len(mail.outbox), 2)
        for message in mail.outbox:
            self.assertIn("back on", message.subject)
            ics = message.attachments[0][1]
            self.assertIn("METHOD:REQUEST", ics)
            self.assertIn("STATUS:CONFIRMED", ics)
            self.assertIn(f"SEQUENCE:{sequence + 1}", ics)

    def test_the_other_person_cannot_restore_it(self):
        self.cancel(self.w.coachee)
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url("session_restore"))
        self.assertEqual(self.session().status, SessionStatus.CANCELLED)

    def test_after_15_minutes_it_cannot_be_restored(self):
        self.cancel(self.w.coachee)
        mail.outbox.clear()
        later = timezone.now() + timedelta(minutes=16)
        with mock.patch("django.utils.timezone.now", return_value=later):
            page = self.client.get(self.url("session_detail"))
            self.assertNotContains(page, "Undo the cancellation")
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(self.url("session_restore"))
        self.assertEqual(self.session().status, SessionStatus.CANCELLED)
        self.assertEqual(mail.outbox, [])
        self.assertContains(self.client.get(response["Location"]), "too late to undo")
