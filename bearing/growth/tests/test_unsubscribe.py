"""One-click unsubscribe (RFC 8058): the mail client POSTs
``List-Unsubscribe=One-Click`` to the link, with no cookie and no CSRF token."""

from django.test import Client
from django.urls import reverse

from bearing.growth.models import NotificationPreference, ReminderKind
from bearing.growth.reminders import unsubscribe_token
from bearing.testing import WorldTestCase


class OneClickUnsubscribeTests(WorldTestCase):
    def setUp(self):
        self.mail_client = Client(enforce_csrf_checks=True)
        token = unsubscribe_token(self.w.coachee, ReminderKind.ACTION_DUE)
        self.url = reverse("growth:unsubscribe", args=[token])

    def opted_out(self) -> list:
        pref = NotificationPreference.objects.filter(user=self.w.coachee).first()
        return pref.opted_out if pref else []

    def test_the_mail_clients_one_click_post_stops_the_reminders(self):
        response = self.mail_client.post(
            self.url,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(ReminderKind.ACTION_DUE, self.opted_out())

    def test_a_multipart_one_click_post_works_too(self):
        response = self.mail_client.post(self.url, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(ReminderKind.ACTION_DUE, self.opted_out())

    def test_the_page_button_works_without_a_csrf_token(self):
        page = self.mail_client.get(self.url)
        self.assertContains(page, 'name="List-Unsubscribe" value="One-Click"')
        self.assertNotIn(ReminderKind.ACTION_DUE, self.opted_out())  # opening changes nothing
        self.assertEqual(self.mail_client.post(self.url, {}).status_code, 200)
        self.assertIn(ReminderKind.ACTION_DUE, self.opted_out())

    def test_a_forged_token_is_refused_and_changes_nothing(self):
        url = reverse("growth:unsubscribe", args=[self.url.split("/")[-2] + "x"])
        response = self.mail_client.post(url, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.opted_out(), [])
