from django.core.cache import cache
from django.urls import reverse

from bearing.audit.models import AuditAction, AuditEntry
from bearing.audit.services import email_hash
from bearing.testing import PASSWORD, WorldTestCase


class LoginTests(WorldTestCase):
    def setUp(self):
        cache.clear()  # the login throttle counts in the cache

    def _post(self, email, password=PASSWORD, **extra):
        return self.client.post(
            reverse("accounts:login"), {"username": email, "password": password}, **extra
        )

    def test_login_page_asks_for_email(self):
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, '<label for="id_username">Email:</label>', html=True)
        self.assertContains(response, 'type="email"')

    def test_sign_in_with_email_and_password(self):
        # A coachee without a second factor; coaches go on to it (test_second_factor).
        response = self._post(self.w.coachee.email)
        self.assertRedirects(response, reverse("dashboard"))
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.LOGIN, actor_id=self.w.coachee.pk).exists()
        )

    def test_email_is_case_insensitive(self):
        response = self._post("  Leader@Example.COM ")
        self.assertRedirects(response, reverse("dashboard"))

    def test_signed_in_visitor_goes_to_the_dashboard(self):
        self.login(self.w.coach)
        self.assertRedirects(self.client.get(reverse("accounts:login")), reverse("dashboard"))

    def test_next_parameter_is_honoured_for_local_paths_only(self):
        url = reverse("accounts:login") + "?next=/account/"
        response = self.client.post(url, {"username": self.w.coachee.email, "password": PASSWORD})
        self.assertRedirects(response, reverse("accounts:settings"))
        self.client.logout()
        url = reverse("accounts:login") + "?next=https://evil.example/"
        response = self.client.post(url, {"username": self.w.coachee.email, "password": PASSWORD})
        self.assertRedirects(response, reverse("dashboard"))

    def test_wrong_password_gets_a_clear_message_and_is_audited(self):
        response = self._post(self.w.coach.email, "not-the-password")
        self.assertContains(response, "do not match an account")
        entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
        self.assertEqual(entry.actor_email_hash, email_hash(self.w.coach.email))
        self.assertNotIn(b"not-the-password", repr(entry.detail).encode())

    def test_inactive_account_cannot_sign_in(self):
        self.w.coach.is_active = False
        self.w.coach.save()
        response = self._post(self.w.coach.email)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.wsgi_request.user.is_authenticated)


class LogoutTests(WorldTestCase):
    def test_logout_needs_post(self):
        self.login(self.w.coach)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)

    def test_logout_ends_the_session_and_is_audited(self):
        self.login(self.w.coach)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("accounts:login"))
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 302)
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor_id=self.w.coach.pk).exists()
        )
