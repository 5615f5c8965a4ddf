"""Signing in with a second factor: an authenticator app (TOTP) and recovery codes.

Coaches, sponsors and staff must have one; a coachee may turn one on. The codes
are computed from the secret at a frozen time, as the app would show them.
"""

from __future__ import annotations

import re
import time

from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from bearing.accounts import factors, signin_flow
from bearing.accounts.models import Membership, RecoveryCode, Role, TotpDevice
from bearing.audit.models import AuditAction, AuditEntry
from bearing.testing import PASSWORD, WorldTestCase

from .signin_helpers import FROZEN, SECRET, code, frozen, give_authenticator, post_password


def secret_on(page) -> str:
    """The key shown for typing by hand, as a person would read it off the page."""
    match = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page.content.decode())
    return match.group(1).replace(" ", "")


def audit(action, user=None):
    entries = AuditEntry.objects.filter(action=action)
    if user is not None:
        entries = entries.filter(actor_id=user.pk)
    return list(entries)


class CoachWithoutFactorTests(WorldTestCase):
    def test_a_coach_without_a_factor_cannot_reach_the_dashboard(self):
        response = post_password(self.client, self.w.coach.email)
        self.assertRedirects(response, reverse("accounts:login_setup"))
        self.assertFalse(response.wsgi_request.user.is_authenticated)
        dashboard = self.client.get(reverse("dashboard"))
        self.assertEqual(dashboard.status_code, 302)
        self.assertIn(reverse("accounts:login"), dashboard["Location"])
        self.assertFalse(audit(AuditAction.LOGIN, self.w.coach))

    def test_setting_up_the_app_signs_in_and_shows_recovery_codes_once(self):
        post_password(self.client, self.w.coach.email)
        page = self.client.get(reverse("accounts:login_setup"))
        self.assertContains(page, "<svg", count=1)
        self.assertContains(page, 'class="qr"')
        self.assertNotContains(page, "<script>")  # the page's only script is htmx, by src
        self.assertIn("script-src 'self'", page["Content-Security-Policy"])
        secret = secret_on(page)
        self.assertEqual(len(secret), 32)
        # A reload shows the same secret; another browser would get its own.
        self.assertEqual(secret_on(self.client.get(reverse("accounts:login_setup"))), secret)

        with frozen():
            done = self.client.post(reverse("accounts:login_setup"), {"code": code(secret)})
        self.assertEqual(done.status_code, 200)
        codes = re.findall(
            r"<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code>", done.content.decode()
        )
        self.assertEqual(len(set(codes)), 10)
        self.assertTrue(done.wsgi_request.user.is_authenticated)
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)

        device = TotpDevice.objects.get(user=self.w.coach)
        self.assertEqual(device.secret, secret)
        # Stored encrypted, codes stored hashed: none of it readable in the database.
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM accounts_totpdevice")
            (stored,) = cursor.fetchone()
            cursor.execute("SELECT code_hash FROM accounts_recoverycode")
            hashes = " ".join(row[0] for row in cursor.fetchall())
        self.assertNotIn(secret, stored)
        for c in codes:
            self.assertNotIn(c.replace("-", ""), hashes)
        # Shown once: the security page never shows them again.
        security = self.client.get(reverse("accounts:security"))
        self.assertContains(security, "Recovery codes left: 10")
        for c in codes:
            self.assertNotContains(security, c)
        self.assertTrue(audit(AuditAction.FACTOR_ADDED, self.w.coach))
        self.assertTrue(audit(AuditAction.LOGIN, self.w.coach))
        # Neither secret nor code in the audit log.
        trail = " ".join(e.canonical().decode() for e in AuditEntry.objects.all())
        self.assertNotIn(secret, trail)
        self.assertNotIn(code(secret), trail)

    def test_a_wrong_code_at_setup_is_refused(self):
        post_password(self.client, self.w.coach.email)
        secret = secret_on(self.client.get(reverse("accounts:login_setup")))
        with frozen():
            wrong = f"{(int(code(secret)) + 1) % 1_000_000:06d}"
            response = self.client.post(reverse("accounts:login_setup"), {"code": wrong})
        self.assertContains(response, "That code is not right", status_code=400)
        self.assertFalse(response.wsgi_request.user.is_authenticated)
        self.assertFalse(TotpDevice.objects.exists())
        self.assertTrue(audit(AuditAction.SECOND_FACTOR_FAILED, self.w.coach))

    def test_a_new_coach_from_an_invitation_sets_up_a_factor_before_any_page(self):
        from bearing.accounts.services import invitation_create

        _, token = invitation_create(
            invited_by=None,
            email="new.coach@example.com",
            role=Role.COACH,
            practice=self.w.practice,
            send=False,
        )
        data = {
            "name": "Nia New",
            "time_zone": "UTC",
            "password": "a-long-new-passphrase",
            "password_again": "a-long-new-passphrase",
        }
        self.client.post(reverse("accounts:invitation", args=[token]), data)
        for name in ("dashboard", "accounts:settings", "engagements:create"):
            self.assertRedirects(self.client.get(reverse(name)), reverse("accounts:login_setup"))

    def test_a_coachee_who_becomes_sponsor_mid_session_is_asked_for_a_factor(self):
        self.login(self.w.coachee)
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)
        Membership.objects.create(
            user=self.w.coachee, role=Role.SPONSOR, organization=self.w.other_organization
        )
        self.assertRedirects(self.client.get(reverse("dashboard")), reverse("accounts:login_setup"))


class SignInWithCodeTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        give_authenticator(cls.w.coach)

    def test_a_code_from_the_app_completes_the_sign_in(self):
        response = post_password(self.client, self.w.coach.email)
        self.assertRedirects(response, reverse("accounts:login_code"))
        self.assertFalse(response.wsgi_request.user.is_authenticated)
        with frozen():
            done = self.client.post(reverse("accounts:login_code"), {"code": code()})
        self.assertRedirects(done, reverse("dashboard"))
        self.assertEqual(self.client.session[signin_flow.STEP_KEY], "totp")
        (ok,) = audit(AuditAction.SECOND_FACTOR_OK, self.w.coach)
        self.assertEqual(ok.detail, {"kind": "totp", "via": "sign_in"})
        self.assertTrue(audit(AuditAction.LOGIN, self.w.coach))

    def test_the_next_page_survives_the_second_step(self):
        url = reverse("accounts:login") + "?next=" + reverse("accounts:settings")
        self.client.post(url, {"username": self.w.coach.email, "password": PASSWORD})
        with frozen():
            done = self.client.post(reverse("accounts:login_code"), {"code": code()})
        self.assertRedirects(done, reverse("accounts:settings"))

    def test_a_wrong_code_is_refused_and_audited(self):
        post_password(self.client, self.w.coach.email)
        with frozen():
            wrong = f"{(int(code()) + 1) % 1_000_000:06d}"
            response = self.client.post(reverse("accounts:login_code"), {"code": wrong})
        self.assertContains(response, "That code is not right", status_code=400)
        self.assertFalse(response.wsgi_request.user.is_authenticated)
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 302)
        (failed,) = audit(AuditAction.SECOND_FACTOR_FAILED, self.w.coach)
        self.assertEqual(failed.detail, {"reason": "wrong", "via": "sign_in"})
        self.assertNotIn(wrong, failed.canonical().decode())
        self.assertFalse(audit(AuditAction.LOGIN, self.w.coach))

    def test_right_after_a_wrong_code_even_the_right_one_waits_a_moment(self):
        post_password(self.client, self.w.coach.email)
        with frozen():
            self.client.post(reverse("accounts:login_code"), {"code": "000000"})
            response = self.client.post(reverse("accounts:login_code"), {"code": code()})
        self.assertContains(response, "Please wait a few seconds", status_code=400)
        self.assertFalse(response.wsgi_request.user.is_authenticated)

    def test_a_code_works_once(self):
        with frozen():
            post_password(self.client, self.w.coach.email)
            first = self.client.post(reverse("accounts:login_code"), {"code": code()})
            self.assertRedirects(first, reverse("dashboard"))
            self.client.post(reverse("accounts:logout"))
            again = Client()
            post_password(again, self.w.coach.email)
            replay = again.post(reverse("accounts:login_code"), {"code": code()})
        self.assertEqual(replay.status_code, 400)
        self.assertFalse(replay.wsgi_request.user.is_authenticated)

    def test_a_phone_clock_one_step_off_is_accepted_two_steps_is_not(self):
        post_password(self.client, self.w.coach.email)
        with frozen():
            far = self.client.post(reverse("accounts:login_code"), {"code": code(at=FROZEN - 60)})
        self.assertEqual(far.status_code, 400)
        with frozen(FROZEN + 5):  # past the back-off after the wrong code
            TotpDevice.objects.update(throttling_failure_count=0)
            near = self.client.post(reverse("accounts:login_code"), {"code": code(at=FROZEN - 30)})
        self.assertRedirects(near, reverse("dashboard"))

    def test_too_many_wrong_codes_end_the_attempt(self):
        post_password(self.client, self.w.coach.email)
        for _ in range(signin_flow.SECOND_FACTOR.count):
            signin_flow.second_factor_failed(self.w.coach)
        with frozen():
            response = self.client.post(reverse("accounts:login_code"), {"code": code()})
        self.assertContains(response, "Too many wrong codes", status_code=429)
        self.assertFalse(response.wsgi_request.user.is_authenticated)
        # The password must be given again.
        self.assertRedirects(
            self.client.get(reverse("accounts:login_code")), reverse("accounts:login")
        )

    def test_a_pending_sign_in_expires(self):
        post_password(self.client, self.w.coach.email)
        session = self.client.session
        pending = session[signin_flow.PENDING_KEY]
        pending["at"] = int(time.time()) - signin_flow.PENDING_SECONDS - 1
        session[signin_flow.PENDING_KEY] = pending
        session.save()
        self.assertRedirects(
            self.client.get(reverse("accounts:login_code")), reverse("accounts:login")
        )

    def test_without_a_password_first_there_is_no_second_step(self):
        self.assertRedirects(
            self.client.get(reverse("accounts:login_code")), reverse("accounts:login")
        )
        with frozen():
            response = self.client.post(reverse("accounts:login_code"), {"code": code()})
        self.assertRedirects(response, reverse("accounts:login"))


class RecoveryCodeTests(WorldTestCase):
    def setUp(self):
        with frozen():
            self.codes = factors.totp_add(user=self.w.sponsor, secret=SECRET, code=code())

    def sign_in_with(self, client, recovery_code):
        post_password(client, self.w.sponsor.email)
        return client.post(reverse("accounts:login_code"), {"code": recovery_code})

    def test_a_recovery_code_works_once(self):
        response = self.sign_in_with(self.client, self.codes[0].upper())  # any case
        self.assertRedirects(response, reverse("dashboard"), fetch_redirect_response=False)
        page = self.client.get(reverse("dashboard"))
        self.assertContains(page, "You used a recovery code; 9 left")
        (used,) = audit(AuditAction.RECOVERY_CODE_USED, self.w.sponsor)
        self.assertEqual(used.detail["count"], "9")
        self.assertNotIn(self.codes[0], used.canonical().decode())

        self.client.post(reverse("accounts:logout"))
        again = self.sign_in_with(Client(), self.codes[0])
        self.assertEqual(again.status_code, 400)
        self.assertFalse(again.wsgi_request.user.is_authenticated)
        # Another one still works.
        self.assertRedirects(
            self.sign_in_with(Client(), self.codes[1]),
            reverse("dashboard"),
            fetch_redirect_response=False,
        )

    def test_new_recovery_codes_replace_the_old_ones(self):
        self.login(self.w.sponsor)
        page = self.client.post(reverse("accounts:recovery_codes"))
        new = re.findall(r"<code>([0-9a-z-]{14})</code>", page.content.decode())
        self.assertEqual(len(new), 10)
        self.assertTrue(audit(AuditAction.RECOVERY_CODES_MADE, self.w.sponsor))
        self.client.logout()
        self.assertEqual(self.sign_in_with(Client(), self.codes[0]).status_code, 400)
        self.assertEqual(self.sign_in_with(Client(), new[0]).status_code, 302)


class PasswordResetTests(WorldTestCase):
    def test_a_password_reset_does_not_bypass_the_second_factor(self):
        give_authenticator(self.w.staff)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("accounts:password_reset"), {"email": self.w.staff.email})
        link = re.search(r"/password-reset/[^/]+/[^/]+/", mail.outbox[-1].body).group(0)
        form_url = self.client.get(link).url
        new = "a-brand-new-passphrase-9"
        done = self.client.post(form_url, {"new_password1": new, "new_password2": new})
        self.assertRedirects(done, reverse("accounts:password_reset_complete"))
        self.assertFalse(done.wsgi_request.user.is_authenticated)

        response = post_password(self.client, self.w.staff.email, new)
        self.assertRedirects(response, reverse("accounts:login_code"))
        self.assertFalse(response.wsgi_request.user.is_authenticated)
        self.assertEqual(self.client.get(reverse("accounts:staff")).status_code, 302)
        self.assertTrue(TotpDevice.objects.filter(user=self.w.staff).exists())


class CoacheeChoosesTests(WorldTestCase):
    def test_a_coachee_signs_in_with_the_password_alone(self):
        response = post_password(self.client, self.w.coachee.email)
        self.assertRedirects(response, reverse("dashboard"))
        self.assertEqual(self.client.session[signin_flow.STEP_KEY], "none")

    def test_a_coachee_turns_the_app_on_and_is_asked_for_it_next_time(self):
        self.login(self.w.coachee)
        self.assertContains(self.client.get(reverse("accounts:security")), "Turn on")
        page = self.client.get(reverse("accounts:authenticator_add"))
        secret = secret_on(page)
        with frozen():
            done = self.client.post(reverse("accounts:authenticator_add"), {"code": code(secret)})
        self.assertContains(done, "shown only now")
        self.assertEqual(RecoveryCode.objects.filter(user=self.w.coachee).count(), 10)
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)
        self.client.post(reverse("accounts:logout"))
        self.assertRedirects(
            post_password(self.client, self.w.coachee.email), reverse("accounts:login_code")
        )

    def test_removing_the_app_needs_no_code_next_time(self):
        give_authenticator(self.w.coachee)
        self.login(self.w.coachee)
        response = self.client.post(reverse("accounts:authenticator_remove"))
        self.assertRedirects(response, reverse("accounts:security"))
        self.assertFalse(TotpDevice.objects.filter(user=self.w.coachee).exists())
        self.assertTrue(audit(AuditAction.FACTOR_REMOVED, self.w.coachee))
        self.client.post(reverse("accounts:logout"))
        self.assertRedirects(post_password(self.client, self.w.coachee.email), reverse("dashboard"))

    def test_a_coach_who_removes_the_app_must_set_up_a_new_one(self):
        give_authenticator(self.w.coach)
        self.login(self.w.coach)
        self.client.post(reverse("accounts:authenticator_remove"))
        self.assertRedirects(self.client.get(reverse("dashboard")), reverse("accounts:login_setup"))


class QrCodeTests(WorldTestCase):
    def test_the_qr_code_is_drawn_from_segnos_modules(self):
        import segno

        uri = factors.otpauth_uri(self.w.coach, SECRET)
        self.assertTrue(uri.startswith("otpauth://totp/Bearing%3Acoach%40example.com?secret="))
        qr = factors.qr_code(uri)
        matrix = list(segno.make(uri, error="m", micro=False).matrix_iter(scale=1, border=4))
        self.assertEqual(qr.size, len(matrix))
        self.assertRegex(qr.path, r"^(M\d+ \d+h\d+v1h-\d+z)+$")
        dark = sum(int(n) for n in re.findall(r"h(\d+)v", qr.path))
        self.assertEqual(dark, sum(sum(1 for cell in row if cell) for row in matrix))

    def test_codes_are_those_of_rfc_6238(self):
        # RFC 6238 appendix B, SHA-1, the 20-byte key "12345678901234567890".
        import base64

        secret = base64.b32encode(b"12345678901234567890").decode()
        self.assertEqual(factors.code_at(secret, 59), "287082")
        self.assertEqual(factors.code_at(secret, 1111111109), "081804")
        self.assertEqual(factors.code_at(secret, 1234567890), "005924")


class OperatorResetTests(WorldTestCase):
    def test_the_operator_removes_a_lost_app_and_every_sign_in_ends(self):
        from io import StringIO

        from django.core.management import CommandError, call_command

        give_authenticator(self.w.coach)
        self.login(self.w.coach)
        call_command("second_factor_reset", "Coach@Example.com", stdout=StringIO())
        self.assertFalse(TotpDevice.objects.filter(user=self.w.coach).exists())
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 302)
        (removed,) = audit(AuditAction.FACTOR_REMOVED)
        self.assertIsNone(removed.actor_id)
        self.assertEqual(removed.detail, {"kind": "totp", "via": "operator"})
        with self.assertRaises(CommandError):
            call_command("second_factor_reset", self.w.coach.email, stdout=StringIO())


class HtmxSecondStepTests(WorldTestCase):
    def test_an_htmx_request_is_sent_to_the_second_step_not_swapped(self):
        # Signed in by the session alone (as after an upgrade), no second step yet.
        self.client.force_login(self.w.coach)
        response = self.client.get(reverse("dashboard"), headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 204)  # htmx ignores HX-Redirect on a 3xx
        self.assertEqual(response["HX-Redirect"], reverse("accounts:login_setup"))
