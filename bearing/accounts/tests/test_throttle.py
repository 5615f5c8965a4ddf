"""Throttling sign-in, password and invitation requests.

Behind the TLS proxy the README recommends, every client arrives from the proxy's
address. Failures are counted per account and per (real) client address, in the
database cache every web worker shares. A stranger cannot lock the owner out: the
owner's usual browser and a password-reset link still work.
"""

import re

from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from bearing.accounts import throttle
from bearing.accounts.models import Invitation, Role
from bearing.engagements.models import Engagement
from bearing.testing import PASSWORD, WorldTestCase

from .signin_helpers import code, frozen, give_authenticator, second_step_urls

PROXY = "10.0.0.1"  # the TLS proxy every request comes through


def attempt(client, email, password="wrong-wrong-wrong", **meta):
    meta.setdefault("REMOTE_ADDR", PROXY)
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **meta)


def password_accepted(response) -> bool:
    """The password step passed: signed in, or on to the second step (a coach)."""
    return response.status_code == 302 and response["Location"] in second_step_urls() | {
        reverse("dashboard")
    }


class AccountThrottleTests(WorldTestCase):
    def test_ten_failures_pause_sign_in_to_that_account_whatever_the_address(self):
        for i in range(10):
            self.assertEqual(
                attempt(self.client, self.w.coach.email, REMOTE_ADDR=f"192.0.2.{i}").status_code,
                200,
            )
        # A new browser, a new address, the right password: it waits.
        response = attempt(Client(), self.w.coach.email, PASSWORD, REMOTE_ADDR="198.51.100.7")
        self.assertContains(
            response, "Too many attempts to sign in to this account", status_code=429
        )
        self.assertFalse(response.wsgi_request.user.is_authenticated)
        # Other accounts are not affected.
        other = attempt(Client(), self.w.coachee.email, PASSWORD)
        self.assertRedirects(other, reverse("dashboard"))

    def test_a_stranger_cannot_lock_the_owner_out_of_their_usual_browser(self):
        give_authenticator(self.w.coach)
        owner = Client()
        self.assertTrue(password_accepted(attempt(owner, self.w.coach.email, PASSWORD)))
        with frozen():  # the whole sign-in makes the browser known
            done = owner.post(reverse("accounts:login_code"), {"code": code()})
        self.assertRedirects(done, reverse("dashboard"))
        owner.post(reverse("accounts:logout"))
        stranger = Client()
        for _ in range(20):  # through the same proxy address, as everyone is
            attempt(stranger, self.w.coach.email)
        self.assertEqual(attempt(stranger, self.w.coach.email, PASSWORD).status_code, 429)
        # The owner's browser, known from the last sign-in, still gets in.
        self.assertTrue(password_accepted(attempt(owner, self.w.coach.email, PASSWORD)))

    def test_a_known_browser_is_known_for_its_own_account_only(self):
        owner = Client()
        attempt(owner, self.w.coach.email, PASSWORD)
        owner.post(reverse("accounts:logout"))
        for _ in range(10):
            attempt(Client(), self.w.coachee.email)
        # The coach's browser is no key to the coachee's paused account.
        self.assertEqual(attempt(owner, self.w.coachee.email, PASSWORD).status_code, 429)
        # Nor does a forged cookie help.
        forged = Client()
        forged.cookies[throttle.DEVICE_COOKIE] = "forged:value"
        self.assertEqual(attempt(forged, self.w.coachee.email, PASSWORD).status_code, 429)

    def test_a_password_reset_link_lifts_the_pause(self):
        for _ in range(10):
            attempt(self.client, self.w.coach.email)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("accounts:password_reset"), {"email": self.w.coach.email})
        link = re.search(r"/password-reset/[^/]+/[^/]+/", mail.outbox[-1].body).group(0)
        form_url = self.client.get(link).url
        new = "a-brand-new-passphrase-7"
        self.client.post(form_url, {"new_password1": new, "new_password2": new})
        self.assertTrue(password_accepted(attempt(Client(), self.w.coach.email, new)))

    def test_success_clears_the_account_count(self):
        for _ in range(9):
            attempt(self.client, self.w.coach.email)
        self.assertTrue(password_accepted(attempt(self.client, self.w.coach.email, PASSWORD)))
        self.client.post(reverse("accounts:logout"))
        for _ in range(9):
            self.assertEqual(attempt(Client(), self.w.coach.email).status_code, 200)

    def test_counts_live_in_the_database_cache_every_worker_shares(self):
        attempt(self.client, self.w.coach.email)
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM bearing_cache")
            keys = [row[0] for row in cursor.fetchall()]
        self.assertTrue(any("login-account" in k for k in keys))
        # Hashed: neither the email nor the address is stored.
        self.assertFalse(any(self.w.coach.email in k or PROXY in k for k in keys))


class AddressThrottleTests(WorldTestCase):
    def test_spraying_many_accounts_from_one_address_is_slowed(self):
        for i in range(50):
            attempt(self.client, f"person{i}@example.com", REMOTE_ADDR="203.0.113.9")
        response = attempt(Client(), self.w.coach.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
        self.assertContains(response, "from your network", status_code=429)
        # Another address is not held back.
        self.assertTrue(
            password_accepted(
                attempt(Client(), self.w.coach.email, PASSWORD, REMOTE_ADDR="203.0.113.10")
            )
        )

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_behind_a_trusted_proxy_the_real_client_address_counts(self):
        for i in range(50):
            attempt(self.client, f"p{i}@example.com", HTTP_X_FORWARDED_FOR="203.0.113.9")
        sprayer = attempt(
            Client(), self.w.coach.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        self.assertEqual(sprayer.status_code, 429)
        # Everyone else behind the same proxy signs in.
        colleague = attempt(
            Client(), self.w.coach.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.2"
        )
        self.assertTrue(password_accepted(colleague))

    def test_a_forwarded_header_from_an_untrusted_sender_is_ignored(self):
        for i in range(50):  # no trusted proxies: a made-up header changes nothing
            attempt(
                self.client,
                f"p{i}@example.com",
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
            )
        response = attempt(
            Client(),
            self.w.coach.email,
            PASSWORD,
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR="192.0.2.1",
        )
        self.assertEqual(response.status_code, 429)


class PasswordResetThrottleTests(WorldTestCase):
    def test_thirty_requests_send_at_most_three_emails_and_say_the_same(self):
        for i in range(30):
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(
                    reverse("accounts:password_reset"),
                    {"email": self.w.coach.email},
                    REMOTE_ADDR=f"192.0.2.{i}",
                )
            self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(len([m for m in mail.outbox if m.to == [self.w.coach.email]]), 3)

    def test_one_address_asking_for_many_accounts_is_paused(self):
        for i in range(20):
            self.client.post(reverse("accounts:password_reset"), {"email": f"p{i}@example.com"})
        response = self.client.post(
            reverse("accounts:password_reset"), {"email": self.w.coach.email}
        )
        self.assertContains(response, "Too many requests", status_code=429)
        self.assertEqual(mail.outbox, [])


class PasswordChangeThrottleTests(WorldTestCase):
    def test_wrong_current_passwords_pause_the_form(self):
        self.login(self.w.coach)
        url = reverse("accounts:password_change")
        new = "a-brand-new-passphrase-7"
        for _ in range(5):
            response = self.client.post(
                url, {"old_password": "guess-guess", "new_password1": new, "new_password2": new}
            )
            self.assertEqual(response.status_code, 200)
        response = self.client.post(
            url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        self.assertContains(response, "Too many wrong current passwords", status_code=429)
        self.w.coach.refresh_from_db()
        self.assertTrue(self.w.coach.check_password(PASSWORD))


class InvitationThrottleTests(WorldTestCase):
    def test_staff_invitations_are_limited_per_hour(self):
        self.login(self.w.staff)
        url = reverse("accounts:staff_invite")
        for i in range(30):
            response = self.client.post(
                url,
                {"invite-name": "X", "invite-email": f"s{i}@example.com", "invite-role": "staff"},
            )
            self.assertEqual(response.status_code, 302)
        response = self.client.post(
            url,
            {"invite-name": "X", "invite-email": "one.more@example.com", "invite-role": "staff"},
        )
        self.assertContains(response, "many invitations", status_code=429)
        self.assertFalse(Invitation.objects.filter(email="one.more@example.com").exists())

    def test_a_coach_starting_engagements_is_limited_per_hour(self):
        from bearing.engagements.tests.test_engagement_views import create_post

        self.login(self.w.coach)
        before = Engagement.objects.count()
        for i in range(30):
            self.client.post(
                reverse("engagements:create"),
                create_post(self.w, title=f"E{i}", coachee_email=f"c{i}@example.com"),
            )
        response = self.client.post(
            reverse("engagements:create"), create_post(self.w, title="One more")
        )
        self.assertContains(response, "many invitations", status_code=429)
        self.assertEqual(Engagement.objects.count(), before + 30)  # titles are encrypted
        self.assertEqual(Invitation.objects.filter(role=Role.COACHEE).count(), 30)
