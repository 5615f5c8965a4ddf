import re
from datetime import datetime, timedelta
from unittest import mock

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bearing.audit.models import AuditAction, AuditEntry
from bearing.testing import PASSWORD, WorldTestCase

LINK = re.compile(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)")


class PasswordResetTests(WorldTestCase):
    def _request_link(self, email) -> str:
        response = self.client.post(reverse("accounts:password_reset"), {"email": email})
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        return LINK.search(mail.outbox[0].body).group(1)

    def test_reset_email_has_text_and_html_parts_and_says_how_long_it_works(self):
        path = self._request_link(self.w.coachee.email)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.w.coachee.email])
        self.assertEqual(message.subject, "Reset your Bearing password")
        self.assertIn("one hour", message.body)
        html, mimetype = message.alternatives[0]
        self.assertEqual(mimetype, "text/html")
        self.assertIn(f'href="http://testserver{path}"', html)

    @override_settings(PASSWORD_RESET_TIMEOUT=3 * 3600)
    def test_lifetime_in_the_email_follows_the_setting(self):
        self._request_link(self.w.coachee.email)
        self.assertIn("3 hours", mail.outbox[0].body)

    def test_link_sets_a_new_password_once(self):
        path = self._request_link(self.w.coachee.email)
        response = self.client.get(path, follow=True)
        self.assertContains(response, "Choose a new password")
        set_password_url = response.redirect_chain[-1][0]
        response = self.client.post(
            set_password_url,
            {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
        )
        self.assertRedirects(response, reverse("accounts:password_reset_complete"))
        self.assertTrue(
            self.client.login(email=self.w.coachee.email, password="a-brand-new-passphrase")
        )
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.PASSWORD_RESET, actor_id=self.w.coachee.pk
            ).exists()
        )
        self.client.logout()
        self.assertContains(self.client.get(path, follow=True), "This link no longer works")

    def test_weak_new_password_is_refused(self):
        path = self._request_link(self.w.coachee.email)
        url = self.client.get(path, follow=True).redirect_chain[-1][0]
        response = self.client.post(url, {"new_password1": "short", "new_password2": "short"})
        self.assertContains(response, "at least 12 characters")
        self.assertTrue(self.client.login(email=self.w.coachee.email, password=PASSWORD))

    def _link_made(self, seconds_ago: int) -> str:
        user = self.w.coachee
        then = datetime.now() - timedelta(seconds=seconds_ago)
        with mock.patch.object(default_token_generator, "_now", return_value=then):
            token = default_token_generator.make_token(user)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return reverse("accounts:password_reset_confirm", args=[uid, token])

    def test_link_works_for_password_reset_timeout_and_no_longer(self):
        fresh = self.client.get(self._link_made(3500), follow=True)
        self.assertContains(fresh, "Choose a new password")
        stale = self.client.get(self._link_made(3601), follow=True)
        self.assertContains(stale, "This link no longer works")

    def test_unknown_email_sends_nothing_and_says_the_same(self):
        response = self.client.post(
            reverse("accounts:password_reset"), {"email": "who@example.com"}
        )
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(mail.outbox, [])


class PasswordChangeTests(WorldTestCase):
    url = reverse("accounts:password_change")

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_change_needs_the_old_password(self):
        self.login(self.w.coach)
        response = self.client.post(
            self.url,
            {
                "old_password": "not-it",
                "new_password1": "another-long-phrase",
                "new_password2": "another-long-phrase",
            },
        )
        self.assertContains(response, "old password was entered incorrectly")
        self.assertTrue(self.client.login(email=self.w.coach.email, password=PASSWORD))

    def test_change_keeps_this_session_and_is_audited(self):
        self.login(self.w.coach)
        response = self.client.post(
            self.url,
            {
                "old_password": PASSWORD,
                "new_password1": "another-long-phrase",
                "new_password2": "another-long-phrase",
            },
        )
        self.assertRedirects(response, reverse("accounts:settings"))
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)
        self.w.coach.refresh_from_db()
        self.assertTrue(self.w.coach.check_password("another-long-phrase"))
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.PASSWORD_RESET, actor_id=self.w.coach.pk, detail__via="change"
            ).exists()
        )
