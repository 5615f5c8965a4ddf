"""Signing in again (within five minutes) before consent changes, role grants and
the staff switch for the language model."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from bearing.accounts import signin_flow
from bearing.accounts.models import Invitation, Organization, Role
from bearing.accounts.services import invitation_create
from bearing.audit.models import AuditAction, AuditEntry
from bearing.companion.models import CompanionConsent
from bearing.engagements.models import Agreement
from bearing.testing import PASSWORD, WorldTestCase

from .signin_helpers import code, frozen, give_authenticator


class RecentAuthTestCase(WorldTestCase):
    def age_sign_in(self, seconds: int) -> None:
        session = self.client.session
        session[signin_flow.AUTH_AT_KEY] = int(time.time()) - seconds
        session.save()

    def assertSentToConfirm(self, response, back: str) -> None:
        self.assertEqual(response.status_code, 302)
        location = urlparse(response["Location"])
        self.assertEqual(location.path, reverse("accounts:confirm"))
        self.assertEqual(parse_qs(location.query)["next"], [back])

    def confirm(self, back: str, **extra):
        return self.client.post(
            reverse("accounts:confirm"), {"password": PASSWORD, "next": back, **extra}
        )


class ConsentTests(RecentAuthTestCase):
    def setUp(self):
        Agreement.objects.create(
            engagement=self.w.engagement,
            version=2,
            objectives="Version two",
            created_by=self.w.coach,
        )
        self.agreement_url = reverse("engagements:agreement", args=[self.w.engagement.code])
        self.accept_url = reverse("engagements:agreement_accept", args=[self.w.engagement.code])

    def test_accepting_the_agreement_after_five_minutes_needs_the_password_again(self):
        self.login(self.w.coachee)
        self.age_sign_in(5 * 60 + 1)
        response = self.client.post(self.accept_url, {"version": "2"})
        self.assertSentToConfirm(response, self.agreement_url)
        self.assertIsNone(Agreement.objects.get(version=2).accepted_at)

        self.assertRedirects(self.confirm(self.agreement_url), self.agreement_url)
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.REAUTHENTICATED).exists())
        self.client.post(self.accept_url, {"version": "2"})
        self.assertIsNotNone(Agreement.objects.get(version=2).accepted_at)

    def test_within_five_minutes_no_confirmation_is_needed(self):
        self.login(self.w.coachee)
        self.age_sign_in(5 * 60 - 5)
        self.client.post(self.accept_url, {"version": "2"})
        self.assertIsNotNone(Agreement.objects.get(version=2).accepted_at)

    def test_giving_companion_consent_needs_a_recent_sign_in(self):
        home = reverse("companion:home", args=[self.w.engagement.code])
        self.login(self.w.coachee)
        self.age_sign_in(3600)
        self.assertSentToConfirm(self.client.post(home, {"consent": "yes"}), home)
        self.assertFalse(CompanionConsent.objects.exists())
        roleplays = reverse("companion:roleplay_home", args=[self.w.engagement.code])
        self.assertSentToConfirm(self.client.post(roleplays, {"consent": "yes"}), roleplays)
        self.assertFalse(CompanionConsent.objects.exists())
        self.confirm(home)
        self.client.post(home, {"consent": "yes"})
        self.assertTrue(CompanionConsent.objects.filter(user=self.w.coachee).exists())


class RoleGrantTests(RecentAuthTestCase):
    def test_staff_inviting_to_a_role_needs_a_recent_sign_in(self):
        self.login(self.w.staff)
        self.age_sign_in(301)
        data = {
            "invite-email": "new.sponsor@example.com",
            "invite-name": "New",
            "invite-role": "sponsor",
        }
        data["invite-organization"] = str(self.w.organization.pk)
        response = self.client.post(reverse("accounts:staff_invite"), data)
        self.assertSentToConfirm(response, reverse("accounts:staff"))
        self.assertFalse(Invitation.objects.filter(email="new.sponsor@example.com").exists())

    def test_approving_a_role_grant_needs_a_recent_sign_in(self):
        invitation, _ = invitation_create(
            invited_by=self.w.other_coach,
            email="new.sponsor@example.com",
            role=Role.SPONSOR,
            organization=self.w.organization,
            send=False,
        )
        self.login(self.w.sponsor)
        self.age_sign_in(301)
        url = reverse("accounts:approval_decide", args=[invitation.code])
        self.assertSentToConfirm(
            self.client.post(url, {"decision": "approve"}), reverse("accounts:approvals")
        )
        invitation.refresh_from_db()
        self.assertIsNone(invitation.approved_at)

    def test_the_staff_switch_for_the_language_model_needs_a_recent_sign_in(self):
        self.login(self.w.staff)
        self.age_sign_in(301)
        url = reverse("accounts:staff_companion_model", args=[self.w.organization.code])
        self.assertSentToConfirm(self.client.post(url, {"enabled": "1"}), reverse("accounts:staff"))
        self.assertFalse(
            Organization.objects.get(pk=self.w.organization.pk).companion_model_enabled
        )


class ConfirmTests(RecentAuthTestCase):
    def test_someone_with_a_second_factor_gives_it_too(self):
        give_authenticator(self.w.staff)
        self.login(self.w.staff)
        self.age_sign_in(301)
        page = self.client.get(reverse("accounts:confirm"))
        self.assertContains(page, "a code from your authenticator app")
        back = reverse("accounts:staff")
        missing = self.confirm(back)
        self.assertEqual(missing.status_code, 400)
        with frozen():
            wrong = self.confirm(back, code="000000")
        self.assertContains(wrong, "That code is not right", status_code=400)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.SECOND_FACTOR_FAILED, detail__via="confirm"
            ).exists()
        )
        from bearing.accounts.models import TotpDevice

        TotpDevice.objects.update(throttling_failure_count=0)
        with frozen():
            self.assertRedirects(self.confirm(back, code=code()), back)

    def test_a_wrong_password_is_refused_and_audited_as_a_failed_sign_in(self):
        self.login(self.w.coachee)
        self.age_sign_in(301)
        response = self.client.post(
            reverse("accounts:confirm"), {"password": "not-it", "next": "/"}
        )
        self.assertContains(response, "That is not your password", status_code=400)
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.REAUTHENTICATED).exists())

    def test_it_returns_only_to_this_site(self):
        self.login(self.w.coachee)
        self.assertRedirects(
            self.confirm("https://evil.example/"),
            reverse("dashboard"),
            fetch_redirect_response=False,
        )

    def test_a_page_guarded_on_get_comes_back_to_itself(self):
        self.login(self.w.coachee)
        self.age_sign_in(301)
        url = reverse("accounts:authenticator_add")
        self.assertSentToConfirm(self.client.get(url), url)
        self.assertRedirects(self.confirm(url), url)


class GuardedViewsTests(WorldTestCase):
    def test_the_grave_steps_are_guarded(self):
        from django.urls import resolve

        guarded = {
            "engagements:agreement_accept": {"code": self.w.engagement.code},
            "accounts:staff_invite": {},
            "accounts:approval_decide": {"code": self.w.engagement.code},
            "accounts:staff_companion_model": {"code": self.w.organization.code},
            "accounts:authenticator_add": {},
            "accounts:authenticator_remove": {},
            "accounts:recovery_codes": {},
        }
        for name, kwargs in guarded.items():
            with self.subTest(name):
                view = resolve(reverse(name, kwargs=kwargs)).func
                self.assertEqual(getattr(view, "requires_recent_auth", None), 5)


class FreshSignInTests(RecentAuthTestCase):
    def test_accepting_an_invitation_counts_as_signing_in(self):
        _, token = invitation_create(
            invited_by=None,
            email="new.leader@example.com",
            role=Role.COACHEE,
            organization=self.w.organization,
            send=False,
        )
        data = {
            "name": "Nadia Noor",
            "time_zone": "UTC",
            "password": "a-long-new-passphrase",
            "password_again": "a-long-new-passphrase",
        }
        self.client.post(reverse("accounts:invitation", args=[token]), data)
        at = self.client.session[signin_flow.AUTH_AT_KEY]
        self.assertLessEqual(abs(at - time.time()), 5)
        self.assertEqual(self.client.get(reverse("accounts:authenticator_add")).status_code, 200)
