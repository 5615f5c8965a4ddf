import hashlib
import re

from django.db import connection
from django.urls import reverse

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import SessionStatus
from bearing.testing import WorldTestCase, canary_strings, make_session


def feed_url(user) -> str:
    """The link the person was given (the world gives every persona one)."""
    return feed_url_for(user.calendar_token)


def feed_url_for(token: str) -> str:
    return reverse("accounts:calendar_feed", args=[token])


class CalendarPageTests(WorldTestCase):
    def test_the_page_never_shows_a_link_it_has_made_before(self):
        self.login(self.w.coachee)
        response = self.client.get(reverse("accounts:calendar"))
        self.assertNotContains(response, self.w.coachee.calendar_token)
        self.assertNotContains(response, ".ics")
        self.assertContains(response, "Replace the link")
        self.assertContains(response, "How to subscribe")
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_new_link_is_shown_once_and_only_its_hash_is_stored(self):
        self.w.coachee.calendar_token_hash = ""
        self.w.coachee.save()
        self.login(self.w.coachee)
        self.assertContains(self.client.get(reverse("accounts:calendar")), "Make my calendar link")
        response = self.client.post(reverse("accounts:calendar_reset"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        token = re.search(r"http://testserver/calendar/([\w-]+)\.ics", response.content.decode())[1]
        self.w.coachee.refresh_from_db()
        self.assertEqual(
            self.w.coachee.calendar_token_hash, hashlib.sha256(token.encode()).hexdigest()
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_user")
            self.assertNotIn(token, repr(cursor.fetchall()))
        self.assertEqual(self.client.get(feed_url_for(token)).status_code, 200)
        self.assertNotContains(self.client.get(reverse("accounts:calendar")), token)

    def test_anonymous_is_sent_to_login(self):
        for name, method in (("accounts:calendar", "get"), ("accounts:calendar_reset", "post")):
            with self.subTest(name=name):
                response = getattr(self.client, method)(reverse(name))
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("accounts:login"), response["Location"])

    def test_wrong_methods(self):
        self.login(self.w.coachee)
        self.assertEqual(self.client.post(reverse("accounts:calendar")).status_code, 405)
        self.assertEqual(self.client.get(reverse("accounts:calendar_reset")).status_code, 405)
        self.assertEqual(self.client.post(feed_url(self.w.coachee)).status_code, 405)

    def test_replacing_the_link_retires_the_old_one(self):
        old = feed_url(self.w.coachee)
        self.login(self.w.coachee)
        response = self.client.post(reverse("accounts:calendar_reset"))
        self.assertContains(response, "the old link no longer works")
        new = re.search(r"http://testserver(/calendar/[\w-]+\.ics)", response.content.decode())[1]
        self.assertNotEqual(new, old)
        self.client.logout()
        self.assertEqual(self.client.get(old).status_code, 404)
        self.assertEqual(self.client.get(new).status_code, 200)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.CALENDAR_TOKEN_RESET, actor_id=self.w.coachee.pk
            ).exists()
        )


class CalendarFeedTests(WorldTestCase):
    def test_coachee_feed_lists_sessions_with_the_coach(self):
        response = self.client.get(feed_url(self.w.coachee))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        body = response.content.decode()
        self.assertTrue(body.startswith("BEGIN:VCALENDAR\r\n"))
        self.assertIn(f"UID:session-{self.w.next_session.code}@bearing", body)
        self.assertIn(f"UID:session-{self.w.past_session.code}@bearing", body)
        self.assertIn("SUMMARY:Coaching session with Clara Coach", body)
        start = self.w.next_session.scheduled_for.strftime("%Y%m%dT%H%M")
        self.assertIn(f"DTSTART:{start}", body)

    def test_coach_feed_names_the_coachee(self):
        body = self.client.get(feed_url(self.w.coach)).content.decode()
        self.assertIn("SUMMARY:Coaching session with Lena Leader", body)

    def test_feed_never_carries_confidential_text(self):
        for user in (self.w.coach, self.w.coachee):
            body = self.client.get(feed_url(user)).content.decode()
            for tag in canary_strings():
                self.assertNotIn(tag, body)
            self.assertNotIn("DESCRIPTION", body)

    def test_cancelled_and_rescheduled_sessions_carry_status_and_sequence(self):
        cancelled = make_session(
            self.w.engagement,
            days=3,
            status=SessionStatus.CANCELLED,
            sequence=2,
            location="Room 4, Acme HQ",
        )
        body = self.client.get(feed_url(self.w.coachee)).content.decode()
        event = body.split(f"UID:session-{cancelled.code}@bearing")[1].split("END:VEVENT")[0]
        self.assertIn("STATUS:CANCELLED", event)
        self.assertIn("SEQUENCE:2", event)
        self.assertIn("LOCATION:Room 4\\, Acme HQ", event)
        upcoming = body.split(f"UID:session-{self.w.next_session.code}@bearing")[1]
        self.assertIn("STATUS:CONFIRMED", upcoming.split("END:VEVENT")[0])

    def test_people_outside_the_engagement_see_no_sessions(self):
        body = self.client.get(feed_url(self.w.other_coach)).content.decode()
        self.assertNotIn("BEGIN:VEVENT", body)
        body = self.client.get(feed_url(self.w.sponsor)).content.decode()
        self.assertNotIn("BEGIN:VEVENT", body)

    def test_unknown_short_or_inactive_tokens_get_404(self):
        self.assertEqual(self.client.get("/calendar/" + "x" * 43 + ".ics").status_code, 404)
        self.assertEqual(self.client.get("/calendar/abc.ics").status_code, 404)
        self.w.coachee.is_active = False
        self.w.coachee.save()
        self.assertEqual(self.client.get(feed_url(self.w.coachee)).status_code, 404)
