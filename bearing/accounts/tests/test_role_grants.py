"""Nobody grants a role alone, and nobody grants one to themselves.

An invitation to be a coach, a sponsor or staff waits, unsent, until a second
person approves it: other staff, or for a sponsor the organization's sponsor.
Acceptance is audited as a role grant.
"""

import re
from io import StringIO

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bearing.accounts import services
from bearing.accounts.models import Invitation, Membership, Role
from bearing.audit.models import AuditAction, AuditEntry
from bearing.testing import WorldTestCase, grant, make_user

NEW = {
    "name": "Nia New",
    "time_zone": "UTC",
    "password": "long-enough-phrase-1",
    "password_again": "long-enough-phrase-1",
}


def link_in(message) -> str:
    return re.search(r"/invitations/[^/\s]+/", message.body).group(0)


class RoleGrantTestCase(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.second_staff = make_user("second.staff@example.com", "Sasha Second")
        grant(cls.second_staff, Role.STAFF)

    def staff_invites(self, email, role, **scope):
        data = {"invite-name": "Someone", "invite-email": email, "invite-role": role}
        data.update({f"invite-{k}": v.pk for k, v in scope.items()})
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("accounts:staff_invite"), data)

    def decide(self, invitation, decision="approve"):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                reverse("accounts:approval_decide", args=[invitation.code]), {"decision": decision}
            )


class SelfGrantAttackTests(RoleGrantTestCase):
    def test_staff_cannot_make_themselves_sponsor_by_inviting_their_own_email(self):
        """The attack as found: invite one's own email as sponsor, accept, read."""
        staff = self.w.staff
        self.login(staff)
        response = self.staff_invites(staff.email, "sponsor", organization=self.w.organization)
        for message in mail.outbox:  # whatever link arrives, the attacker follows it
            if message.to == [staff.email]:
                self.client.post(link_in(message))
        programs = reverse("programs:engagement", args=[self.w.engagement.code])
        self.assertEqual(self.client.get(programs).status_code, 404)
        self.assertFalse(staff.memberships.filter(role=Role.SPONSOR).exists())
        self.assertContains(response, "You cannot invite yourself.", status_code=400)
        self.assertFalse(Invitation.objects.filter(email=staff.email).exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.ROLE_GRANTED).exists())

    def test_an_invitation_to_an_address_staff_control_waits_for_someone_else(self):
        self.login(self.w.staff)
        alias = "stan.staff+sponsor@example.com"
        self.staff_invites(alias, "sponsor", organization=self.w.organization)
        invitation = Invitation.objects.get(email=alias)
        self.assertTrue(invitation.awaiting_approval)
        self.assertEqual(mail.outbox, [])  # no link exists yet
        # The one who asked cannot approve: the request is not even listed for them.
        self.assertEqual(self.client.get(reverse("accounts:approvals")).context["grants"], [])
        self.assertEqual(self.decide(invitation).status_code, 404)
        with self.assertRaises(ValidationError):
            services.invitation_approve(invitation=invitation, by=self.w.staff)
        invitation.refresh_from_db()
        self.assertTrue(invitation.awaiting_approval)
        self.assertEqual(mail.outbox, [])

    def test_nobody_approves_a_role_for_themselves(self):
        # Second staff asks for staff to become sponsor; staff may not approve it.
        invitation, _ = services.invitation_create(
            invited_by=self.second_staff,
            email=self.w.staff.email,
            role=Role.SPONSOR,
            organization=self.w.organization,
        )
        self.login(self.w.staff)
        self.assertEqual(self.decide(invitation).status_code, 404)
        with self.assertRaises(ValidationError):
            services.invitation_approve(invitation=invitation, by=self.w.staff)
        self.assertTrue(Invitation.objects.get(pk=invitation.pk).awaiting_approval)

    def test_nobody_accepts_an_invitation_they_made_or_approved(self):
        for field in ("invited_by", "approved_by"):
            with self.subTest(field=field):
                token = f"legacy-{field}-token-0123456789"
                now = timezone.now()
                Invitation.objects.create(
                    token_hash=services.token_hash(token),
                    email=self.w.staff.email,
                    role=Role.SPONSOR,
                    organization=self.w.organization,
                    expires_at=now + timezone.timedelta(days=1),
                    approved_at=now,
                    **{field: self.w.staff},
                )
                self.login(self.w.staff)
                self.client.post(reverse("accounts:invitation", args=[token]))
                with self.assertRaises(ValidationError):
                    services.invitation_accept(
                        token=token, name="", password="", existing_user=self.w.staff
                    )
                self.assertFalse(self.w.staff.memberships.filter(role=Role.SPONSOR).exists())


class ApprovalTests(RoleGrantTestCase):
    def test_a_second_staff_member_approves_and_the_grant_is_audited(self):
        self.login(self.w.staff)
        self.staff_invites("new.coach@example.com", "coach", practice=self.w.practice)
        invitation = Invitation.objects.get(email="new.coach@example.com")
        self.assertEqual(mail.outbox, [])

        self.login(self.second_staff)
        page = self.client.get(reverse("accounts:approvals"))
        self.assertContains(page, "new.coach@example.com")
        self.assertContains(page, "a coach in Northstar Coaching")
        self.assertRedirects(self.decide(invitation), reverse("accounts:approvals"))
        (sent,) = mail.outbox
        self.assertEqual(sent.to, ["new.coach@example.com"])

        self.client.logout()
        response = self.client.post(link_in(sent), NEW)
        # A new coach sets up a second factor before any page.
        self.assertRedirects(response, reverse("dashboard"), fetch_redirect_response=False)
        self.assertRedirects(self.client.get(reverse("dashboard")), reverse("accounts:login_setup"))
        coach = Membership.objects.get(role=Role.COACH, user__email="new.coach@example.com")
        self.assertEqual(coach.practice, self.w.practice)

        trail = {
            e.action: e
            for e in AuditEntry.objects.filter(target_code=str(invitation.code)).order_by("id")
        }
        self.assertEqual(trail[AuditAction.ROLE_GRANT_REQUESTED].actor_id, self.w.staff.pk)
        self.assertEqual(trail[AuditAction.ROLE_GRANT_APPROVED].actor_id, self.second_staff.pk)
        self.assertEqual(trail[AuditAction.ROLE_GRANTED].actor_id, coach.user_id)
        self.assertEqual(trail[AuditAction.ROLE_GRANTED].detail, {"kind": "coach"})

    def test_the_organizations_sponsor_approves_a_sponsor_invitation(self):
        self.login(self.w.staff)
        self.staff_invites("new.sponsor@example.com", "sponsor", organization=self.w.organization)
        invitation = Invitation.objects.get(email="new.sponsor@example.com")
        # A sponsor of another organization neither sees nor decides it.
        self.login(self.w.other_sponsor)
        self.assertNotContains(self.client.get(reverse("accounts:approvals")), "new.sponsor")
        self.assertEqual(self.decide(invitation).status_code, 404)
        self.login(self.w.sponsor)
        self.assertContains(self.client.get(reverse("accounts:approvals")), "new.sponsor")
        self.decide(invitation)
        self.assertEqual(mail.outbox[-1].to, ["new.sponsor@example.com"])
        self.assertEqual(Invitation.objects.get(pk=invitation.pk).approved_by, self.w.sponsor)

    def test_a_sponsor_cannot_approve_a_coach_or_staff_grant(self):
        for role, scope in (("coach", {"practice": self.w.practice}), ("staff", {})):
            with self.subTest(role=role):
                self.login(self.w.staff)
                self.staff_invites(f"{role}.x@example.com", role, **scope)
                invitation = Invitation.objects.get(email=f"{role}.x@example.com")
                self.login(self.w.sponsor)
                self.assertEqual(self.decide(invitation).status_code, 404)
                self.assertTrue(Invitation.objects.get(pk=invitation.pk).awaiting_approval)

    def test_declining_revokes_and_nothing_is_sent(self):
        self.login(self.w.staff)
        self.staff_invites("nope@example.com", "staff")
        invitation = Invitation.objects.get(email="nope@example.com")
        self.login(self.second_staff)
        self.decide(invitation, "decline")
        self.assertIsNotNone(Invitation.objects.get(pk=invitation.pk).revoked_at)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(self.decide(invitation).status_code, 404)

    def test_an_unknown_decision_changes_nothing(self):
        self.login(self.w.staff)
        self.staff_invites("maybe@example.com", "staff")
        invitation = Invitation.objects.get(email="maybe@example.com")
        self.login(self.second_staff)
        self.assertEqual(self.decide(invitation, "perhaps").status_code, 400)
        self.assertTrue(Invitation.objects.get(pk=invitation.pk).awaiting_approval)

    def test_approvals_page_is_for_staff_and_sponsors_only(self):
        for persona in ("coach", "coachee", "other_coach"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(self.client.get(reverse("accounts:approvals")).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("accounts:approvals")).status_code, 302)

    def test_a_coachee_invitation_needs_no_approval(self):
        _, token = services.invitation_create(
            invited_by=self.w.coach,
            email="leader2@example.com",
            role=Role.COACHEE,
            organization=self.w.organization,
        )
        self.assertIsNotNone(token)
        self.assertTrue(Invitation.objects.get(email="leader2@example.com").is_usable)

    def test_the_operator_invites_the_first_staff_member_from_the_command_line(self):
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("invite", "first.staff@example.com", "--role", "staff", stdout=out)
        self.assertIn("emailed", out.getvalue())
        invitation = Invitation.objects.get(email="first.staff@example.com")
        self.assertTrue(invitation.is_usable)
        self.assertEqual(mail.outbox[-1].to, ["first.staff@example.com"])
        self.assertNotIn("/invitations/", out.getvalue())  # the link goes by email only
        approved = AuditEntry.objects.get(action=AuditAction.ROLE_GRANT_APPROVED)
        self.assertEqual((approved.actor_id, approved.detail["via"]), (None, "operator"))
