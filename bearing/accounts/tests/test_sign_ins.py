"""Where a person is signed in, and ending those sign-ins."""

from __future__ import annotations

import time

from django.test import Client, SimpleTestCase
from django.urls import reverse

from bearing.accounts import login_sessions
from bearing.accounts.models import LoginSession
from bearing.audit.models import AuditAction, AuditEntry
from bearing.testing import PASSWORD, WorldTestCase, sign_in

from .signin_helpers import SECRET, code, frozen, post_password

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.71 Mobile Safari/537.36"
)


def signed_in(client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


class DeviceAndPlaceTests(SimpleTestCase):
    def test_the_device_is_simplified_from_the_user_agent(self):
        self.assertEqual(login_sessions.describe_device(FIREFOX_LINUX), "Firefox on Linux")
        self.assertEqual(login_sessions.describe_device(SAFARI_IPHONE), "Safari on iPhone")
        self.assertEqual(login_sessions.describe_device(EDGE_WINDOWS), "Edge on Windows")
        self.assertEqual(login_sessions.describe_device(CHROME_ANDROID), "Chrome on Android")
        self.assertEqual(login_sessions.describe_device(""), "An unknown browser")
        self.assertEqual(login_sessions.describe_device("curl/8.5.0"), "An unknown browser")

    def test_the_place_is_the_network_never_the_address(self):
        self.assertEqual(login_sessions.network_of("203.0.113.77"), "203.0.113.0/24")
        self.assertEqual(login_sessions.network_of("2001:db8:1234:5678::1"), "2001:db8:1234::/48")
        self.assertEqual(login_sessions.network_of(None), "")
        self.assertEqual(login_sessions.network_of("not an address"), "")


class SignInsPageTests(WorldTestCase):
    def browser(self, user_agent=FIREFOX_LINUX, address="203.0.113.77"):
        client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
        self.assertRedirects(post_password(client, self.w.coachee.email), reverse("dashboard"))
        return client

    def test_the_page_lists_device_network_and_last_use(self):
        laptop = self.browser()
        self.browser(SAFARI_IPHONE, "198.51.100.20")
        page = laptop.get(reverse("accounts:sign_ins"))
        self.assertContains(page, "Firefox on Linux")
        self.assertContains(page, "Safari on iPhone")
        self.assertContains(page, "203.0.113.0/24")
        self.assertContains(page, "198.51.100.0/24")
        self.assertNotContains(page, "203.0.113.77")
        self.assertContains(page, "this browser", count=2)  # the badge and the button's label
        self.assertEqual(len(page.context["sign_ins"]), 2)

    def test_ending_a_sign_in_from_the_list_signs_that_browser_out(self):
        laptop, phone = self.browser(), self.browser(SAFARI_IPHONE, "198.51.100.20")
        self.assertTrue(signed_in(phone))
        phone_row = LoginSession.objects.get(device="Safari on iPhone")
        response = laptop.post(reverse("accounts:sign_in_end", args=[phone_row.code]))
        self.assertRedirects(response, reverse("accounts:sign_ins"))
        self.assertFalse(signed_in(phone))
        self.assertTrue(signed_in(laptop))
        self.assertFalse(LoginSession.objects.filter(pk=phone_row.pk).exists())
        ended = AuditEntry.objects.get(action=AuditAction.SESSION_ENDED)
        self.assertEqual(ended.actor_id, self.w.coachee.pk)
        self.assertEqual(ended.target_code, str(phone_row.code))
        self.assertEqual(ended.detail, {"reason": "ended_by_owner"})

    def test_ending_this_browser_is_signing_out(self):
        laptop = self.browser()
        row = LoginSession.objects.get()
        response = laptop.post(reverse("accounts:sign_in_end", args=[row.code]))
        self.assertRedirects(response, reverse("accounts:login"))
        self.assertFalse(signed_in(laptop))
        self.assertFalse(LoginSession.objects.exists())

    def test_someone_elses_sign_in_cannot_be_seen_or_ended(self):
        self.browser()
        row = LoginSession.objects.get(user=self.w.coachee)
        self.login(self.w.coach)
        self.assertNotContains(self.client.get(reverse("accounts:sign_ins")), "Firefox on Linux")
        response = self.client.post(reverse("accounts:sign_in_end", args=[row.code]))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(LoginSession.objects.filter(pk=row.pk).exists())

    def test_signing_out_everywhere_else(self):
        laptop, phone = self.browser(), self.browser(SAFARI_IPHONE, "198.51.100.20")
        tablet = self.browser(CHROME_ANDROID, "192.0.2.1")
        laptop.post(reverse("accounts:sign_ins_end_others"))
        self.assertTrue(signed_in(laptop))
        self.assertFalse(signed_in(phone))
        self.assertFalse(signed_in(tablet))
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.SESSION_ENDED).count(), 2)

    def test_signing_out_removes_the_row(self):
        laptop = self.browser()
        laptop.post(reverse("accounts:logout"))
        self.assertFalse(LoginSession.objects.exists())

    def test_last_use_is_written_at_most_once_a_minute(self):
        laptop = self.browser()
        row = LoginSession.objects.get()
        LoginSession.objects.filter(pk=row.pk).update(
            last_seen_at=row.created_at.replace(year=2020)
        )
        laptop.get(reverse("dashboard"))
        self.assertEqual(LoginSession.objects.get().last_seen_at.year, 2020)  # not yet
        session = laptop.session
        session[login_sessions.TOUCHED_KEY] = int(time.time()) - 61
        session.save()
        laptop.get(reverse("dashboard"))
        self.assertGreater(LoginSession.objects.get().last_seen_at.year, 2020)


class OtherSessionsEndTests(WorldTestCase):
    def two_browsers(self, user):
        first, second = Client(), Client()
        sign_in(first, user)
        sign_in(second, user)
        self.assertTrue(signed_in(first) and signed_in(second))
        return first, second

    def test_changing_the_password_ends_the_other_sessions(self):
        here, elsewhere = self.two_browsers(self.w.coachee)
        new = "another-long-phrase-3"
        response = here.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        self.assertRedirects(response, reverse("accounts:settings"))
        self.assertTrue(signed_in(here))
        self.assertFalse(signed_in(elsewhere))
        # This browser's row followed its new session key and stays listed.
        (row,) = LoginSession.objects.filter(user=self.w.coachee)
        self.assertEqual(row.session_key, here.session.session_key)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.SESSION_ENDED, detail__reason="password_changed"
            ).exists()
        )

    def test_a_password_reset_ends_every_session(self):
        import re

        from django.core import mail

        first, second = self.two_browsers(self.w.coachee)
        anonymous = Client()
        with self.captureOnCommitCallbacks(execute=True):
            anonymous.post(reverse("accounts:password_reset"), {"email": self.w.coachee.email})
        link = re.search(r"/password-reset/[^/]+/[^/]+/", mail.outbox[-1].body).group(0)
        form_url = anonymous.get(link).url
        new = "a-brand-new-passphrase-4"
        anonymous.post(form_url, {"new_password1": new, "new_password2": new})
        self.assertFalse(signed_in(first))
        self.assertFalse(signed_in(second))
        self.assertFalse(LoginSession.objects.filter(user=self.w.coachee).exists())

    def test_disabling_an_account_ends_its_sessions(self):
        first, second = self.two_browsers(self.w.sponsor)
        self.w.sponsor.is_active = False
        self.w.sponsor.save()
        self.assertFalse(signed_in(first))
        self.assertFalse(signed_in(second))
        self.assertFalse(LoginSession.objects.filter(user=self.w.sponsor).exists())
        self.assertEqual(
            AuditEntry.objects.filter(
                action=AuditAction.SESSION_ENDED, detail__reason="account_disabled"
            ).count(),
            2,
        )

    def test_adding_a_second_factor_ends_the_other_sessions(self):
        here, elsewhere = self.two_browsers(self.w.coachee)
        here.get(reverse("accounts:authenticator_add"))
        session = here.session
        from bearing.accounts import signin_flow
        from bearing.lib import crypto

        user = self.w.coachee
        session[signin_flow.SETUP_KEY] = {
            "user": user.pk,
            "secret": crypto.encrypt(SECRET, f"bearing.accounts.setup-secret.{user.pk}"),
        }
        session.save()
        with frozen():
            here.post(reverse("accounts:authenticator_add"), {"code": code()})
        self.assertTrue(signed_in(here))
        self.assertFalse(signed_in(elsewhere))

    def test_removing_a_second_factor_ends_the_other_sessions(self):
        from .signin_helpers import give_authenticator

        give_authenticator(self.w.coachee)
        here, elsewhere = self.two_browsers(self.w.coachee)
        here.post(reverse("accounts:authenticator_remove"))
        self.assertTrue(signed_in(here))
        self.assertFalse(signed_in(elsewhere))


class AccountPageLinksTests(WorldTestCase):
    def test_the_account_page_leads_to_two_step_sign_in_and_the_sign_ins(self):
        self.login(self.w.coachee)
        page = self.client.get(reverse("accounts:settings"))
        self.assertContains(page, f'href="{reverse("accounts:security")}"')
        self.assertContains(page, f'href="{reverse("accounts:sign_ins")}"')
