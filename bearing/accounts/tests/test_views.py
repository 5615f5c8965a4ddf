import re
import time
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bearing.accounts import services
from bearing.accounts.models import Invitation, Membership, Organization, Role, User
from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import Engagement
from bearing.lib.testing import PASSWORD, WorldTestCase, canary_strings


class LoginTests(WorldTestCase):
    def test_sign_in_with_email_and_password(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": self.w.coach.email, "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("dashboard"))
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.LOGIN).exists())

    def test_wrong_password_gets_a_clear_message(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": self.w.coach.email, "password": "nope"}
        )
        self.assertContains(response, "do not match an account")

    def test_repeated_failures_are_throttled(self):
        for _ in range(10):
            self.client.post(
                reverse("accounts:login"), {"username": "x@example.com", "password": "n"}
            )
        response = self.client.post(
            reverse("accounts:login"), {"username": "x@example.com", "password": "n"}
        )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many attempts", status_code=429)

    def test_logout_needs_post(self):
        self.login(self.w.coach)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        self.client.post(reverse("accounts:logout"))
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 302)


class SessionLimitTests(WorldTestCase):
    def _age_session(self, **keys):
        session = self.client.session
        for key, value in keys.items():
            session[key] = value
        session.save()

    def test_idle_session_ends(self):
        self.login(self.w.coach)
        self.client.get(reverse("dashboard"))
        now = int(time.time())
        self._age_session(bearing_seen_at=now - 2 * 3600, bearing_login_at=now - 2 * 3600)
        response = self.client.get(reverse("dashboard"))
        self.assertEqual(response.status_code, 302)

    def test_absolute_limit_ends_a_busy_session(self):
        self.login(self.w.coach)
        now = int(time.time())
        self._age_session(bearing_seen_at=now, bearing_login_at=now - 13 * 3600)
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 302)

    def test_active_session_continues(self):
        self.login(self.w.coach)
        now = int(time.time())
        self._age_session(bearing_seen_at=now - 600, bearing_login_at=now - 3600)
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)


class PasswordResetTests(WorldTestCase):
    def test_reset_email_link_sets_a_new_password(self):
        self.client.post(reverse("accounts:password_reset"), {"email": self.w.coachee.email})
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertTrue(message.alternatives)  # an HTML part too
        path = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)
        response = self.client.get(path, follow=True)
        self.assertContains(response, "Choose a new password")
        response = self.client.post(
            response.redirect_chain[-1][0],
            {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
        )
        self.assertRedirects(response, reverse("accounts:password_reset_complete"))
        self.assertTrue(
            self.client.login(email=self.w.coachee.email, password="a-brand-new-passphrase")
        )

    def test_unknown_email_sends_nothing_and_says_the_same(self):
        response = self.client.post(
            reverse("accounts:password_reset"), {"email": "who@example.com"}
        )
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(mail.outbox, [])


class InvitationTests(WorldTestCase):
    def _invite(self, **kw):
        params = {
            "invited_by": self.w.coach,
            "email": "newleader@example.com",
            "name": "Nia New",
            "role": Role.COACHEE,
            "organization": self.w.organization,
        }
        params.update(kw)
        with self.captureOnCommitCallbacks(execute=True):
            return services.invitation_create(**params)

    def test_invitation_email_carries_a_single_use_link(self):
        invitation, token = self._invite()
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn(f"/invitations/{token}/", mail.outbox[0].body)
        self.assertNotEqual(invitation.token_hash, token)

    def test_accepting_creates_account_membership_and_attaches_engagement(self):
        engagement = Engagement.objects.create(
            practice=self.w.practice,
            organization=self.w.organization,
            coach=self.w.coach,
            invited_email="newleader@example.com",
            title="New",
        )
        _, token = self._invite()
        url = reverse("accounts:invitation", args=[token])
        self.assertContains(self.client.get(url), "a coachee with Acme Manufacturing")
        response = self.client.post(
            url,
            {
                "name": "Nia New",
                "time_zone": "Europe/Paris",
                "password": "long-enough-phrase-1",
                "password_again": "long-enough-phrase-1",
            },
        )
        self.assertRedirects(response, reverse("dashboard"))
        user = User.objects.get(email="newleader@example.com")
        self.assertEqual(user.time_zone, "Europe/Paris")
        self.assertTrue(Membership.objects.filter(user=user, role=Role.COACHEE).exists())
        engagement.refresh_from_db()
        self.assertEqual(engagement.coachee, user)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)  # single use

    def test_mismatched_passwords_save_nothing(self):
        _, token = self._invite()
        response = self.client.post(
            reverse("accounts:invitation", args=[token]),
            {
                "name": "Nia",
                "time_zone": "UTC",
                "password": "long-enough-phrase-1",
                "password_again": "different-phrase-22",
            },
        )
        self.assertContains(response, "The two passwords differ")
        self.assertFalse(User.objects.filter(email="newleader@example.com").exists())

    def test_expired_invitation_is_refused(self):
        invitation, token = self._invite()
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=timezone.now() - timedelta(days=10),
            expires_at=timezone.now() - timedelta(days=1),
        )
        response = self.client.get(reverse("accounts:invitation", args=[token]))
        self.assertContains(response, "no longer valid", status_code=404)

    def test_signed_in_addressee_accepts_with_one_button(self):
        _, token = self._invite(
            email=self.w.other_coach.email,
            role=Role.SPONSOR,
            organization=self.w.other_organization,
        )
        self.login(self.w.other_coach)
        response = self.client.post(reverse("accounts:invitation", args=[token]))
        self.assertRedirects(response, reverse("dashboard"))
        self.assertTrue(
            Membership.objects.filter(user=self.w.other_coach, role=Role.SPONSOR).exists()
        )


class CalendarTests(WorldTestCase):
    def test_feed_lists_sessions_without_confidential_text(self):
        url = reverse("accounts:calendar_feed", args=[self.w.coachee.calendar_token])
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        body = response.content.decode()
        self.assertIn(f"UID:session-{self.w.next_session.code}@bearing", body)
        self.assertIn("Coaching session with Clara Coach", body)
        for tag in canary_strings():
            self.assertNotIn(tag, body)

    def test_replacing_the_link_retires_the_old_one(self):
        old = reverse("accounts:calendar_feed", args=[self.w.coachee.calendar_token])
        self.login(self.w.coachee)
        self.client.post(reverse("accounts:calendar_reset"))
        self.assertEqual(self.client.get(old).status_code, 404)
        self.w.coachee.refresh_from_db()
        new = reverse("accounts:calendar_feed", args=[self.w.coachee.calendar_token])
        self.assertEqual(self.client.get(new).status_code, 200)


class StaffTests(WorldTestCase):
    def test_staff_invites_a_coach(self):
        self.login(self.w.staff)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("accounts:staff_invite"),
                {
                    "invite-name": "Cora",
                    "invite-email": "cora@example.com",
                    "invite-role": "coach",
                    "invite-practice": self.w.practice.pk,
                },
            )
        self.assertRedirects(response, reverse("accounts:staff"))
        self.assertTrue(Invitation.objects.filter(email="cora@example.com", role="coach").exists())
        self.assertEqual(mail.outbox[0].to, ["cora@example.com"])

    def test_coach_invitation_needs_a_practice(self):
        self.login(self.w.staff)
        response = self.client.post(
            reverse("accounts:staff_invite"),
            {"invite-name": "Cora", "invite-email": "cora@example.com", "invite-role": "coach"},
        )
        self.assertContains(response, "Choose the coach&#x27;s practice", status_code=400)
        self.assertFalse(Invitation.objects.filter(email="cora@example.com").exists())

    def test_staff_adds_an_organization_and_sees_no_content(self):
        self.login(self.w.staff)
        self.client.post(reverse("accounts:staff_organization"), {"org-name": "Initech"})
        self.assertTrue(Organization.objects.filter(name="Initech").exists())
        response = self.client.get(reverse("accounts:staff"))
        self.assertContains(response, "Initech")
        for tag in canary_strings():
            self.assertNotContains(response, tag)

    def test_staff_page_query_count_is_pinned(self):
        self.login(self.w.staff)
        self.client.get(reverse("accounts:staff"))
        with self.assertNumQueries(10):
            self.client.get(reverse("accounts:staff"))

    def test_settings_change_time_zone(self):
        self.login(self.w.coach)
        self.client.post(
            reverse("accounts:settings"), {"name": "Clara C", "time_zone": "Asia/Tokyo"}
        )
        self.w.coach.refresh_from_db()
        self.assertEqual(self.w.coach.time_zone, "Asia/Tokyo")
