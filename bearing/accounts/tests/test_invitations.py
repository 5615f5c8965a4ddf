from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bearing.accounts import services
from bearing.accounts.models import Invitation, Membership, Role, User
from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import Engagement
from bearing.testing import WorldTestCase, grant, make_user

NEW_EMAIL = "newleader@example.com"
GOOD = {
    "name": "Nia New",
    "time_zone": "Europe/Paris",
    "password": "long-enough-phrase-1",
    "password_again": "long-enough-phrase-1",
}
INVALID = "This invitation link is no longer valid"


class InvitationTestCase(WorldTestCase):
    def invite(self, **kw):
        params = {
            "invited_by": self.w.coach,
            "email": NEW_EMAIL,
            "name": "Nia New",
            "role": Role.COACHEE,
            "organization": self.w.organization,
        }
        params.update(kw)
        with self.captureOnCommitCallbacks(execute=True):
            invitation, token = services.invitation_create(**params)
            if token is None:  # a role: a second person approves it
                invitation, token = services.invitation_approve(
                    invitation=invitation, by=self.approver
                )
        return invitation, token

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.approver = make_user("approver@example.com", "Ada Approver")
        grant(cls.approver, Role.STAFF)

    def url(self, token):
        return reverse("accounts:invitation", args=[token])


class InvitationPageTests(InvitationTestCase):
    def test_invitation_email_carries_a_single_use_link(self):
        invitation, token = self.invite()
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [NEW_EMAIL])
        self.assertIn(f"http://testserver/invitations/{token}/", mail.outbox[0].body)
        self.assertIn("a coachee in Acme Manufacturing", mail.outbox[0].body)
        self.assertNotEqual(invitation.token_hash, token)

    def test_page_says_who_invited_them_and_for_what(self):
        cases = [
            ({"role": Role.COACHEE}, "a coachee in Acme Manufacturing"),
            (
                {"role": Role.COACH, "practice": self.w.practice, "organization": None},
                "a coach in Northstar Coaching",
            ),
            (
                {"role": Role.SPONSOR, "organization": self.w.other_organization},
                "a sponsor in Globex",
            ),
            ({"role": Role.STAFF, "organization": None}, "staff of this installation"),
        ]
        for i, (kw, phrase) in enumerate(cases):
            with self.subTest(phrase=phrase):
                _, token = self.invite(email=f"person{i}@example.com", **kw)
                response = self.client.get(self.url(token))
                self.assertContains(response, "Clara Coach has invited you")
                self.assertContains(response, phrase)
                self.assertContains(
                    response, '<option value="UTC" selected>UTC</option>', html=True
                )

    def test_time_zones_are_sorted_and_real(self):
        _, token = self.invite()
        form = self.client.get(self.url(token)).context["form"]
        values = [v for v, _ in form.fields["time_zone"].choices]
        self.assertEqual(values, sorted(values))
        self.assertIn("America/New_York", values)
        self.assertNotIn("localtime", values)

    def test_wrong_method_is_refused(self):
        _, token = self.invite()
        self.assertEqual(self.client.put(self.url(token)).status_code, 405)

    def test_unknown_token_gets_the_same_invalid_page(self):
        response = self.client.get(self.url("not-a-real-token"))
        self.assertContains(response, INVALID, status_code=404)


class InvitationAcceptTests(InvitationTestCase):
    def test_accepting_creates_account_membership_and_attaches_engagement(self):
        invitation, token = self.invite()
        waiting = Engagement.objects.create(
            practice=self.w.practice,
            organization=self.w.organization,
            coach=self.w.coach,
            invited_email=NEW_EMAIL,
            invitation=invitation,
            title="New",
        )
        # Another engagement for the same address waits on its own invitation.
        other = Engagement.objects.create(
            practice=self.w.practice,
            organization=self.w.organization,
            coach=self.w.other_coach,
            invited_email=NEW_EMAIL,
            title="Other",
        )
        response = self.client.post(self.url(token), GOOD)
        self.assertRedirects(response, reverse("dashboard"))
        user = User.objects.get(email=NEW_EMAIL)
        self.assertEqual((user.name, user.time_zone), ("Nia New", "Europe/Paris"))
        self.assertTrue(user.check_password(GOOD["password"]))
        self.assertTrue(
            Membership.objects.filter(
                user=user, role=Role.COACHEE, organization=self.w.organization
            ).exists()
        )
        waiting.refresh_from_db()
        self.assertEqual(waiting.coachee, user)
        other.refresh_from_db()
        self.assertIsNone(other.coachee)
        invitation = Invitation.objects.get(email=NEW_EMAIL)
        self.assertEqual(invitation.accepted_by, user)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.INVITATION_ACCEPTED, actor_id=user.pk
            ).exists()
        )
        # Signed in: the dashboard opens.
        self.assertEqual(self.client.get(reverse("dashboard")).status_code, 200)

    def test_second_use_fails(self):
        _, token = self.invite()
        self.client.post(self.url(token), GOOD)
        self.client.logout()
        self.assertContains(self.client.get(self.url(token)), INVALID, status_code=404)
        response = self.client.post(self.url(token), {**GOOD, "name": "Someone Else"})
        self.assertContains(response, INVALID, status_code=404)
        self.assertEqual(User.objects.filter(email=NEW_EMAIL).count(), 1)
        self.assertEqual(User.objects.get(email=NEW_EMAIL).name, "Nia New")

    def test_expired_invitation_is_refused(self):
        invitation, token = self.invite()
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=timezone.now() - timedelta(days=10),
            expires_at=timezone.now() - timedelta(days=1),
        )
        self.assertContains(self.client.get(self.url(token)), INVALID, status_code=404)
        self.assertContains(self.client.post(self.url(token), GOOD), INVALID, status_code=404)
        self.assertFalse(User.objects.filter(email=NEW_EMAIL).exists())

    def test_revoked_invitation_is_refused(self):
        invitation, token = self.invite()
        services.invitation_revoke(invitation=invitation, by=self.w.staff)
        self.assertContains(self.client.post(self.url(token), GOOD), INVALID, status_code=404)
        self.assertFalse(User.objects.filter(email=NEW_EMAIL).exists())

    def test_mismatched_passwords_save_nothing(self):
        _, token = self.invite()
        response = self.client.post(
            self.url(token), {**GOOD, "password_again": "different-phrase-22"}
        )
        self.assertContains(response, "The two passwords differ", status_code=400)
        self.assertFalse(User.objects.filter(email=NEW_EMAIL).exists())

    def test_password_validators_apply_next_to_the_field(self):
        _, token = self.invite()
        for weak, message in (
            ("short", "at least 12 characters"),
            ("123456789012345", "entirely numeric"),
            ("newleader-example", "too similar"),
        ):
            with self.subTest(password=weak):
                response = self.client.post(
                    self.url(token), {**GOOD, "password": weak, "password_again": weak}
                )
                self.assertContains(response, message, status_code=400)
                self.assertIn("password", response.context["form"].errors)
        self.assertFalse(User.objects.filter(email=NEW_EMAIL).exists())
        self.assertIsNone(Invitation.objects.get(email=NEW_EMAIL).accepted_at)

    def test_unknown_time_zone_is_refused(self):
        _, token = self.invite()
        response = self.client.post(self.url(token), {**GOOD, "time_zone": "Mars/Olympus"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("time_zone", response.context["form"].errors)
        self.assertFalse(User.objects.filter(email=NEW_EMAIL).exists())


class ExistingAccountTests(InvitationTestCase):
    def test_signed_in_addressee_accepts_with_one_button(self):
        _, token = self.invite(
            email=self.w.other_coach.email, role=Role.SPONSOR, organization=self.w.organization
        )
        self.login(self.w.other_coach)
        page = self.client.get(self.url(token))
        self.assertContains(page, "Accept the invitation")
        self.assertNotContains(page, 'name="password"')
        response = self.client.post(self.url(token))
        self.assertRedirects(response, reverse("dashboard"))
        self.assertTrue(
            Membership.objects.filter(
                user=self.w.other_coach, role=Role.SPONSOR, organization=self.w.organization
            ).exists()
        )
        self.assertContains(self.client.post(self.url(token)), INVALID, status_code=404)

    def test_someone_else_signed_in_gets_404_and_nothing_changes(self):
        _, token = self.invite()
        self.login(self.w.sponsor)
        self.assertEqual(self.client.get(self.url(token)).status_code, 404)
        self.assertEqual(self.client.post(self.url(token), GOOD).status_code, 404)
        self.assertIsNone(Invitation.objects.get(email=NEW_EMAIL).accepted_at)
        self.assertFalse(User.objects.filter(email=NEW_EMAIL).exists())

    def test_anonymous_with_an_existing_account_is_asked_to_sign_in_first(self):
        _, token = self.invite(
            email=self.w.other_coach.email, role=Role.SPONSOR, organization=self.w.organization
        )
        response = self.client.get(self.url(token))
        self.assertContains(response, "Sign in to accept your invitation")
        self.assertContains(response, f"/login/?next=%2Finvitations%2F{token}%2F")
        self.client.post(self.url(token), GOOD)
        self.assertFalse(Membership.objects.filter(user=self.w.other_coach, role=Role.SPONSOR))
        self.assertTrue(self.w.other_coach.check_password("correct-horse-battery-staple"))
